"""The dramatiq broker. Import this before any module that declares actors.

Follows dramatiq's use_actors_from_different_files example: one broker, set once.
"""

from __future__ import annotations

import threading
import time

import dramatiq
import orjson
from dramatiq.brokers.redis import MAINTENANCE_COMMAND_BLACKLIST, RedisBroker
from dramatiq.middleware import CurrentMessage, Retries

from workers.keys import Keys
from workers.runtime.connection import redis_url
from workers.runtime.middleware import StageLogging, WaitOutRedis
from workers.settings import get_settings


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
    """dramatiq's Redis broker, with its maintenance on a clock as well as by chance.

    Maintenance puts the messages of a worker whose heartbeat stopped (a process
    killed, a host gone) back in their queue. dramatiq runs it by chance, for a
    share of broker commands, so a killed worker's messages could wait minutes. Here
    each consumer thread (one per queue, polling at least once a second) also runs
    it every ``maintenance_interval`` seconds, so they are back within the heartbeat
    timeout plus that interval.
    """

    def __init__(self, *, maintenance_interval: float, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.maintenance_interval = maintenance_interval
        self._last_maintenance = threading.local()

    def _should_do_maintenance(self, command: str) -> int:
        if command in MAINTENANCE_COMMAND_BLACKLIST:
            return 0
        now = time.monotonic()
        # Per thread: a consumer thread serves one queue, and maintenance is per queue.
        if now - getattr(self._last_maintenance, "at", 0.0) >= self.maintenance_interval:
            self._last_maintenance.at = now
            return 1
        return super()._should_do_maintenance(command)


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
