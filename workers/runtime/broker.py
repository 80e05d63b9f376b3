"""The dramatiq broker. Import this before any module that declares actors.

Follows dramatiq's use_actors_from_different_files example: one broker, set once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable
from typing import Any

import dramatiq
import orjson
import redis
from dramatiq.brokers.redis import MAINTENANCE_COMMAND_BLACKLIST, RedisBroker, _RedisConsumer
from dramatiq.errors import ConnectionClosed
from dramatiq.middleware import CurrentMessage, Retries

from workers.keys import Keys
from workers.runtime.connection import redis_url
from workers.runtime.middleware import StageLogging, WaitOutRedis
from workers.settings import get_settings

#: Longest an idle consumer waits on its wake list (seconds). Each wait ends in a fetch,
#: which renews the worker's heartbeat and may run maintenance: so it stays far under the
#: heartbeat timeout (a fifth at most), and long enough that an idle worker costs fewer
#: commands than dramatiq's polling (a fetch every 0.5 to 1 s per queue).
WAKE_WAIT_SECONDS = 2.0
#: Tokens a wake list keeps at most: enough to wake every idle consumer of a queue after
#: a burst; a token nobody needed costs one fetch that finds nothing, once.
WAKE_TOKENS_KEPT = 16
#: Seconds kept between a blocking wait and redis-py's socket timeout, if one is set.
SOCKET_MARGIN_SECONDS = 0.5
#: While a worker stops, its consumers poll instead of blocking, this often at most (ms),
#: so that each sees its stop within this long.
STOPPING_POLL_MS = 100


class OrjsonEncoder(dramatiq.Encoder):
    """dramatiq's JSONEncoder, with orjson: faster, and UTF-8 without escapes."""

    def encode(self, data: dramatiq.encoder.MessageData) -> bytes:
        return orjson.dumps(data)

    def decode(self, data: bytes) -> dramatiq.encoder.MessageData:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise dramatiq.DecodeError(f"failed to decode message {data!r}", data, error) from None


class TimelyRedisBroker(RedisBroker):
    """dramatiq's Redis broker, with its maintenance on a clock as well as by chance, and
    idle consumers woken by new messages instead of polling.

    Maintenance puts the messages of a worker whose heartbeat stopped (a process
    killed, a host gone) back in their queue. dramatiq runs it by chance, for a
    share of broker commands, so a killed worker's messages could wait minutes. Here
    each consumer thread (one per queue, fetching at least every ``wake_wait`` seconds)
    also runs it every ``maintenance_interval`` seconds, so they are back within the
    heartbeat timeout plus that interval and one wait.

    Wake-ups: dramatiq's consumer sleeps up to a second between empty fetches, at each
    hop between stages. Here every enqueue also pushes a token on the queue's wake list
    (``<namespace>:wake:<queue>``, trimmed to WAKE_TOKENS_KEPT), and a consumer whose
    fetch found nothing blocks on that list (BLPOP) for at most ``wake_wait`` seconds,
    then fetches again. A token carries nothing: messages move only by dramatiq's own
    fetch, so a token missed or left over costs time or one empty fetch, never a message.
    ``wakeups=False`` keeps dramatiq's polling (a Redis proxy without blocking commands).
    """

    def __init__(
        self,
        *,
        maintenance_interval: float,
        wakeups: bool = True,
        wake_wait: float = WAKE_WAIT_SECONDS,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.maintenance_interval = maintenance_interval
        self._last_maintenance = threading.local()
        self.wakeups = wakeups
        self.wake_wait = _wait_within_socket_timeout(wake_wait, self.client)
        #: Set while a worker of this process stops: consumers then stop blocking.
        self.stopping = threading.Event()
        self.add_middleware(_ReleaseBlockedConsumers())

    @property
    def consumer_class(self) -> type[_RedisConsumer]:
        return WakeableConsumer if self.wakeups and self.wake_wait > 0 else _RedisConsumer

    def wake_key(self, queue_name: str) -> str:
        return f"{self.namespace}:wake:{queue_name}"

    @property
    def stop_key(self) -> str:
        """This process's own list, pushed when its worker stops, to end blocked waits."""
        return f"{self.namespace}:wake:stop:{self.broker_id}"

    def do_enqueue(self, queue_name: str, message_id: str, data: bytes) -> Any:
        queued = self._dispatch("enqueue")(queue_name, message_id, data)
        self.wake(queue_name)
        return queued

    def wake(self, queue_name: str) -> None:
        """Wake one idle consumer of the queue (after its messages are in it: a consumer
        woken earlier would find nothing and wait again).

        Never raises: a token lost to a Redis outage costs one wait, whereas an error here
        would fail an enqueue that succeeded, or end a consumer thread handing messages back.
        """
        if not self.wakeups:
            return
        key = self.wake_key(queue_name)
        with contextlib.suppress(redis.RedisError), self.client.pipeline(False) as pipe:
            pipe.rpush(key, b"1")
            pipe.ltrim(key, -WAKE_TOKENS_KEPT, -1)
            pipe.execute()

    def release_blocked_consumers(self, consumers: int) -> None:
        """End the waits of this process's blocked consumers: its worker is stopping."""
        self.stopping.set()
        if self.wakeups and consumers:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.rpush(self.stop_key, *[b"1"] * consumers)
                pipe.expire(self.stop_key, 60)  # a consumer that was not waiting leaves some
                pipe.execute()

    def _should_do_maintenance(self, command: str) -> int:
        if command in MAINTENANCE_COMMAND_BLACKLIST:
            return 0
        now = time.monotonic()
        # Per thread: a consumer thread serves one queue, and maintenance is per queue.
        if now - getattr(self._last_maintenance, "at", 0.0) >= self.maintenance_interval:
            self._last_maintenance.at = now
            return 1
        return super()._should_do_maintenance(command)


class WakeableConsumer(_RedisConsumer):  # type: ignore[misc]
    """A Redis consumer that, when its queue is empty, waits on the queue's wake list
    instead of sleeping blind; dramatiq's own consumer for everything else (the
    prefetched messages, a full prefetch, a stopping worker)."""

    broker: TimelyRedisBroker

    def __init__(self, broker: TimelyRedisBroker, *args: Any) -> None:
        super().__init__(broker, *args)
        #: When each delayed message taken from a delay queue (.DQ) is due (ms since the
        #: epoch): the wait ends then, for the worker to move it to its queue on time.
        self._due: dict[str, int] = {}

    def __next__(self) -> dramatiq.MessageProxy | None:
        if self.message_cache or self.outstanding_message_count >= self.prefetch:
            return self._next_from_dramatiq()
        if self.broker.stopping.is_set():
            self.timeout = min(self.timeout, STOPPING_POLL_MS)
            return self._next_from_dramatiq()
        try:
            room = self.prefetch - self.outstanding_message_count
            fetched = self.broker.do_fetch(self.queue_name, room)
            if fetched:
                self.message_cache = fetched
                return self._next_from_dramatiq()
            self._wait_for_wake()
        except redis.ConnectionError as error:
            raise ConnectionClosed(error) from None
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
        super().ack(message)

    def nack(self, message: dramatiq.MessageProxy) -> None:
        self._due.pop(message.message_id, None)
        super().nack(message)

    def requeue(self, messages: Iterable[dramatiq.MessageProxy]) -> None:
        handed_back = list(messages)  # dramatiq passes a generator: read it once
        super().requeue(handed_back)
        if handed_back:
            self.broker.wake(self.queue_name)


class _ReleaseBlockedConsumers(dramatiq.Middleware):
    """A stopping worker keeps its consumers running (for their heartbeats) until its
    worker threads are done, then stops them: a consumer blocked on its wake list would
    only see that after its wait. So from the start of the stop, consumers no longer
    block, and those waiting are released at once."""

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if isinstance(broker, TimelyRedisBroker):
            broker.stopping.clear()  # another Worker on this broker (tests) blocks again
            # Tokens left by a stop that released fewer consumers (else they expire).
            with contextlib.suppress(redis.RedisError):
                broker.client.delete(broker.stop_key)

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if isinstance(broker, TimelyRedisBroker):
            # With Redis away, the waits end on their own within wake_wait.
            with contextlib.suppress(redis.RedisError):
                broker.release_blocked_consumers(len(worker.consumers))


def _wait_within_socket_timeout(wait: float, client: redis.Redis) -> float:
    """``wait``, shortened to end before redis-py's socket timeout if one is set (a BLPOP
    outliving it would be taken for a dead connection); 0 when none is possible."""
    pool = client.connection_pool
    # As the pool's connections will have it: redis-py's default (5 s in 8.x) when the URL
    # sets none. Made, not connected, outside the pool.
    socket_timeout = pool.connection_class(**pool.connection_kwargs).socket_timeout
    if socket_timeout is None:
        return wait
    return max(0.0, min(wait, float(socket_timeout) - SOCKET_MARGIN_SECONDS))


def build_broker() -> TimelyRedisBroker:
    settings = get_settings()
    heartbeat_timeout = settings.heartbeat_timeout_ms
    broker = TimelyRedisBroker(
        url=redis_url(settings),
        namespace=Keys(settings.prefix).dramatiq_namespace,
        # A worker killed mid-message is noticed after this long and its
        # messages go back to the queue (at-least-once delivery).
        heartbeat_timeout=heartbeat_timeout,
        maintenance_chance=settings.maintenance_chance,
        maintenance_interval=max(1.0, heartbeat_timeout / 10_000),
        wakeups=settings.wakeups,
        wake_wait=min(WAKE_WAIT_SECONDS, heartbeat_timeout / 5_000),
    )
    for middleware in broker.middleware:
        if isinstance(middleware, Retries):
            # dramatiq's own default is 20 retries spread over days; each actor
            # states its own policy, this only guards one that forgets to.
            middleware.max_retries = 3
    broker.add_middleware(CurrentMessage())
    broker.add_middleware(StageLogging())
    broker.add_middleware(WaitOutRedis(broker.client))
    return broker


dramatiq.set_encoder(OrjsonEncoder())
broker = build_broker()
dramatiq.set_broker(broker)
