"""What the run's Redis holds: the entries of ``articles`` and ``dead``, and, for an input on
neither, where it stands (never queued, waiting in which queue, held by which worker, ...)."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import redis

from workers.keys import Keys

#: How often to try again while Redis cannot be reached (seconds).
RETRY_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Entry:
    stream: str  #: "articles" or "dead"
    entry_id: str
    fields: dict[str, str]

    @property
    def millis(self) -> int:
        """When it was added: a stream entry's id starts with a clock in ms."""
        return int(self.entry_id.split("-")[0])


class Observer:
    """Reads what the run's Redis holds: the two streams, and where a missing input is."""

    def __init__(self, socket_path: Path, keys: Keys) -> None:
        self.keys = keys
        self.client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=10)

    def close(self) -> None:
        self.client.close()

    def ended(self) -> int | None:
        """Entries on both streams together; None while Redis cannot be reached."""
        try:
            return int(self.client.xlen(self.keys.articles) + self.client.xlen(self.keys.dead))
        except redis.RedisError:
            return None

    def entries(self) -> list[Entry]:
        """Every entry of both streams, in stream order."""
        found = []
        for stream, key in (("articles", self.keys.articles), ("dead", self.keys.dead)):
            start = "-"
            while batch := self.client.xrange(key, min=start, count=2000):
                for entry_id, raw in batch:
                    fields = {k.decode(): v.decode(errors="replace") for k, v in raw.items()}
                    found.append(Entry(stream, entry_id.decode(), fields))
                start = "(" + batch[-1][0].decode()
        return found

    def entries_when_up(self, timeout: float = 60.0) -> list[Entry]:
        """``entries()``, waiting up to ``timeout`` for Redis to answer."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.entries()
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(RETRY_SECONDS)

    def where(self, article_ids: list[str]) -> dict[str, str]:
        """Where each of these inputs (on neither stream) stands, one line per id."""
        if not article_ids:
            return {}
        messages = self._messages()
        pipe = self.client.pipeline(transaction=False)
        for article_id in article_ids:
            pipe.sismember(self.keys.seen, article_id)
            pipe.exists(self.keys.work(article_id))
            pipe.get(self.keys.done(article_id))
        answers = pipe.execute()
        found = {}
        for n, article_id in enumerate(article_ids):
            seen, work, done = answers[3 * n : 3 * n + 3]
            found[article_id] = _where(seen, work, done, messages.get(article_id, []))
        return found

    def _messages(self) -> dict[str, list[str]]:
        """Input id -> where each of its dramatiq messages is ("extract: waiting", ...)."""
        namespace = self.keys.dramatiq_namespace
        held = self._held_by_workers()
        waiting: set[bytes] = set()  # ids on any of the namespace's lists
        for key in self.client.scan_iter(match=f"{namespace}:*", count=1000):
            if self.client.type(key) == b"list":
                waiting.update(self.client.lrange(key, 0, -1))
        places: dict[str, list[str]] = defaultdict(list)
        for key in self.client.scan_iter(match=f"{namespace}:*.msgs", count=1000):
            queue = key.decode()[len(namespace) + 1 : -len(".msgs")]
            for message_id, data in self.client.hgetall(key).items():
                place = _place(queue, message_id in waiting, held.get(message_id))
                places[_article_of(data)].append(place)
        return places

    def _held_by_workers(self) -> dict[bytes, str]:
        """Message id -> "worker <id> (heartbeat N s ago)" for messages fetched, not acked.
        A heartbeat older than the heartbeat timeout is a dead worker's."""
        beats = dict(self.client.zrange(self.keys.dramatiq_heartbeats, 0, -1, withscores=True))
        namespace = self.keys.dramatiq_namespace
        held = {}
        for key in self.client.scan_iter(match=f"{namespace}:__acks__.*", count=1000):
            broker_id = key.decode().split("__acks__.", 1)[1].split(".", 1)[0]
            beat = beats.get(broker_id.encode())
            age = f"heartbeat {time.time() - beat / 1000:.0f} s ago" if beat else "no heartbeat"
            for message_id in self.client.smembers(key):
                held[message_id] = f"worker {broker_id[:8]} ({age})"
        return held


def _article_of(data: bytes) -> str:
    """The input id of a dramatiq message: its first argument or, on the bury queue (whose
    first argument is the failed message), that message's."""
    try:
        message = json.loads(data)
        first = message["args"][0]
        return str(first["args"][0] if isinstance(first, dict) else first)
    except (ValueError, KeyError, IndexError, TypeError):
        return "?"


def _place(queue: str, waiting: bool, holder: str | None) -> str:
    if queue.endswith(".XQ"):
        return f"{queue}: dead-lettered"
    if holder:
        return f"{queue}: fetched by {holder}, never acknowledged"
    if queue.endswith(".DQ"):
        return f"{queue}: delayed (a retry's backoff)"
    return f"{queue}: waiting" if waiting else f"{queue}: in no list nor any worker's acks"


def _where(seen: int, work: int, done: bytes | None, places: list[str]) -> str:
    if done is not None:
        return f"done marker set ({done.decode()}) but no stream entry"
    if places:
        return "; ".join(sorted(places)) + (" [work key stored]" if work else "")
    if not seen:
        return "never queued: not in the seen set, no message"
    if work:
        return "lost between stages: work key stored, no message in any queue"
    return "lost after intake: in the seen set, but no message and no work key"
