"""structlog on stderr: JSON lines when stderr is not a terminal, colours when it is.

On a terminal every value is passed through `printable` first: file names, feed titles
and error messages come from outside, and a raw ``\\x1b[2J`` in one would clear the
reader's screen. JSON needs none of this (its encoder escapes control characters).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import orjson
import structlog

from workers.runtime.terminal import printable

#: Values rendered on several lines: their line breaks are kept, each line made printable.
_MULTILINE_KEYS = ("exception", "stack")


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
        rendering: list[structlog.typing.Processor] = [
            escape_for_terminal,
            structlog.dev.ConsoleRenderer(),
        ]
        factory: structlog.typing.WrappedLogger = structlog.PrintLoggerFactory(sys.stderr)
    else:
        rendering = [structlog.processors.JSONRenderer(serializer=orjson.dumps)]
        factory = structlog.BytesLoggerFactory(sys.stderr.buffer)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, *rendering],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    _route_stdlib(shared, level)


def _route_stdlib(shared: list[structlog.typing.Processor], level: int) -> None:
    # dramatiq logs through the standard library; render those records the same way.
    if sys.stderr.isatty():
        # The traceback as text, to be escaped like any value (a record's message or
        # exception can hold a file name).
        rendering: list[structlog.typing.Processor] = [
            structlog.processors.format_exc_info,
            escape_for_terminal,
            structlog.dev.ConsoleRenderer(),
        ]
    else:
        rendering = [structlog.processors.JSONRenderer()]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *rendering],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # dramatiq's per-message debug lines would drown the stage events.
    logging.getLogger("dramatiq").setLevel(max(level, logging.INFO))


def escape_for_terminal(
    _logger: object, _method: str, event: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """The event with every key and value holding a control character made printable.

    Values without one are left to the console renderer as they are, quoting included.
    """
    return {printable(key): _printable_value(key, value) for key, value in event.items()}


@dataclass(frozen=True, slots=True)
class _Shown:
    """Text the console renderer writes as it is: it shows a value by its repr (or str)."""

    text: str

    def __repr__(self) -> str:
        return self.text


def _printable_value(key: str, value: object) -> object:
    text = value if isinstance(value, str) else repr(value)
    shown = printable(text)
    if shown == text:
        return value
    if key in _MULTILINE_KEYS:  # written out as they are, on their own lines
        return "\n".join(printable(line) for line in text.split("\n"))
    return _Shown(shown)
