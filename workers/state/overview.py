"""The figures `newsflow status` reports, read from Redis and never written.

Live workers come from the liveness set, queue figures from dramatiq's keys, and stream
figures from XLEN and XINFO. Feed health comes from the feed registry. Each figure is a
small dataclass whose fields are the keys of the `status --json` rows (docs/contract.md).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from workers.keys import Keys
from workers.state.feeds import FeedRegistry

#: The last-minute count of a stream reads at most this many entries (an `articles`
#: entry carries its whole record, so reading more for a glance would cost a lot).
RECENT_CAP = 1_000
#: Dead entries are counted by stage only while the stream holds at most this many.
DEAD_COUNT_CAP = 10_000


@dataclass(frozen=True, slots=True)
class WorkerSeen:
    id: str  #: host:pid, as the liveness set names it
    host: str
    pid: int | None
    last_seen: str  #: when it last renewed its liveness (UTC, ISO 8601)
    seconds_ago: float


@dataclass(frozen=True, slots=True)
class QueueCounts:
    queue: str
    queued: int  #: waiting for a worker
    in_flight: int  #: taken by a worker (running or prefetched), not acknowledged yet
    delayed: int  #: waiting out a retry backoff or a Retry-After
    failed: int  #: dead-lettered by dramatiq itself


@dataclass(frozen=True, slots=True)
class StreamCounts:
    stream: str
    length: int
    last_minute: int  #: entries added in the last 60 s, counted up to RECENT_CAP
    last_minute_capped: bool  #: more than RECENT_CAP were added: last_minute is a floor


@dataclass(frozen=True, slots=True)
class GroupCounts:
    stream: str
    group: str
    consumers: int
    pending: int  #: delivered to a consumer and not acknowledged
    lag: int | None  #: entries not delivered yet; None when Redis cannot tell (see below)
    last_delivered_id: str
    entries_read: int | None


@dataclass(frozen=True, slots=True)
class ConsumerCounts:
    stream: str
    group: str
    consumer: str
    pending: int
    idle_ms: int


@dataclass(frozen=True, slots=True)
class FeedHealth:
    total: int
    ok: int
    unhealthy: int


@dataclass(frozen=True, slots=True)
class Overview:
    checked_at: str
    workers: list[WorkerSeen]
    queues: list[QueueCounts]
    dead_by_stage: dict[str, int] | None  #: None when the dead stream is too long to count
    streams: list[StreamCounts]
    groups: list[GroupCounts]
    consumers: list[ConsumerCounts]
    feeds: FeedHealth

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gather(
    client: redis.Redis,
    keys: Keys,
    queues: tuple[str, ...],
    liveness_ttl: float,
    feeds: FeedRegistry,
    max_feed_errors: int,
) -> Overview:
    streams = [keys.articles, keys.dead]
    groups: list[GroupCounts] = []
    consumers: list[ConsumerCounts] = []
    for stream in streams:
        its_groups, its_consumers = stream_groups(client, stream)
        groups += its_groups
        consumers += its_consumers
    return Overview(
        checked_at=_iso(time.time()),
        workers=live_workers(client, keys, liveness_ttl),
        queues=[queue_counts(client, keys, q) for q in queues],
        dead_by_stage=dead_by_stage(client, keys),
        streams=[stream_counts(client, s) for s in streams],
        groups=groups,
        consumers=consumers,
        feeds=feed_health(feeds, max_feed_errors),
    )


def live_workers(client: redis.Redis, keys: Keys, ttl: float) -> list[WorkerSeen]:
    """The workers whose liveness has not run out. An entry is scored by when it runs out,
    ``ttl`` after its last renewal (workers/state/liveness.py), so that is when it was seen."""
    now = time.time()
    found = client.zrangebyscore(keys.workers, int(now * 1000), "+inf", withscores=True)
    seen = []
    for raw, expiry_ms in sorted(found):
        name = raw.decode("utf-8", "replace")
        host, _, pid = name.rpartition(":")
        renewed = expiry_ms / 1000 - ttl
        seen.append(
            WorkerSeen(
                id=name,
                host=host,
                pid=int(pid) if pid.isdigit() else None,
                last_seen=_iso(renewed),
                seconds_ago=round(max(0.0, now - renewed), 1),
            )
        )
    return seen


def queue_counts(client: redis.Redis, keys: Keys, queue: str) -> QueueCounts:
    """dramatiq keeps every unacknowledged message of a queue in one hash, and the ids of
    those waiting in a list; a worker moves an id from the list to its own ack set in one
    step. So the hash minus the list is what workers hold, counted in one snapshot (MULTI)
    so that a fetch in between cannot make it wrong. Delayed messages have their own pair
    of keys (`.DQ`), whether waiting there or held by a worker until their time comes."""
    pipeline = client.pipeline(transaction=True)
    pipeline.llen(keys.dramatiq_queue(queue))
    pipeline.hlen(keys.dramatiq_messages(queue))
    pipeline.hlen(keys.dramatiq_delayed_messages(queue))
    pipeline.zcard(keys.dramatiq_failed(queue))
    queued, unacked, delayed, failed = pipeline.execute()
    return QueueCounts(queue, queued, max(0, unacked - queued), delayed, failed)


def dead_by_stage(client: redis.Redis, keys: Keys) -> dict[str, int] | None:
    """The dead stream's entries by the stage that gave up on them (`intake` for an input
    refused before the first stage); None when there are too many to read for a glance."""
    if client.xlen(keys.dead) > DEAD_COUNT_CAP:
        return None
    entries = client.xrange(keys.dead, count=DEAD_COUNT_CAP)
    stages = Counter(_text(fields.get(b"stage", b"unknown")) for _, fields in entries)
    return dict(sorted(stages.items()))


def stream_counts(client: redis.Redis, stream: str) -> StreamCounts:
    since = int((time.time() - 60) * 1000)
    recent = len(client.xrange(stream, min=f"{since}-0", max="+", count=RECENT_CAP + 1))
    return StreamCounts(
        stream=stream,
        length=client.xlen(stream),
        last_minute=min(recent, RECENT_CAP),
        last_minute_capped=recent > RECENT_CAP,
    )


def stream_groups(
    client: redis.Redis, stream: str
) -> tuple[list[GroupCounts], list[ConsumerCounts]]:
    """Every consumer group of a stream, and every consumer of each. ``lag`` comes from
    Redis 7 or later; it is None on older servers and when Redis cannot compute it, e.g.
    after entries past the group's last delivered one were deleted."""
    # XINFO GROUPS fails on a missing key; a stream emptied by trimming keeps its groups.
    if client.type(stream) != b"stream":
        return [], []
    groups, consumers = [], []
    for info in client.xinfo_groups(stream):
        group = _text(info["name"])
        groups.append(
            GroupCounts(
                stream=stream,
                group=group,
                consumers=int(info["consumers"]),
                pending=int(info["pending"]),
                lag=_count_or_none(info.get("lag")),
                last_delivered_id=_text(info["last-delivered-id"]),
                entries_read=_count_or_none(info.get("entries-read")),
            )
        )
        # Asked by the raw name: a name that is not UTF-8 does not survive decoding.
        consumers += [
            ConsumerCounts(stream, group, _text(c["name"]), int(c["pending"]), int(c["idle"]))
            for c in client.xinfo_consumers(stream, info["name"])
        ]
    return groups, consumers


def feed_health(registry: FeedRegistry, max_errors: int) -> FeedHealth:
    """Registered feeds, split by health as `feeds list` shows it."""
    feeds = registry.all()
    ok = sum(feed.healthy(max_errors) for feed in feeds)
    return FeedHealth(total=len(feeds), ok=ok, unhealthy=len(feeds) - ok)


def _count_or_none(value: object) -> int | None:
    return None if value is None else int(str(value))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")
    return moment.replace("+00:00", "Z")
