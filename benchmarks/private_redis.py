"""A redis-server of a benchmark's own, on a unix socket in a temporary folder.

Benchmarks never use a Redis that is already running: each starts one the way the
embedded default does (workers/runtime/embedded.py) and removes it, folder and all.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from workers.runtime.embedded import EmbeddedRedis


@contextmanager
def private_redis_server(name: str) -> Iterator[EmbeddedRedis]:
    """A new redis-server, for a benchmark that stops and starts it (its ``url`` stays)."""
    home = Path(tempfile.mkdtemp(prefix=f"nf-bench-{name}-"))
    server = EmbeddedRedis(home)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def private_redis(name: str, *, persist: bool = True) -> Iterator[redis.Redis]:
    """A client of a new redis-server; ``persist=False`` turns the append-only file off,
    for benchmarks that measure memory or CPU rather than the disk."""
    with private_redis_server(name) as server:
        client = redis.Redis.from_url(server.url)
        if not persist:
            client.config_set("appendonly", "no")
        yield client
