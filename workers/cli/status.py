"""`newsflow status`: the live workers, and what is queued, in flight, delayed, published and
dead, read from Redis."""

from __future__ import annotations

import time

import redis
from rich.console import Console
from rich.table import Table

from workers.keys import Keys
from workers.services import Services
from workers.stages.chain import QUEUES


def queue_counts(client: redis.Redis, keys: Keys, queue: str) -> dict[str, int]:
    """dramatiq's Redis layout: a list of waiting ids, a hash of every unacked message,
    and the same pair under `.DQ` for messages waiting out a retry backoff."""
    pipeline = client.pipeline(transaction=False)
    pipeline.llen(keys.dramatiq_queue(queue))
    pipeline.hlen(keys.dramatiq_messages(queue))
    pipeline.hlen(keys.dramatiq_delayed_messages(queue))
    pipeline.zcard(keys.dramatiq_failed(queue))
    queued, unacked, delayed, failed = pipeline.execute()
    return {"queued": queued, "in_flight": unacked - queued, "delayed": delayed, "failed": failed}


#: `status` counts at most this many recent entries (a stream entry carries its whole record).
RECENT_CAP = 10_000


def recent(client: redis.Redis, stream: str, seconds: int = 60) -> str:
    """Entries added to a stream in the last ``seconds`` (stream ids start with a ms clock)."""
    since = int((time.time() - seconds) * 1000)
    found = len(client.xrange(stream, min=f"{since}-0", max="+", count=RECENT_CAP + 1))
    return f"over {RECENT_CAP}" if found > RECENT_CAP else str(found)


def print_status(services: Services) -> None:
    client, keys = services.client, services.keys
    console = Console()
    alive = services.liveness.alive()
    console.print(f"workers alive: {len(alive)}" + (f" ({', '.join(alive)})" if alive else ""))
    queues = Table(title="queues", title_justify="left")
    for column in ("stage", "queued", "in flight", "delayed (retry)", "failed"):
        queues.add_column(column, justify="right" if column != "stage" else "left")
    for stage in QUEUES:
        counts = queue_counts(client, keys, stage)
        queues.add_row(stage, *(str(v) for v in counts.values()))
    console.print(queues)
    streams = Table(title="streams", title_justify="left")
    for column in ("stream", "entries", "last minute"):
        streams.add_column(column, justify="right" if column != "stream" else "left")
    for name in ("articles", "dead"):
        key = keys.stream(name)
        streams.add_row(key, str(client.xlen(key)), recent(client, key))
    console.print(streams)
