"""Shared fixtures: the real store is built once per test session from the real sources."""

from __future__ import annotations

import pytest

from graph.build import build
from server import create_app
from server.config import Config

UPDATE_TOKEN = "test-token"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The build report of a store built from ontology/, shapes/, graph/data/ and queries/."""
    return build(tmp_path_factory.mktemp("store") / "store")


@pytest.fixture(scope="session")
def store_dir(built):
    return built.store


@pytest.fixture(scope="session")
def store(store_dir):
    from server.engine import _shared_store

    return _shared_store(store_dir)


def select(store, sparql: str) -> list[dict]:
    """Rows of a SELECT on the store's union graph, as {var: python value}."""
    from graph.query import execute

    result = execute(store, sparql)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


@pytest.fixture(scope="session")
def app(store_dir):
    from server import close_app

    app = create_app(
        Config(store=str(store_dir), update_token=UPDATE_TOKEN, query_timeout=3.0, result_limit=5000)
    )
    app.config["TESTING"] = True
    yield app
    close_app(app)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def own_app(store_dir, tmp_path):
    """An app on a copy of the store, for a test that writes: the shared store stays as built,
    so no other test sees what this one wrote (or waits for its version to settle)."""
    import shutil

    from server import close_app

    shutil.copytree(store_dir, tmp_path / "own-store")
    app = create_app(
        Config(
            store=str(tmp_path / "own-store"),
            update_token=UPDATE_TOKEN,
            query_timeout=3.0,
            result_limit=5000,
            prepare_timeout=0,
        )
    )
    app.config["TESTING"] = True
    yield app
    close_app(app)


@pytest.fixture()
def own_client(own_app):
    return own_app.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    """The app under waitress on a free loopback port, as a real client sees it."""
    from tests.live import serving

    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module that asks for it."""
    from tests.browser import chromium

    driver = chromium()
    yield driver
    driver.quit()
