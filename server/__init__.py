"""The Techniekpact web service: SPARQL endpoint, saved queries, validation, network views, pages."""

from __future__ import annotations

from flask import Flask

from server.config import Config


def create_app(config: Config | None = None) -> Flask:
    """Application factory: the configuration flows in here and nowhere else."""
    from graph.namespaces import entity_path
    from server import (
        doublures,
        entities,
        errors,
        graph_store,
        headers,
        i18n,
        logs,
        network,
        ontology_docs,
        pages,
        queries,
        representation,
        sparql,
        validate,
    )
    from server.answers import Answers
    from server.cache import ResultCache
    from server.engine import Engine
    from server.network_views import NetworkViews
    from server.reports import Reports
    from server.summaries import Summaries

    config = config or Config.from_env()
    app = Flask(__name__)
    app.config["TECHNIEKPACT"] = config
    app.jinja_env.filters["href"] = entity_path  # a link for http(s)/mailto IRIs only, else None
    engine = app.extensions["techniekpact.engine"] = Engine(config)
    app.extensions["techniekpact.answers"] = Answers(engine, config.prepare_timeout)
    app.extensions["techniekpact.cache"] = ResultCache()
    app.extensions["techniekpact.reports"] = Reports(engine, background=config.prepare_validation)
    app.extensions["techniekpact.network_views"] = NetworkViews(
        engine, network.build_data, background=config.prepare_timeout > 0
    )
    app.extensions["techniekpact.summaries"] = Summaries(engine, background=config.prepare_timeout > 0)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(network.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(validate.bp)
    app.register_blueprint(ontology_docs.bp)
    doublures.register(app)
    errors.register(app)
    i18n.register(app)
    headers.register(app)
    representation.register(app)
    logs.register(app)
    return app


def compile_templates(app: Flask) -> int:
    """Compile every page template now, before the first visitor (who would otherwise wait
    for it: 75 ms for an entity page, 270 ms for all 19). `serve` calls it; the number compiled."""
    names = app.jinja_env.list_templates()
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def close_app(app: Flask) -> None:
    """Stop what an app runs besides its requests: the preparers' threads, the validating child,
    the version watch and the query workers. For tests and embedders; a served app runs until
    its process ends."""
    for name in ("answers", "network_views", "reports", "doublures", "summaries"):
        app.extensions[f"techniekpact.{name}"].close()
    app.extensions["techniekpact.engine"].close()
