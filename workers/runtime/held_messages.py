"""What this process holds of each queue, to take back what Redis says it holds and it does not.

dramatiq's Redis broker moves every fetched message id into the fetching worker's ack set
(``<namespace>:__acks__.<broker id>.<queue>``) and out of it on ack; maintenance hands back
the sets of workers whose heartbeat stopped, never those of a live one. Yet a live worker
can be named holder of a message it does not have:

- a fetch whose reply never came back: the connection was cut after Redis ran it (a
  command sent into a dropped link is retransmitted once the link returns, and runs after
  the client has given up on it);
- messages a consumer had prefetched when dramatiq restarted it after an error (the new
  consumer starts empty), or delayed messages it held for their time (dramatiq empties its
  delay queue on a connection error).

Such a message waits for its worker to die, which for a worker that runs for weeks is
never. So the broker records the ids its fetches returned until they are acknowledged,
rejected or handed back, and now and then hands back the ids of its ack set it never
recorded (`stranded`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import orjson


class HeldMessages:
    """The Redis message ids (dramatiq's ``redis_message_id``) this process holds, by queue."""

    def __init__(self) -> None:
        self._held: dict[str, set[str]] = {}
        # Fetches run on a queue's consumer thread, acks may come from others.
        self._lock = threading.Lock()

    def took(self, queue_name: str, payloads: Iterable[bytes | None]) -> None:
        """Record the messages a fetch returned (None: an id whose message was gone)."""
        ids = redis_ids(payloads)
        with self._lock:
            self._held.setdefault(queue_name, set()).update(ids)

    def let_go(self, queue_name: str, ids: Iterable[str]) -> None:
        with self._lock:
            held = self._held.get(queue_name)
            if held:
                held.difference_update(ids)

    def forget(self, queue_name: str, payloads: Iterable[bytes | None] | None = None) -> None:
        """Drop messages this process no longer holds in memory though it never let them go:
        those of ``payloads``, or all of the queue's."""
        if payloads is None:
            with self._lock:
                self._held.pop(queue_name, None)
        else:
            self.let_go(queue_name, redis_ids(payloads))

    def stranded(self, queue_name: str, in_ack_set: Iterable[str]) -> list[str]:
        """The ids Redis counts as this process's that it does not hold."""
        with self._lock:
            held = self._held.get(queue_name, set())
            return sorted(set(in_ack_set) - held)


def redis_ids(payloads: Iterable[bytes | None]) -> list[str]:
    ids = []
    for payload in payloads:
        if payload is None:
            continue
        try:
            ids.append(orjson.loads(payload)["options"]["redis_message_id"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            continue  # dramatiq rejects it when it decodes it; its id stays unrecorded
    return ids
