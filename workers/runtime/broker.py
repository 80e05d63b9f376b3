"""The dramatiq broker. Import this before any module that declares actors.

Follows dramatiq's use_actors_from_different_files example: one broker, set once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import dramatiq
import orjson
import redis
import structlog
from dramatiq.brokers.redis import MAINTENANCE_COMMAND_BLACKLIST, RedisBroker, _RedisConsumer
from dramatiq.middleware import CurrentMessage, Retries

from workers.keys import Keys
from workers.runtime.connection import redis_url
from workers.runtime.held_messages import HeldMessages
from workers.runtime.middleware import StageLogging, WaitOutRedis
from workers.runtime.wakeable_consumer import WakeableConsumer
from workers.settings import get_settings

log = structlog.get_logger("newsflow.broker")

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
    """dramatiq's Redis broker, with its maintenance on a clock as well as by chance, idle
    consumers woken by new messages instead of polling, and messages stranded in a live
    worker's ack set taken back.

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

    Stranded messages (held_messages.py): every ``reclaim_interval`` seconds, before a
    fetch, a consumer hands back the ids of its queue's ack set that this process does
    not hold.
    """

    def __init__(
        self,
        *,
        maintenance_interval: float,
        reclaim_interval: float | None = None,
        wakeups: bool = True,
        wake_wait: float = WAKE_WAIT_SECONDS,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.maintenance_interval = maintenance_interval
        #: By default one heartbeat timeout: a stranded message waits about as long as
        #: one of a dead worker.
        self.reclaim_interval = reclaim_interval or max(1.0, self.heartbeat_timeout / 1000)
        self.held = HeldMessages()
        self._last_reclaim: dict[str, float] = {}
        self._consumers: dict[str, _RedisConsumer] = {}
        self._last_maintenance = threading.local()
        self.wakeups = wakeups
        self.wake_wait = _wait_within_socket_timeout(wake_wait, self.client)
        #: Set while a worker of this process stops: consumers then stop blocking.
        self.stopping = threading.Event()
        self.add_middleware(_ReleaseBlockedConsumers())

    @property
    def consumer_class(self) -> type[_RedisConsumer]:
        return WakeableConsumer

    @property
    def waits_for_wakes(self) -> bool:
        return self.wakeups and self.wake_wait > 0

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Any:
        consumer = super().consume(queue_name, prefetch, timeout)
        earlier = self._consumers.get(queue_name)
        if earlier is not None:
            # dramatiq restarts a consumer after an error: the new one starts empty, and
            # on a connection error the thread's delay queue is emptied too.
            if queue_name.endswith(".DQ"):
                self.held.forget(queue_name)
            else:
                self.held.forget(queue_name, earlier.message_cache)
        self._consumers[queue_name] = consumer
        return consumer

    def ack_set_key(self, queue_name: str) -> str:
        """dramatiq's set of the ids of ``queue_name`` this process has taken (dispatch.lua)."""
        return f"{self.namespace}:__acks__.{self.broker_id}.{queue_name}"

    def do_fetch(self, queue_name: str, count: int) -> Any:
        now = time.monotonic()
        if now - self._last_reclaim.setdefault(queue_name, now) >= self.reclaim_interval:
            self._last_reclaim[queue_name] = now
            self.take_back_stranded(queue_name)
        payloads = self._dispatch("fetch")(queue_name, count)
        self.held.took(queue_name, payloads)
        return payloads

    def take_back_stranded(self, queue_name: str) -> int:
        """Hand back the ids Redis counts as this process's that it does not hold."""
        in_ack_set = [m.decode() for m in self.client.smembers(self.ack_set_key(queue_name))]
        stranded = self.held.stranded(queue_name, in_ack_set)
        if stranded:
            # dispatch.lua's requeue moves only ids still in the set: one acknowledged
            # meanwhile by a worker thread stays acknowledged.
            self.do_requeue(queue_name, *stranded)
            self.wake(queue_name)
            log.warning("stranded_messages_handed_back", queue=queue_name, count=len(stranded))
        return len(stranded)

    def do_ack(self, queue_name: str, message_id: str) -> Any:
        try:
            return self._dispatch("ack")(queue_name, message_id)
        finally:
            self.held.let_go(queue_name, [message_id])

    def do_nack(self, queue_name: str, message_id: str) -> Any:
        try:
            return self._dispatch("nack")(queue_name, message_id)
        finally:
            self.held.let_go(queue_name, [message_id])

    def do_requeue(self, queue_name: str, *message_ids: str) -> Any:
        try:
            return self._dispatch("requeue")(queue_name, *message_ids)
        finally:
            self.held.let_go(queue_name, message_ids)

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
