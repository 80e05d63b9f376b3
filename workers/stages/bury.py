"""Where an input ends when its stages cannot finish it: a `dead` entry with the reason.

Two ways lead here: a message whose retries ran out (`bury_exhausted`, dramatiq's
`on_retry_exhausted` callback, with the last error), and a message whose worker
died under it too often (`bury_poison`, called by the delivery limit).
"""

from __future__ import annotations

from typing import Any

import dramatiq
import orjson

from pipelines.article import Article, Source
from workers.runtime.broker import broker
from workers.runtime.middleware import DeliveryLimit, WaitOutRedis
from workers.services import process_services
from workers.stages.chain import BURY_QUEUE

#: A message whose worker died this many times under it is not given to another one.
POISON_DELIVERIES = 3


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


def bury_poison(message: dramatiq.Message[Any], deaths: int) -> None:
    """Write a message that killed its worker ``deaths`` times to `dead`."""
    data = message.asdict()
    if message.actor_name == bury_exhausted.actor_name:  # burying it is what kills
        data = data["args"][0]
    error = (
        f"poison: the worker processing it died {deaths} times (killed for its memory, or a "
        f"crash in native code); see the worker logs and the input"
    )
    article_id, stage = data["args"][0], data["actor_name"]
    process_services().outcomes.bury(article_id, stage, error, _source_of(data), deaths)


def _source_of(message: dict[str, Any]) -> Source:
    if message["actor_name"] == "extract":
        return Source(**message["args"][1])
    services = process_services()
    try:
        stored = orjson.loads(services.client.get(services.keys.work(message["args"][0])))
        return Article.from_record(stored).source
    except (TypeError, ValueError, KeyError):
        return Source(type="unknown")  # the stored record is what failed: bury it all the same


def _limit_deliveries() -> None:
    if not any(isinstance(m, DeliveryLimit) for m in broker.middleware):
        services = process_services()
        limit = DeliveryLimit(
            services.client,
            services.keys,
            POISON_DELIVERIES,
            services.settings.work_ttl,
            bury_poison,
        )
        # Before WaitOutRedis: its after-hook runs later, once Redis answers again.
        broker.add_middleware(limit, before=WaitOutRedis)


# Declared with the actors: a process that consumes stages counts deliveries.
_limit_deliveries()
