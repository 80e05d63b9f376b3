"""structlog on stderr: JSON lines when stderr is not a terminal, colours when it is."""

from __future__ import annotations

import logging
import sys

import orjson
import structlog


def configure(level: int | None = None) -> None:
    """Configure structlog, and route stdlib logging (dramatiq's) through it.

    The level defaults to NEWSFLOW_LOG_LEVEL.
    """
    if level is None:
        from workers.settings import get_settings

        level = logging.getLevelName(get_settings().log_level.upper())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if sys.stderr.isatty():
        renderer: structlog.typing.Processor = structlog.dev.ConsoleRenderer()
        factory: structlog.typing.WrappedLogger = structlog.PrintLoggerFactory(sys.stderr)
    else:
        renderer = structlog.processors.JSONRenderer(serializer=orjson.dumps)
        factory = structlog.BytesLoggerFactory(sys.stderr.buffer)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    _route_stdlib(shared, level)


def _route_stdlib(shared: list[structlog.typing.Processor], level: int) -> None:
    # dramatiq logs through the standard library; render those records the same way.
    json_out = not sys.stderr.isatty()
    renderer = structlog.processors.JSONRenderer() if json_out else structlog.dev.ConsoleRenderer()
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # dramatiq's per-message debug lines would drown the stage events.
    logging.getLogger("dramatiq").setLevel(max(level, logging.INFO))
