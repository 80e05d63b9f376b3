"""A message Redis counts as a live worker's, which that worker does not hold, is served all
the same: the worker hands it back by itself (workers/runtime/held_messages.py).

Two ways it happens, both reproduced here on a real Redis: a fetch whose reply was lost (the
multi-host test's cut link did it), and messages a consumer had prefetched when dramatiq
restarted it after an error.
"""

from __future__ import annotations

import shutil
import time

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
