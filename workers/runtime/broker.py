"""The dramatiq broker. Import this before any module that declares actors.

Follows dramatiq's use_actors_from_different_files example: one broker, set once.
"""

from __future__ import annotations

import dramatiq
import orjson
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage, Retries

from workers.keys import Keys
from workers.runtime.connection import redis_url
from workers.runtime.middleware import StageLogging
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


def build_broker() -> RedisBroker:
    settings = get_settings()
    broker = RedisBroker(
        url=redis_url(settings),
        namespace=Keys(settings.prefix).dramatiq_namespace,
        # A worker killed mid-message is noticed after this long and its
        # messages go back to the queue (at-least-once delivery).
        heartbeat_timeout=settings.heartbeat_timeout_ms,
        maintenance_chance=settings.maintenance_chance,
    )
    for middleware in broker.middleware:
        if isinstance(middleware, Retries):
            # dramatiq's own default is 20 retries spread over days; each actor
            # states its own policy, this only guards one that forgets to.
            middleware.max_retries = 3
    broker.add_middleware(CurrentMessage())
    broker.add_middleware(StageLogging())
    return broker


dramatiq.set_encoder(OrjsonEncoder())
broker = build_broker()
dramatiq.set_broker(broker)
