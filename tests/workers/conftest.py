"""Fixtures of the runtime tests: the process's services on the session's Redis, and a web
server on loopback that the workers may fetch from (modules with a server of their own,
confined otherwise, define their own `server`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.workers.http_server import LoopbackServer, confine_to_loopback, loopback_server


@pytest.fixture
def keys():
    """Every key and stream name of the session's prefix."""
    from workers.keys import Keys

    return Keys(os.environ["NEWSFLOW_PREFIX"])


@pytest.fixture
def services(redis_client):
    """This process's services (on the broker's client), on a freshly emptied Redis."""
    from workers.services import process_services

    return process_services()


@pytest.fixture
def intake(services):
    """Queues inputs for the first stage, as the watcher and `ingest` do."""
    from workers.stages.chain import start

    return services.intake(start)


@pytest.fixture(scope="module")
def seed_articles(seeds):
    """The five seeds as the entities stage leaves them: clean text and entities."""
    from pipelines.article import Article, Source
    from pipelines.entities.recognizer import EntityRecognizer
    from pipelines.extract.extractor import extract

    recognizer = EntityRecognizer()
    out = []
    for n, path in enumerate(seeds):
        found = extract(path.read_bytes(), "text")
        source = Source(type="file", path=f"/inbox/outlet-{n}/{path.name}")
        article = Article.from_extracted(f"{n + 3:016x}", source, found, None)
        article.entities = recognizer(article.text, article.title, None)
        out.append(article)
    return out


@pytest.fixture
def connections(monkeypatch) -> list[str]:
    """Nothing in the test resolves or connects beyond loopback; the worker's own fetcher
    (built from the settings) may fetch 127.0.0.1 at full speed."""
    from workers.settings import get_settings

    monkeypatch.setenv("NEWSFLOW_FETCH_ALLOW", "127.0.0.1")
    monkeypatch.setenv("NEWSFLOW_FETCH_HOST_DELAY", "0")
    get_settings.cache_clear()
    yield confine_to_loopback(monkeypatch)
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def server(connections) -> Iterator[LoopbackServer]:
    with loopback_server() as running:
        yield running
