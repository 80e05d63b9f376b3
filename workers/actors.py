"""The stages as dramatiq actors: load, call the pure step in pipelines/, store, pass on.

Queues: extract -> entities -> dedup -> publish, one per stage so each scales on
its own. Messages carry the article id (and, for extract, where the input is);
the article travels between stages in a Redis key. Permanent failures
(`Rejected`) go straight to `dead` with their reason; anything else is retried
with backoff, then buried by `bury_exhausted` with the last error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import dramatiq
import orjson
import structlog
from dramatiq.middleware import CurrentMessage

from pipelines.article import Article, Rejected, Source, utc_timestamp
from pipelines.feeds import fill_gaps
from workers.inputs.read import read_input
from workers.keys import Keys
from workers.runtime.broker import broker
from workers.runtime.sandbox import Sandbox
from workers.settings import get_settings
from workers.state.dedup_index import classify_article, index_from_settings
from workers.state.entity_registry import EntityRegistry, annotate
from workers.state.line_stats import LineStats
from workers.state.outcome import Outcomes

log = structlog.get_logger("newsflow.actors")
settings = get_settings()
keys = Keys(settings.prefix)
outcomes = Outcomes(broker.client, keys, settings.stream_maxlen)
entity_registry = EntityRegistry(broker.client, keys, marker_ttl=settings.work_ttl)
dedup_index = index_from_settings(broker.client, keys, settings)
line_stats = LineStats(
    broker.client,
    keys,
    settings.inbox,
    settings.line_stats_window,
    settings.line_stats_ttl,
    marker_ttl=settings.work_ttl,
)

#: The retry policy of every stage: a few quick retries for transient errors
#: (Redis hiccup, a worker restarting), then `dead` with the last error.
RETRIES: dict[str, Any] = {
    "max_retries": 3,
    "min_backoff": 1_000,
    "max_backoff": 30_000,
    "on_retry_exhausted": "bury_exhausted",
}


@dramatiq.actor(queue_name="extract", time_limit=300_000, **RETRIES)
def extract(
    article_id: str, source: dict[str, Any], ingested_at: str, meta: dict[str, Any] | None = None
) -> None:
    """``meta``: a feed item's title and date, for what the page itself does not state."""
    origin = Source(**source)
    if _already_extracted(article_id):
        return

    def step() -> Article:
        data, kind = read_input(origin, article_id, settings.max_bytes)
        if kind == "text":  # cleaned with what this source's earlier texts repeat
            found = line_stats.extract_text(data, origin, article_id)
        else:  # in a child process that is killed at NEWSFLOW_EXTRACT_TIMEOUT
            found = _sandbox()(data, kind, origin.url, settings.max_bytes)
        found = fill_gaps(found, meta)
        return Article.from_extracted(article_id, origin, found, ingested_at)

    if _run_stage(article_id, "extract", origin, step):
        entities.send(article_id)


def _already_extracted(article_id: str) -> bool:
    """A redelivered extract message: the input is finished, or past this stage.

    Extracting again would fetch a URL twice and overwrite the stored article,
    entities and all, under a chain still running. When the article is stored
    but maybe never handed on (a crash just before `entities.send`), it is handed
    on now: every later stage is idempotent.
    """
    if outcomes.outcomes([article_id])[0] is not None:
        log.info("already_finished")
        return True
    if broker.client.exists(keys.work(article_id)):
        log.info("already_extracted")
        entities.send(article_id)
        return True
    return False


@dramatiq.actor(queue_name="entities", time_limit=300_000, **RETRIES)
def entities(article_id: str) -> None:
    def step(article: Article) -> Article:
        recognition = _recognizer().recognize(article.text, article.title, article.language)
        return annotate(article, recognition, entity_registry)

    if _advance(article_id, "entities", step):
        dedup.send(article_id)


@dramatiq.actor(queue_name="dedup", time_limit=60_000, **RETRIES)
def dedup(article_id: str) -> None:
    def step(article: Article) -> Article:
        decision = classify_article(dedup_index, article)
        article.dedup, article.story = decision.dedup, decision.story
        return article

    if _advance(article_id, "dedup", step):
        publish.send(article_id)


@dramatiq.actor(queue_name="publish", time_limit=60_000, **RETRIES)
def publish(article_id: str) -> None:
    article = _load_or_bury(article_id, "publish")
    if article is None:
        return
    article.processed_at = utc_timestamp()
    if not outcomes.publish(article):
        log.info("already_published")


@dramatiq.actor(queue_name="bury", max_retries=10, min_backoff=1_000, max_backoff=60_000)
def bury_exhausted(message: dict[str, Any], retry: dict[str, Any]) -> None:
    """Receives a message whose retries ran out and writes it to `dead`."""
    article_id = message["args"][0]
    stage = message["actor_name"]
    traceback = message.get("options", {}).get("traceback") or "unknown error"
    reason = traceback.strip().splitlines()[-1]
    attempts = retry.get("retries", 0) + 1
    error = f"gave up after {attempts} attempts: {reason}"
    outcomes.bury(article_id, stage, error, _source_of(message), attempts)


def _source_of(message: dict[str, Any]) -> Source:
    if message["actor_name"] == "extract":
        return Source(**message["args"][1])
    try:
        stored = orjson.loads(broker.client.get(keys.work(message["args"][0])))
        return Article.from_record(stored).source
    except (TypeError, ValueError, KeyError):
        return Source(type="unknown")  # the stored record is what failed: bury it all the same


def _advance(article_id: str, stage: str, step: Callable[[Article], Article]) -> bool:
    """Run one middle stage on the stored article; False when the chain ends here."""
    article = _load_or_bury(article_id, stage)
    if article is None:
        return False
    return _run_stage(article_id, stage, article.source, lambda: step(article))


def _load_or_bury(article_id: str, stage: str) -> Article | None:
    try:
        return _load(article_id)
    except Rejected as rejection:
        outcomes.bury(article_id, stage, rejection.reason, Source(type="unknown"), _attempts())
        return None


def _run_stage(article_id: str, stage: str, source: Source, step: Callable[[], Article]) -> bool:
    try:
        article = step()
    except Rejected as rejection:
        outcomes.bury(article_id, stage, rejection.reason, source, _attempts())
        return False
    _store(article)
    return True


def _attempts() -> int:
    message = CurrentMessage.get_current_message()
    return (message.options.get("retries", 0) if message else 0) + 1


def _store(article: Article) -> None:
    broker.client.set(
        keys.work(article.id), orjson.dumps(article.to_record()), ex=settings.work_ttl
    )


def _load(article_id: str) -> Article | None:
    """The article in flight, or None when it already reached a stream (a redelivery)."""
    stored = broker.client.get(keys.work(article_id))
    if stored is not None:
        return Article.from_record(orjson.loads(stored))
    if outcomes.outcomes([article_id])[0] is None:
        # Neither in flight nor finished: only an expired work key does this.
        raise Rejected(
            "article record expired between stages (older than NEWSFLOW_WORK_TTL): "
            "ingest the input again"
        )
    log.info("already_finished")
    return None


_sandbox_lock = threading.Lock()
_sandbox_instance: Sandbox | None = None


def _sandbox() -> Sandbox:
    """The extraction children of this process, started on first use: only extract
    workers pay for them, and only after dramatiq has forked its worker processes."""
    global _sandbox_instance
    with _sandbox_lock:
        if _sandbox_instance is None:
            _sandbox_instance = Sandbox(
                timeout=settings.extract_timeout, memory_mb=settings.extract_memory_mb
            )
        return _sandbox_instance


_recognizer_lock = threading.Lock()
_recognizer_instance: Any = None


def _recognizer() -> Any:
    """One spaCy model per process, loaded on first use: only entity workers pay for it."""
    global _recognizer_instance
    with _recognizer_lock:
        if _recognizer_instance is None:
            from pipelines.entities.recognizer import EntityRecognizer

            _recognizer_instance = _LockedRecognizer(EntityRecognizer())
        return _recognizer_instance


class _LockedRecognizer:
    # spaCy does not promise thread safety, and NER holds the GIL anyway:
    # serialising calls costs nothing and rules out shared-state surprises.
    def __init__(self, recognizer: Any) -> None:
        self._recognizer = recognizer
        self._lock = threading.Lock()

    def recognize(self, *args: Any) -> Any:
        with self._lock:
            return self._recognizer.recognize(*args)
