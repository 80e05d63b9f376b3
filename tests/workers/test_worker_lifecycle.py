"""A worker process's life under faults: its time limits fire, a message that keeps killing
it goes to `dead`, a stop hands back what did not finish, a stopped worker is seen as
stopped, and `newsflow run` restarts a worker that died. Real worker processes on the
session's Redis; the test actors are in fault_actors.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest

from tests.workers.helpers import entries, wait_until

ROOT = Path(__file__).resolve().parents[2]
BOOT = (
    "import sys, tests.workers.fault_actors, workers.worker as w; "
    "w.die_with_parent(); w.main(sys.argv[1:])"
)


def start_worker(tmp_path: Path, **env: str) -> subprocess.Popen[bytes]:
    """A real worker process (the test actors declared too), its log in tmp_path."""
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-c", BOOT, "--threads", "1"],
        cwd=ROOT,
        env={**os.environ, "NEWSFLOW_LOG_LEVEL": "INFO", **env},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; whatever is left is killed afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def send(actor: str, *args: object) -> None:
    """Queue a message for a test actor by name (this process does not declare them)."""
    from workers.runtime.broker import broker

    broker.enqueue(
        dramatiq.Message(
            queue_name=f"test-{actor}", actor_name=actor, args=args, kwargs={}, options={}
        )
    )


def mark(redis_client, keys, name: str, article_id: str) -> int:
    return int(redis_client.get(f"{keys.prefix}:test:{name}:{article_id}") or 0)


def test_time_limit_stops_an_overrunning_stage(redis_client, keys, tmp_path, processes):
    """A stage running past its time limit is interrupted and buried as too slow: the
    worker starts dramatiq's time-limit watchdog (without it the limit never fires)."""
    processes.append(start_worker(tmp_path))
    send("overrun", "00000000000000a1")
    wait_until("the overrun in dead", lambda: redis_client.xlen(keys.dead) == 1, timeout=45)
    [dead] = entries(redis_client, keys.dead)
    assert dead["id"] == "00000000000000a1" and dead["stage"] == "overrun"
    assert dead["error"] == "too slow: the overrun stage ran past its time limit"
    assert mark(redis_client, keys, "started", "00000000000000a1") == 1
    assert mark(redis_client, keys, "finished", "00000000000000a1") == 0


def test_message_that_keeps_killing_its_worker_goes_to_dead(
    redis_client, keys, tmp_path, processes
):
    """Each delivery kills the worker; the next worker takes it again after the heartbeat
    timeout, three times, then buries it as poison instead of dying a fourth time."""
    send("crash", "00000000000000b2")
    fast = {"NEWSFLOW_HEARTBEAT_TIMEOUT_MS": "2000"}
    deadline = time.monotonic() + 90
    while redis_client.xlen(keys.dead) == 0:
        if time.monotonic() > deadline:
            pytest.fail("the crashing message never reached dead")
        if not processes or processes[-1].poll() is not None:
            processes.append(start_worker(tmp_path, **fast))
        time.sleep(0.1)
    [dead] = entries(redis_client, keys.dead)
    assert dead["id"] == "00000000000000b2" and dead["stage"] == "crash"
    assert dead["error"].startswith("poison: the worker processing it died 3 times")
    assert mark(redis_client, keys, "delivered", "00000000000000b2") == 3
    assert [p.returncode for p in processes[:3]] == [-signal.SIGKILL] * 3
    assert processes[3].poll() is None  # the fourth worker lives on


def test_stop_hands_back_what_did_not_finish(redis_client, keys, tmp_path, processes):
    """SIGTERM: the message still running after the grace period goes back to its queue at
    once (not after the heartbeat timeout, two minutes here), and ends once."""
    slow_to_notice = {"NEWSFLOW_HEARTBEAT_TIMEOUT_MS": "120000", "NEWSFLOW_STOP_GRACE_SECONDS": "1"}
    first = start_worker(tmp_path, **slow_to_notice)
    processes.append(first)
    send("nap", "00000000000000c3", 6.0)
    wait_until("the nap to start", lambda: mark(redis_client, keys, "started", "00000000000000c3"))
    first.send_signal(signal.SIGTERM)
    assert first.wait(30) == 0
    processes.append(start_worker(tmp_path, **slow_to_notice))
    wait_until(
        "the nap to end in the second worker",
        lambda: mark(redis_client, keys, "finished", "00000000000000c3") == 1,
    )
    assert mark(redis_client, keys, "started", "00000000000000c3") == 2


def test_a_stopped_worker_is_seen_as_stopped(redis_client, keys, services, tmp_path, processes):
    """Liveness comes from the worker's own entry: alive while it runs, gone once it stops,
    though dramatiq's heartbeat of it is still fresh; `ingest --wait` then starts workers
    of its own instead of waiting for one that is gone."""
    worker = start_worker(tmp_path)
    processes.append(worker)
    wait_until("the worker's liveness", lambda: len(services.liveness.alive()) == 1)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0
    assert services.liveness.alive() == []
    article = tmp_path / "inbox" / "note.txt"
    article.parent.mkdir()
    article.write_text(
        "Harbour officials reopened the northern pier on Tuesday after a week of repairs.\n\n"
        "The pier had been closed since a storm damaged its railings and lighting.\n",
        encoding="utf-8",
    )
    ingest = subprocess.run(
        [sys.executable, "-m", "workers", "ingest", str(article), "--wait", "--timeout", "90"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    assert redis_client.xlen(keys.articles) == 1


def test_run_restarts_a_worker_that_died(redis_client, keys, services, tmp_path, processes):
    """`newsflow run` keeps serving when one of its worker processes is killed: a new one
    takes its place, and a file dropped afterwards is published."""
    inbox = tmp_path / "inbox"
    run = subprocess.Popen(
        [sys.executable, "-m", "workers", "run", "--inbox", str(inbox), "--processes", "1"],
        cwd=ROOT,
        env={**os.environ, "NEWSFLOW_HOME": str(tmp_path / "home")},
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "run.log", "wb"),  # noqa: SIM115
    )
    processes.append(run)
    wait_until("run's worker", lambda: len(services.liveness.alive()) == 1, timeout=90)
    [first] = services.liveness.alive()
    os.kill(int(first.rsplit(":", 1)[1]), signal.SIGKILL)
    wait_until(
        "a new worker",
        lambda: (alive := services.liveness.alive()) != [] and first not in alive,
        timeout=90,
    )
    (inbox / "after.txt").write_text(
        "The ferry company added a late crossing on Fridays for the summer season.\n\n"
        "Tickets for the new crossing go on sale at the harbour office next week.\n",
        encoding="utf-8",
    )
    wait_until("the file published", lambda: redis_client.xlen(keys.articles) == 1, timeout=90)
    assert run.poll() is None
    run.send_signal(signal.SIGTERM)
    assert run.wait(120) == 0
