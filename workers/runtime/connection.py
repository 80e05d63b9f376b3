"""Which Redis newsflow talks to: the configured one, or the embedded one under NEWSFLOW_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis
import structlog

from workers.runtime.embedded import EmbeddedRedis
from workers.settings import Settings

log = structlog.get_logger("newsflow.redis")


def embedded_for(settings: Settings) -> EmbeddedRedis | None:
    """The embedded server, or None when NEWSFLOW_REDIS_URL names an external one."""
    return None if settings.redis_url else EmbeddedRedis(settings.home)


def redis_url(settings: Settings) -> str:
    embedded = embedded_for(settings)
    return embedded.url if embedded else str(settings.redis_url)


def connect(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(redis_url(settings), health_check_interval=30)


@contextmanager
def redis_for_command(settings: Settings, *, owner: bool = False) -> Iterator[str]:
    """The Redis URL a command uses, starting the embedded server when it must.

    `newsflow run` is the owner: it stops the embedded server when it exits. Any
    other command that had to start it stops it again on exit unless a `run`
    has claimed it meanwhile, so no server is left behind the user's back.
    """
    embedded = embedded_for(settings)
    if embedded is None:
        yield str(settings.redis_url)
        return
    started = embedded.start()
    if started:
        log.info("embedded_redis_started", url=embedded.url)
    if owner:
        embedded.claim()
    try:
        yield embedded.url
    finally:
        if owner:
            embedded.release()
        if owner or (started and not embedded.owned_by_live_run()):
            embedded.stop()
            log.info("embedded_redis_stopped", url=embedded.url, data=str(embedded.home))
