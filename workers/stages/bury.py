"""Where a message whose retries ran out ends: a `dead` entry with its last error."""

from __future__ import annotations

from typing import Any

import dramatiq
import orjson

from pipelines.article import Article, Source
from workers.services import process_services
from workers.stages.chain import BURY_QUEUE


@dramatiq.actor(queue_name=BURY_QUEUE, max_retries=10, min_backoff=1_000, max_backoff=60_000)
def bury_exhausted(message: dict[str, Any], retry: dict[str, Any]) -> None:
    """Receives a message whose retries ran out and writes it to `dead`."""
    article_id = message["args"][0]
    stage = message["actor_name"]
    traceback = message.get("options", {}).get("traceback") or "unknown error"
    reason = traceback.strip().splitlines()[-1]
    attempts = retry.get("retries", 0) + 1
    error = f"gave up after {attempts} attempts: {reason}"
    process_services().outcomes.bury(article_id, stage, error, _source_of(message), attempts)


def _source_of(message: dict[str, Any]) -> Source:
    if message["actor_name"] == "extract":
        return Source(**message["args"][1])
    services = process_services()
    try:
        stored = orjson.loads(services.client.get(services.keys.work(message["args"][0])))
        return Article.from_record(stored).source
    except (TypeError, ValueError, KeyError):
        return Source(type="unknown")  # the stored record is what failed: bury it all the same
