"""dramatiq middleware: one structured log event per stage per article, with its duration."""

from __future__ import annotations

import threading
import time

import dramatiq
import structlog

log = structlog.get_logger("newsflow.stage")


class StageLogging(dramatiq.Middleware):
    """Binds article id and stage to every log line of a message, then logs its outcome.

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
        duration_ms = round((time.perf_counter() - getattr(self._local, "started", 0.0)) * 1000, 2)
        if exception is None:
            log.info("stage_done", duration_ms=duration_ms)
        else:
            log.warning(
                "stage_failed",
                duration_ms=duration_ms,
                error=f"{type(exception).__name__}: {exception}",
                retries=message.options.get("retries", 0),
            )
        structlog.contextvars.clear_contextvars()

    after_skip_message = after_process_message
