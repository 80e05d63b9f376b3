"""The broker's Redis consumer: it waits on its queue's wake list when the queue is empty,
and counts a Redis timeout as Redis being away (see ``TimelyRedisBroker``)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import dramatiq
import redis
from dramatiq.brokers.redis import _RedisConsumer
from dramatiq.errors import ConnectionClosed

from workers.runtime.middleware import REDIS_AWAY

if TYPE_CHECKING:
    from workers.runtime.broker import TimelyRedisBroker

#: While a worker stops, its consumers poll instead of blocking, this often at most (ms),
#: so that each sees its stop within this long.
STOPPING_POLL_MS = 100


class WakeableConsumer(_RedisConsumer):  # type: ignore[misc]
    """A Redis consumer that, when its queue is empty, waits on the queue's wake list
    instead of sleeping blind; dramatiq's own consumer for everything else (the
    prefetched messages, a full prefetch, a stopping worker, wake-ups turned off).

    Every error of Redis being away (a timeout too, which redis-py does not count as a
    connection error) is raised as dramatiq's ConnectionClosed: dramatiq then retries an
    ack until it is done, and restarts the consumer without a critical traceback."""

    broker: TimelyRedisBroker

    def __init__(self, broker: TimelyRedisBroker, *args: Any) -> None:
        super().__init__(broker, *args)
        #: When each delayed message taken from a delay queue (.DQ) is due (ms since the
        #: epoch): the wait ends then, for the worker to move it to its queue on time.
        self._due: dict[str, int] = {}

    def __next__(self) -> dramatiq.MessageProxy | None:
        with redis_away_as_closed():
            return self._next()

    def _next(self) -> dramatiq.MessageProxy | None:
        full = self.message_cache or self.outstanding_message_count >= self.prefetch
        if full or not self.broker.waits_for_wakes:
            return self._next_from_dramatiq()
        if self.broker.stopping.is_set():
            self.timeout = min(self.timeout, STOPPING_POLL_MS)
            return self._next_from_dramatiq()
        room = self.prefetch - self.outstanding_message_count
        fetched = self.broker.do_fetch(self.queue_name, room)
        if fetched:
            self.message_cache = fetched
            return self._next_from_dramatiq()
        self._wait_for_wake()
        return None  # the worker's consumer thread checks its stop, then asks again

    def _next_from_dramatiq(self) -> dramatiq.MessageProxy | None:
        message = super().__next__()
        if message is not None and message.options.get("eta") is not None:
            self._due[message.message_id] = int(message.options["eta"])
        return message

    def _wait_for_wake(self) -> None:
        wait = self.broker.wake_wait
        if self._due:
            wait = min(wait, (min(self._due.values()) - time.time() * 1000) / 1000)
        if wait < 0.01:
            return  # a delayed message is due now (and BLPOP reads a timeout of 0 as forever)
        keys = [self.broker.wake_key(self.queue_name), self.broker.stop_key]
        # Holds one connection of the client's pool while it waits: one per idle consumer.
        # On a socket timeout, the next fetch tells whether Redis is still there.
        with contextlib.suppress(redis.TimeoutError):
            self.broker.client.blpop(keys, timeout=wait)

    def ack(self, message: dramatiq.MessageProxy) -> None:
        self._due.pop(message.message_id, None)
        with redis_away_as_closed():
            super().ack(message)

    def nack(self, message: dramatiq.MessageProxy) -> None:
        self._due.pop(message.message_id, None)
        with redis_away_as_closed():
            super().nack(message)

    def requeue(self, messages: Iterable[dramatiq.MessageProxy]) -> None:
        handed_back = list(messages)  # dramatiq passes a generator: read it once
        with redis_away_as_closed():
            super().requeue(handed_back)
        if handed_back:
            self.broker.wake(self.queue_name)


@contextlib.contextmanager
def redis_away_as_closed() -> Iterator[None]:
    """Redis being away (a timeout too) raised as dramatiq's ConnectionClosed, the one
    error its consumer thread expects from a consumer."""
    try:
        yield
    except REDIS_AWAY as error:
        raise ConnectionClosed(error) from None
