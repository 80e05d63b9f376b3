"""Idle consumers wait on Redis to be woken by a new message, instead of sleeping blind.

Real dramatiq Workers on the session's Redis: in this process on a broker of their own whose
idle wait is ten minutes (so only a wake-up explains a prompt delivery or stop), and a real
worker process as `newsflow run` starts it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import dramatiq
import pytest
import redis

from tests.workers.helpers import wait_until
from tests.workers.test_worker_lifecycle import mark, processes, send, start_worker

__all__ = ["processes"]  # the fixture, used below

NAMESPACE = "nftest-wake"
QUEUE = "wake-test"
DONE = f"{NAMESPACE}:done"
#: The idle wait of the in-process brokers: far longer than any test waits.
LONG_WAIT = 600.0


@dataclass
class Setup:
    broker: object
    worker: dramatiq.Worker
    send: object


def blocked_on_wake_lists(redis_client) -> int:
    """Clients of the session's Redis blocked in BLPOP (only wake-ups block in these tests)."""
    return sum(
        1
        for client in redis_client.client_list()
        if client["cmd"] == "blpop" and "b" in client["flags"]
    )


def make_broker(**options: object):
    from workers.runtime.broker import TimelyRedisBroker

    return TimelyRedisBroker(
        url=os.environ["NEWSFLOW_REDIS_URL"],
        namespace=NAMESPACE,
        heartbeat_timeout=3_600_000,
        maintenance_interval=3600.0,
        **options,
    )


@pytest.fixture
def idle_worker(redis_client) -> Iterator[Setup]:
    """A real dramatiq Worker, one thread, on a broker of its own that waits LONG_WAIT when
    idle; its actor appends its argument to the DONE list."""
    broker = make_broker(wake_wait=LONG_WAIT)

    @dramatiq.actor(broker=broker, queue_name=QUEUE, max_retries=0)
    def record(value: str) -> None:
        redis_client.rpush(DONE, value)

    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    setup = Setup(broker, worker, record.send)
    yield setup
    stopper = threading.Thread(target=worker.stop, kwargs={"timeout": 30_000})
    stopper.start()
    stopper.join(60)
    broker.close()


def done(redis_client) -> list[str]:
    return [value.decode() for value in redis_client.lrange(DONE, 0, -1)]


def test_idle_worker_is_woken_by_a_new_message(idle_worker, redis_client):
    """The idle consumer blocks on its wake list; a message sent then is processed at once
    (its wait would last ten minutes), and the enqueue's token is consumed."""
    wait_until("the idle consumers to block", lambda: blocked_on_wake_lists(redis_client) >= 2)
    idle_worker.send("first")
    wait_until("the message to be processed", lambda: done(redis_client) == ["first"], timeout=30)
    wait_until(
        "the consumer to block again", lambda: blocked_on_wake_lists(redis_client) >= 2, timeout=30
    )
    assert redis_client.llen(f"{NAMESPACE}:wake:{QUEUE}") == 0


def test_stopping_worker_ends_the_waits_of_its_blocked_consumers(idle_worker, redis_client):
    """Stopping a worker whose consumers are blocked returns without waiting out their
    ten-minute waits."""
    wait_until("the idle consumers to block", lambda: blocked_on_wake_lists(redis_client) >= 2)
    stopper = threading.Thread(target=idle_worker.worker.stop, kwargs={"timeout": 30_000})
    stopper.start()
    stopper.join(60)
    assert not stopper.is_alive()
    assert blocked_on_wake_lists(redis_client) == 0


def test_leftover_tokens_wake_idle_consumers_once_and_lose_nothing(idle_worker, redis_client):
    """Tokens with no message behind them (a burst, a missed fetch) cost an empty fetch
    each and are gone; a message sent with them is processed once; the list never holds
    more than its bound."""
    from workers.runtime.broker import WAKE_TOKENS_KEPT

    wait_until("the idle consumers to block", lambda: blocked_on_wake_lists(redis_client) >= 2)
    key = f"{NAMESPACE}:wake:{QUEUE}"
    redis_client.rpush(key, *[b"1"] * (WAKE_TOKENS_KEPT * 3))
    idle_worker.send("only")
    assert redis_client.llen(key) <= WAKE_TOKENS_KEPT * 3
    wait_until("the message to be processed", lambda: done(redis_client) == ["only"], timeout=30)
    # Each token left ends one wait in an empty fetch: once all are used up, a second
    # delivery of the message would have happened.
    wait_until("the tokens to be used up", lambda: redis_client.llen(key) == 0, timeout=30)
    assert done(redis_client) == ["only"]
    for _ in range(WAKE_TOKENS_KEPT * 2):
        idle_worker.broker.wake(QUEUE)
    assert redis_client.llen(key) <= WAKE_TOKENS_KEPT


def test_a_message_enqueued_without_a_token_is_still_taken(redis_client):
    """A token missed (an enqueue from a process with wake-ups off) costs time, not the
    message: the consumer's wait ends and its fetch finds the message."""
    broker = make_broker(wake_wait=0.2)
    quiet = make_broker(wakeups=False)

    @dramatiq.actor(broker=broker, queue_name=QUEUE, max_retries=0)
    def record(value: str) -> None:
        redis_client.rpush(DONE, value)

    quiet.declare_queue(QUEUE)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        wait_until("the idle consumers to block", lambda: blocked_on_wake_lists(redis_client) >= 2)
        quiet.enqueue(record.message("untold"))
        wait_until("the message to be processed", lambda: done(redis_client) == ["untold"])
        assert redis_client.llen(f"{NAMESPACE}:wake:{QUEUE}") == 0  # none was ever pushed
    finally:
        worker.stop(timeout=30_000)
        broker.close()
        quiet.close()


def test_idle_worker_process_blocks_and_is_woken(redis_client, keys, tmp_path, processes):
    """A real worker process, idle, waits on Redis instead of polling; a message sent then
    is processed, its token consumed; SIGTERM still stops the process cleanly."""
    worker = start_worker(tmp_path)
    processes.append(worker)
    # One consumer per queue and delay queue of every stage and test actor: at least 8.
    wait_until("the idle consumers to block", lambda: blocked_on_wake_lists(redis_client) >= 8)
    send("nap", "00000000000000d4", 0.0)
    wait_until("the nap to end", lambda: mark(redis_client, keys, "finished", "00000000000000d4"))
    assert redis_client.llen(f"{keys.dramatiq_namespace}:wake:test-nap") == 0
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0
    assert blocked_on_wake_lists(redis_client) == 0


def test_a_worker_outlives_a_redis_restart_and_takes_what_comes_after(tmp_path):
    """Redis stops and starts again under a real, idle dramatiq Worker (in this process, on a
    Redis of its own): its consumers reconnect and carry on, so the messages sent after the
    restart are processed by that same Worker. A consumer that handed back its (empty) hold
    while Redis was away used to die of the wake-up's error, and its queue was never read
    again. (Nothing is in flight at the restart: a message whose actor meets the outage is
    WaitOutRedis's business, a middleware this bare broker does not have.)"""
    from workers.runtime.broker import TimelyRedisBroker
    from workers.runtime.embedded import EmbeddedRedis

    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    url = f"unix://{server.socket_path}"
    broker = TimelyRedisBroker(
        url=url,
        namespace=NAMESPACE,
        heartbeat_timeout=3_600_000,
        maintenance_interval=3600.0,
        wake_wait=1.0,
    )
    client = redis.Redis.from_url(url)

    @dramatiq.actor(broker=broker, queue_name=QUEUE, max_retries=0)
    def record(value: str) -> None:
        client.rpush(DONE, value)

    def recorded() -> set[str]:
        return {v.decode() for v in client.lrange(DONE, 0, -1)}

    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        record.send("before")
        wait_until("the message sent before the restart", lambda: "before" in recorded())
        server.stop()
        server.start()
        for n in range(10):
            record.send(f"after-{n}")
        wait_until(
            "every message sent after the restart",
            lambda: {f"after-{n}" for n in range(10)} <= recorded(),
            timeout=60,
        )
    finally:
        worker.stop(timeout=10_000)
        broker.close()
        server.stop()
