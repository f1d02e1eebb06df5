"""The `techniekpact` command: graph's commands (graph/cli.py) and the two that need the web
layer, `serve` and `network`. It lives here so that graph/ never imports server/ (DESIGN.md);
the console script and `python -m server.cli` run this group."""

from __future__ import annotations

import sys

import click

from graph import cli as graph_cli
from graph.store import StoreMissing, open_for_reading, store_path

serving = click.Group()


@serving.command()
@graph_cli.STORE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="waitress worker threads")
def serve(store_dir, host, port, threads):
    """Serve the SPARQL endpoint and the web pages with waitress."""
    from server import compile_templates, create_app
    from server.config import Config
    from server.http_server import serve as serve_http
    from server.logs import configure_logging

    configure_logging()
    app = create_app(Config.from_env(store=store_dir))
    compile_templates(app)
    click.echo(f"serving {store_path(store_dir)} on http://{host}:{port}/")
    serve_http(app, host=host, port=port, threads=threads)


@serving.command()
@graph_cli.STORE_OPTION
@click.argument("view")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="HTML file to write")
@click.option("--iri", help="the resource of the ego view")
@click.option("--depth", default=1, type=click.IntRange(1, 2), show_default=True, help="ego view depth")
def network(store_dir, view, out, iri, depth):
    """Write the interactive network VIEW (partners, programmes, landsdeel-<naam>, ego) to a
    self-contained HTML file that needs no internet."""
    from graph.atomic import write_atomically
    from graph.network import UnknownView
    from server.network import standalone_html  # the page template lives with the web views

    try:
        html = standalone_html(open_for_reading(store_dir), view, iri=iri, depth=depth)
    except (UnknownView, StoreMissing) as error:
        click.echo(str(error.args[0] if error.args else error), err=True)
        sys.exit(2)
    write_atomically(out, html)  # a command stopped half-way leaves no half page
    click.echo(f"wrote {out}")


main = click.CommandCollection(
    name="techniekpact",
    sources=[graph_cli.main, serving],
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Techniekpact knowledge graph: build, serve, query, validate, reason, network, check, backup, restore.",
)


if __name__ == "__main__":
    main()
