"""What every stage does around its pure step: load the article, run the step, store the
result or bury the input, and the retry policy they share.

The article travels between stages in a Redis key (``Keys.work``), so that messages
carry only ids. Permanent failures (`Rejected`) go straight to `dead` with their
reason; anything else is retried with backoff, then buried by the `bury` stage with
the last error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import orjson
import structlog
from dramatiq.middleware import CurrentMessage, TimeLimitExceeded

from pipelines.article import Article, Rejected, Source
from workers.services import process_services

log = structlog.get_logger("newsflow.stages")

#: The retry policy of every stage: a few quick retries for transient errors
#: (Redis hiccup, a worker restarting), then `dead` with the last error.
RETRIES: dict[str, Any] = {
    "max_retries": 3,
    "min_backoff": 1_000,
    "max_backoff": 30_000,
    "on_retry_exhausted": "bury_exhausted",
}


def advance(article_id: str, stage: str, step: Callable[[Article], Article]) -> bool:
    """Run one middle stage on the stored article; False when the chain ends here."""
    article = load_or_bury(article_id, stage)
    if article is None:
        return False
    return run_stage(article_id, stage, article.source, lambda: step(article))


def load_or_bury(article_id: str, stage: str) -> Article | None:
    try:
        return _load(article_id)
    except Rejected as rejection:
        bury(article_id, stage, rejection.reason, Source(type="unknown"))
        return None


def run_stage(article_id: str, stage: str, source: Source, step: Callable[[], Article]) -> bool:
    """Run ``step`` and store its article; False (and buried) when it rejects the input or
    runs past the stage's time limit (another attempt would take as long)."""
    try:
        article = step()
    except Rejected as rejection:
        bury(article_id, stage, rejection.reason, source)
        return False
    except TimeLimitExceeded:
        bury(article_id, stage, f"too slow: the {stage} stage ran past its time limit", source)
        return False
    _store(article)
    return True


def bury(article_id: str, stage: str, reason: str, source: Source) -> None:
    process_services().outcomes.bury(article_id, stage, reason, source, _attempts())


def _attempts() -> int:
    message = CurrentMessage.get_current_message()
    return (message.options.get("retries", 0) if message else 0) + 1


def _store(article: Article) -> None:
    services = process_services()
    services.client.set(
        services.keys.work(article.id),
        orjson.dumps(article.to_record()),
        ex=services.settings.work_ttl,
    )


def _load(article_id: str) -> Article | None:
    """The article in flight, or None when it already reached a stream (a redelivery)."""
    services = process_services()
    stored = services.client.get(services.keys.work(article_id))
    if stored is not None:
        return Article.from_record(orjson.loads(stored))
    if not finished(article_id):
        # Neither in flight nor finished: only an expired work key does this.
        raise Rejected(
            "article record expired between stages (older than NEWSFLOW_WORK_TTL): "
            "ingest the input again"
        )
    log.info("already_finished")
    return None


def finished(article_id: str) -> bool:
    """Whether the input already has its outcome (`articles` or `dead`)."""
    return process_services().outcomes.outcomes([article_id])[0] is not None


def once_per_process(build: Callable[[], Any]) -> Callable[[], Any]:
    """``build()`` on first call, under a lock, then the same object: for what is heavy
    to make (the spaCy model, the extraction children), so that only a process whose
    workers run that stage pays for it, and only after dramatiq has forked them."""
    lock = threading.Lock()
    made: list[Any] = []

    def get() -> Any:
        with lock:
            if not made:
                made.append(build())
            return made[0]

    return get
