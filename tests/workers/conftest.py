"""Fixtures of the runtime tests: the process's services on the session's Redis."""

from __future__ import annotations

import os

import pytest


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
