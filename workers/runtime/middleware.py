"""newsflow's dramatiq middleware: a structured log event per stage per article, with its
duration, and the stage's metrics; and a limit on deliveries of a message that keeps
killing its worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
import dramatiq.middleware
import redis
import structlog

from workers.keys import Keys
from workers.runtime import metrics

log = structlog.get_logger("newsflow.stage")


class StageLogging(dramatiq.Middleware):
    """Binds article id and stage to every log line of a message, then logs its outcome and
    counts it (`newsflow_stage_runs`, `newsflow_stage_seconds`).

    The same hook dramatiq's CurrentMessage middleware uses: worker threads each
    have their own context, so bound values never leak between messages.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        structlog.contextvars.clear_contextvars()
        # Stage actors take the article id first; bury_exhausted takes the failed message.
        first = message.args[0] if message.args else None
        article_id = first["args"][0] if isinstance(first, dict) else first
        structlog.contextvars.bind_contextvars(
            article_id=article_id, stage=message.actor_name, message_id=message.message_id
        )
        self._local.started = time.perf_counter()

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.Message,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        self._finish(message, exception, "done" if exception is None else "failed")

    def after_skip_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        self._finish(message, None, "skipped")

    def _finish(
        self, message: dramatiq.Message, exception: BaseException | None, outcome: str
    ) -> None:
        seconds = time.perf_counter() - getattr(self._local, "started", 0.0)
        duration_ms = round(seconds * 1000, 2)
        if exception is None:
            log.info("stage_done", duration_ms=duration_ms)
        else:
            log.warning(
                "stage_failed",
                duration_ms=duration_ms,
                error=f"{type(exception).__name__}: {exception}",
                retries=max(0, message.options.get("retries", 0)),
            )
        metrics.stage_finished(message.actor_name, outcome, seconds)
        structlog.contextvars.clear_contextvars()


class DeliveryLimit(dramatiq.Middleware):
    """Sends a message that keeps killing its worker to `dead` instead of to another worker.

    A message taken by a worker that dies before finishing it (killed by the kernel
    for its memory, a segfault in native code) comes back after the heartbeat
    timeout, and would kill the next worker too, forever. Each time a worker takes a
    message it counts one delivery in Redis; a message that ends, in any way (done,
    failed and retried, skipped), drops its count. So the count holds only the
    deliveries that never ended: past ``limit`` the message is handed to
    ``on_poison`` (which writes it to `dead`) and skipped.
    """

    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        limit: int,
        ttl: int,
        on_poison: Callable[[dramatiq.Message[Any], int], None],
    ) -> None:
        self._client = client
        self._keys = keys
        self._limit = limit
        self._ttl = ttl
        self._on_poison = on_poison

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        key = self._keys.deliveries(message.message_id)
        with self._client.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, self._ttl)
            deliveries, _ = pipe.execute()
        if deliveries > self._limit:
            self._on_poison(message, deliveries - 1)
            raise dramatiq.middleware.SkipMessage()

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.Message,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        try:
            self._client.delete(self._keys.deliveries(message.message_id))
        except redis.RedisError as error:  # the count expires; the message itself has ended
            log.warning("delivery_count_kept", error=str(error))

    after_skip_message = after_process_message


#: What Redis raises while it is away: restarting, failing over, loading its data.
REDIS_AWAY = (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError)


class WaitOutRedis(dramatiq.Middleware):
    """A message that failed because Redis went away waits for Redis, then is retried
    without spending one of its attempts.

    Without this, dramatiq's retry of such a message is enqueued while Redis is still
    away, fails, and the message is acknowledged once Redis is back: it is lost. Here
    the worker thread holds the message until Redis answers (placed after Retries, so
    it runs before it), and the outage costs time, not an attempt or the input.
    """

    def __init__(self, client: redis.Redis, pause: tuple[float, float] = (0.5, 5.0)) -> None:
        self._client = client
        self._pause = pause

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.Message,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        if isinstance(exception, REDIS_AWAY):
            message.options["retries"] = message.options.get("retries", 0) - 1
            log.warning("redis_away", error=str(exception), hint="waiting for Redis to answer")
            self._wait()
            log.info("redis_back")

    def _wait(self) -> None:
        pause = self._pause[0]
        while True:
            try:
                self._client.ping()
                return
            except REDIS_AWAY:
                time.sleep(pause)
                pause = min(pause * 2, self._pause[1])
            except dramatiq.middleware.TimeLimitExceeded:
                pass  # the stage's time limit, still armed while the message is held
