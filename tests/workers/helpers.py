"""Shared test helpers: a real dramatiq Worker on the session's Redis, and stream readers."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis


@contextlib.contextmanager
def running_worker(threads: int = 2) -> Iterator[None]:
    """A real dramatiq Worker consuming every stage's queue, in this process."""
    import dramatiq

    from workers.runtime.broker import broker
    from workers.stages import chain

    chain.declare_actors()

    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    try:
        yield
    finally:
        worker.stop(timeout=30_000)


def worker_process(threads: int = 2, heartbeat_timeout_ms: int = 2000) -> subprocess.Popen[bytes]:
    """A real worker process on the session's Redis, as `newsflow worker` starts it."""
    from workers.runtime.supervisor import start_workers

    os.environ["NEWSFLOW_HEARTBEAT_TIMEOUT_MS"] = str(heartbeat_timeout_ms)
    try:
        [process] = start_workers(1, threads, os.environ["NEWSFLOW_REDIS_URL"], "WARNING")
    finally:
        del os.environ["NEWSFLOW_HEARTBEAT_TIMEOUT_MS"]
    return process


def page_bytes(eval_pages: list[Path], count: int) -> list[bytes]:
    """The bytes of the first ``count`` real article pages."""
    assert len(eval_pages) >= count, eval_pages
    return [p.read_bytes() for p in eval_pages[:count]]


def entries(client: redis.Redis, stream: str) -> list[dict[str, Any]]:
    """Every entry of a stream, JSON fields decoded."""
    out = []
    for entry_id, fields in client.xrange(stream):
        entry = {k.decode(): v.decode() for k, v in fields.items()}
        for name in ("data", "source"):
            if name in entry:
                entry[name] = orjson.loads(entry[name])
        entry["stream_id"] = entry_id.decode()
        out.append(entry)
    return out


def wait_for_entries(
    client: redis.Redis, streams: list[str], total: int, timeout: float = 120.0
) -> None:
    """Wait until the streams hold ``total`` entries together; fail with what is there."""
    deadline = time.monotonic() + timeout
    while sum(client.xlen(s) for s in streams) < total:
        if time.monotonic() > deadline:
            found = {s: entries(client, s) for s in streams}
            raise AssertionError(f"expected {total} entries, found {found}")
        time.sleep(0.05)


def wait_until(what: str, done: Callable[[], object], timeout: float = 60.0) -> None:
    """Wait until ``done()`` is true; fail saying what was awaited (never a timed assertion)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting for {what}")
        time.sleep(0.05)


def settle(client: redis.Redis, streams: list[str], quiet: float = 1.5) -> None:
    """Wait until no new entry arrived for ``quiet`` seconds (to see that nothing more comes)."""
    last, since = -1, time.monotonic()
    while time.monotonic() - since < quiet:
        now = sum(client.xlen(s) for s in streams)
        if now != last:
            last, since = now, time.monotonic()
        time.sleep(0.05)
