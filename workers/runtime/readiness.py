"""Whether the service can make progress, for /readyz: Redis answers, a worker is live, and
no stage's queue stands still.

A queue stands still when the same message has been first in line (the next a worker
would take) for NEWSFLOW_READY_STALL_SECONDS: dramatiq queues in arrival order, so
however busy the queue, its head changes as soon as any worker takes a message. The
head is looked at on each check, so a stall is seen by checks that far apart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import redis

from workers.keys import Keys
from workers.state.overview import live_workers


class Readiness:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        queues: tuple[str, ...],
        liveness_ttl: float,
        stall_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._keys = keys
        self._queues = queues
        self._liveness_ttl = liveness_ttl
        self._stall_seconds = stall_seconds
        self._clock = clock
        #: Per queue: the message first in line when last looked at, and since when.
        self._heads: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()  # probes may be answered by two threads at once

    def problem(self) -> str | None:
        """None when ready; else one line saying what is wrong and what to do."""
        try:
            self._client.ping()
            if not live_workers(self._client, self._keys, self._liveness_ttl):
                return "no live worker: start one (newsflow run, or python -m workers.worker)"
            return self._stalled()
        except redis.RedisError as error:
            return f"Redis does not answer ({error}): check that it is running and reachable"

    def _stalled(self) -> str | None:
        now = self._clock()
        heads = [self._client.lindex(self._keys.dramatiq_queue(q), 0) for q in self._queues]
        with self._lock:
            for queue, head in zip(self._queues, heads, strict=True):
                if head is None:
                    self._heads.pop(queue, None)
                    continue
                seen_head, since = self._heads.get(queue, (None, now))
                if seen_head != head:
                    self._heads[queue] = (head, now)
                elif now - since >= self._stall_seconds:
                    return (
                        f"queue {queue} has not moved for {now - since:.0f} s: are its workers "
                        f"stuck or gone? see their logs (newsflow status shows the queues)"
                    )
        return None
