"""The entities stage: spaCy's named entities of the article, with keys the shared
registry resolves (aliases learnt from earlier articles) and counts."""

from __future__ import annotations

import threading
from typing import Any

import dramatiq
import structlog

from pipelines.article import Article, utc_timestamp
from workers.services import process_services
from workers.stages import chain
from workers.stages.base import RETRIES, advance, once_per_process

log = structlog.get_logger("newsflow.entities")


@dramatiq.actor(queue_name="entities", time_limit=300_000, **RETRIES)
def entities(article_id: str) -> None:
    def step(article: Article) -> Article:
        recognition = _recognizer().recognize(article.text, article.title, article.language)
        registry = process_services().entity_registry
        article.entities = registry.resolve(recognition.entities)
        if recognition.note and recognition.note not in article.notes:
            article.notes.append(recognition.note)
        registry.record(article.id, article.entities, utc_timestamp())
        return article

    if advance(article_id, "entities", step):
        chain.pass_on("entities", article_id)


class _LockedRecognizer:
    # spaCy does not promise thread safety, and NER holds the GIL anyway:
    # serialising calls costs nothing and rules out shared-state surprises.
    def __init__(self, recognizer: Any) -> None:
        self._recognizer = recognizer
        self._lock = threading.Lock()

    def recognize(self, *args: Any) -> Any:
        with self._lock:
            return self._recognizer.recognize(*args)


def _load_recognizer() -> _LockedRecognizer:
    from pipelines.entities.recognizer import EntityRecognizer  # spaCy: only entity workers

    settings = process_services().settings
    model = {"model": settings.ner_model} if settings.ner_model else {}
    return _LockedRecognizer(EntityRecognizer(max_text_chars=settings.ner_max_chars, **model))


#: One spaCy model per process, loaded on first use.
_recognizer = once_per_process(_load_recognizer)


def warm_up() -> None:
    """Load the model before the worker takes messages: a message must not wait (and be
    exposed to a kill) for the seconds a model takes to load. A model that cannot be
    loaded (NEWSFLOW_NER_MODEL names something else) stops the worker with one line."""
    model = process_services().settings.ner_model
    try:
        _recognizer()
    except Exception as error:  # whatever spaCy raises for a package that is no pipeline
        if model is None:
            raise  # the bundled model failing is a broken install, not a setting to fix
        log.error(
            "ner_model_unusable",
            model=model,
            error=f"{type(error).__name__}: {error}",
            hint="set NEWSFLOW_NER_MODEL to a spaCy pipeline with a ner component, or unset it",
        )
        raise SystemExit(2) from None
