"""A message Redis counts as a live worker's, which that worker does not hold, is served all
the same: the worker hands it back by itself (workers/runtime/held_messages.py).

Two ways it happens, both reproduced here on a real Redis: a fetch whose reply was lost (the
multi-host test's cut link did it), and messages a consumer had prefetched when dramatiq
restarted it after an error. And the consumer reads a Redis that stops answering as Redis
away, as dramatiq expects of it.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.workers.helpers import entries, wait_for_entries, wait_until, worker_process
from workers.keys import Keys

KEYS = Keys("nftest")


def test_a_fetch_whose_reply_was_lost_costs_nothing(redis_client, intake, seeds, tmp_path):
    """The state a lost fetch reply leaves (the id out of the queue, in the worker's ack set,
    the worker unaware) ends with the input published once."""
    path = tmp_path / seeds[0].name
    shutil.copy(seeds[0], path)
    article_id = intake.offer_file(path).article_id
    queue = KEYS.dramatiq_queue("extract")
    [redis_id] = redis_client.lrange(queue, 0, -1)
    redis_client.lrem(queue, 0, redis_id)  # as dispatch.lua's fetch does; nobody will read it
    before = set(redis_client.zrange(KEYS.dramatiq_heartbeats, 0, -1))
    worker = worker_process()
    try:
        wait_until(
            "the worker's first heartbeat",
            lambda: set(redis_client.zrange(KEYS.dramatiq_heartbeats, 0, -1)) - before,
        )
        [broker_id] = set(redis_client.zrange(KEYS.dramatiq_heartbeats, 0, -1)) - before
        ack_set = f"{KEYS.dramatiq_namespace}:__acks__.{broker_id.decode()}.extract"
        redis_client.sadd(ack_set, redis_id)

        wait_for_entries(redis_client, [KEYS.articles, KEYS.dead], 1, timeout=60)
        time.sleep(1.5)  # would it be served twice?
        assert worker.poll() is None, "the worker stopped"
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    assert [e["id"] for e in entries(redis_client, KEYS.articles)] == [article_id]
    assert entries(redis_client, KEYS.dead) == []
    assert redis_client.hlen(KEYS.dramatiq_messages("extract")) == 0


def test_messages_prefetched_by_a_restarted_consumer_are_handed_back(redis_client, intake, seeds):
    """dramatiq replaces a consumer after an error with an empty one: what the first had
    fetched and not handed to a worker thread goes back to the queue, and only that."""
    from workers.runtime.broker import broker

    for seed in seeds[:3]:
        intake.offer_file(seed)
    queue = KEYS.dramatiq_queue("extract")
    first = broker.consume("extract", prefetch=3, timeout=100)
    given = next(first)  # one handed on (to a worker thread), two still in its cache
    assert given is not None and len(first.message_cache) == 2
    assert redis_client.llen(queue) == 0

    broker.consume("extract", prefetch=3, timeout=100)  # as dramatiq restarts it
    assert broker.take_back_stranded("extract") == 2
    assert redis_client.llen(queue) == 2
    handed_back = {m.decode() for m in redis_client.lrange(queue, 0, -1)}
    assert given.options["redis_message_id"] not in handed_back
    assert broker.take_back_stranded("extract") == 0  # the one in work is still held

    broker.do_ack("extract", given.options["redis_message_id"])
    assert redis_client.scard(broker.ack_set_key("extract")) == 0


def test_a_redis_that_stops_answering_reads_as_redis_away():
    """A Redis frozen mid-conversation (SIGSTOP) times the consumer's commands out: each
    is raised as dramatiq's ConnectionClosed, so dramatiq retries an ack until Redis is
    back instead of logging a bug and dropping it, and restarts a consumer quietly."""
    import tempfile

    import dramatiq
    from dramatiq.errors import ConnectionClosed

    from workers.runtime.broker import TimelyRedisBroker
    from workers.runtime.embedded import EmbeddedRedis

    home = Path(tempfile.mkdtemp(prefix="nf-stall-", dir="/tmp"))
    server = EmbeddedRedis(home)
    server.start()
    pid = server._server_pid()
    try:
        broker = TimelyRedisBroker(
            url=f"{server.url}?socket_timeout=0.5",
            namespace="nfstall",
            heartbeat_timeout=60_000,
            maintenance_interval=3600.0,
        )
        message = dramatiq.Message(
            queue_name="q", actor_name="noop", args=(), kwargs={}, options={}
        )
        broker.enqueue(message)
        consumer = broker.consume("q", prefetch=1, timeout=100)
        taken = next(consumer)
        assert taken is not None
        os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(ConnectionClosed):
                consumer.ack(taken)
            with pytest.raises(ConnectionClosed):
                next(consumer)
        finally:
            os.kill(pid, signal.SIGCONT)
        consumer.ack(taken)  # what dramatiq's retry does once Redis answers
        assert broker.client.scard(broker.ack_set_key("q")) == 0
        assert broker.client.hlen("nfstall:q.msgs") == 0
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
