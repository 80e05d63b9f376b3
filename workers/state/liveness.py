"""Which worker processes are alive, in Redis: each renews its own entry every few seconds.

dramatiq's heartbeats cannot say this: they are written by every process that
enqueues (the watcher, `ingest`), and a stopped worker's stays behind until some
maintenance removes it. Here an entry is scored by when it runs out, so a worker
that stopped or was killed disappears within ``ttl`` seconds, and a clean stop
removes it at once.
"""

from __future__ import annotations

import os
import socket
import time

import redis

from workers.keys import Keys


def worker_name() -> str:
    """This process, as the liveness set names it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Liveness:
    def __init__(self, client: redis.Redis, keys: Keys, ttl: float) -> None:
        self._client = client
        self._keys = keys
        self.ttl = ttl

    def renew(self, name: str) -> None:
        """``name`` is alive for ``ttl`` seconds from now."""
        now_ms = int(time.time() * 1000)
        with self._client.pipeline(transaction=False) as pipe:
            pipe.zadd(self._keys.workers, {name: now_ms + int(self.ttl * 1000)})
            pipe.zremrangebyscore(self._keys.workers, "-inf", now_ms)
            pipe.execute()

    def leave(self, name: str) -> None:
        self._client.zrem(self._keys.workers, name)

    def alive(self) -> list[str]:
        """The workers whose liveness has not run out, by name."""
        now_ms = int(time.time() * 1000)
        names = self._client.zrangebyscore(self._keys.workers, now_ms, "+inf")
        return sorted(n.decode() for n in names)
