"""A worker process killed with SIGKILL in the middle of work loses nothing and publishes
nothing twice: another worker takes its messages over once its heartbeat has gone quiet, by
the clock, not by the chance of dramatiq's maintenance (left at its default here)."""

from __future__ import annotations

import shutil
import signal
import time

import pytest

from tests.workers.helpers import entries, wait_for_entries, worker_process
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead
COPIES = 12


def test_killed_worker_loses_nothing_and_duplicates_nothing(redis_client, intake, seeds, tmp_path):
    """Inputs in flight when a worker is SIGKILLed are finished by the next one, once each."""
    paths = []
    for n in range(COPIES):
        path = tmp_path / f"{n:02d}-{seeds[n % len(seeds)].name}"
        shutil.copy(seeds[n % len(seeds)], path)
        paths.append(path)
    ids = {intake.offer_file(p).article_id for p in paths}
    first = worker_process()
    try:
        # Kill it once some articles are between stages: others are queued, fetched or running.
        deadline = time.monotonic() + 120
        while not redis_client.keys(KEYS.work("*")):
            if time.monotonic() > deadline:
                pytest.fail("the worker never got going")
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert redis_client.xlen(ARTICLES) < COPIES, "the worker finished before it was killed"
        second = worker_process()
        try:
            # Ample for the seeds, short for dramatiq's chance maintenance at its default (1
            # in 1,000 commands, a few an idle second); the timed one comes within seconds.
            wait_for_entries(redis_client, [ARTICLES, DEAD], COPIES, timeout=60)
            time.sleep(3)  # would a redelivered duplicate still arrive?
        finally:
            second.terminate()
            second.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    published = entries(redis_client, ARTICLES)
    assert entries(redis_client, DEAD) == []
    assert sorted(e["id"] for e in published) == sorted(ids)
