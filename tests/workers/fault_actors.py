"""Test-only actors for tests/workers/test_worker_lifecycle.py, declared on newsflow's broker
by the worker processes those tests start (never imported by the test process itself, whose
broker must hold only the chain's actors)."""

from __future__ import annotations

import os
import signal
import time

import dramatiq

from pipelines.article import Article, Source
from workers.services import process_services
from workers.stages.base import run_stage


def _mark(name: str, article_id: str) -> None:
    services = process_services()
    services.client.incr(f"{services.keys.prefix}:test:{name}:{article_id}")


@dramatiq.actor(queue_name="test-overrun", time_limit=1_000, max_retries=0)
def overrun(article_id: str) -> None:
    """A stage step that keeps running Python for a minute unless its time limit stops it."""

    def step() -> Article:
        _mark("started", article_id)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.01)
        _mark("finished", article_id)
        return Article(id=article_id, source=Source(type="file"), text="done")

    run_stage(article_id, "overrun", Source(type="file", path="/test/overrun"), step)


@dramatiq.actor(queue_name="test-crash", max_retries=0)
def crash(article_id: str) -> None:
    """Dies as a worker killed by the kernel for its memory dies: at once, no cleanup."""
    _mark("delivered", article_id)
    os.kill(os.getpid(), signal.SIGKILL)


@dramatiq.actor(queue_name="test-nap", max_retries=0, time_limit=600_000)
def nap(article_id: str, seconds: float) -> None:
    """Takes ``seconds`` to finish; counts its starts and its ends."""
    _mark("started", article_id)
    time.sleep(seconds)
    _mark("finished", article_id)
