"""Reading an input's bytes for the extract stage: one reader per kind of source.

A new kind of input (an S3 bucket, a Kafka topic) adds its reader to `InputReader`'s
table; a kind with no reader goes to `dead` as unsupported. An inbox file's bytes come
with the work when the intake sent them through Redis (NEWSFLOW_INPUT_TRANSPORT=redis),
so a worker on another host needs no access to the inbox; otherwise its path is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.article import Rejected, Source, input_id
from pipelines.extract.extractor import kind_of

if TYPE_CHECKING:  # only a worker that reads web pages imports httpx
    from workers.web.fetch import Fetcher


class InputReader:
    """An input's bytes and kind ("html", "text"), or `Rejected` with what to do about it."""

    def __init__(self, max_bytes: int, fetcher: Callable[[], Fetcher]) -> None:
        self._max_bytes = max_bytes
        # Built on first use: a worker that reads only files never needs one.
        self._fetcher = fetcher
        self._readers: dict[str, Callable[[Source, str], tuple[bytes, str]]] = {
            "file": self._read_file,
            "url": self._read_page,
            "feed": self._read_page,
        }

    def read(
        self, source: Source, article_id: str, carried: bytes | None = None
    ) -> tuple[bytes, str]:
        """``carried``: the file's bytes as the intake stored them in Redis, if it did."""
        if carried is not None and source.type == "file":
            return _checked(source, article_id, carried)
        reader = self._readers.get(source.type)
        if reader is None:
            raise _unsupported(source)
        return reader(source, article_id)

    def _read_page(self, source: Source, article_id: str) -> tuple[bytes, str]:
        if not source.url:
            raise _unsupported(source)
        fetched, kind = self._fetcher().fetch_page(source.url)
        return fetched.body, kind

    def _read_file(self, source: Source, article_id: str) -> tuple[bytes, str]:
        if not source.path:
            raise _unsupported(source)
        _kind(source.path)  # an unsupported type is refused before the file is opened
        data = read_file(Path(source.path), self._max_bytes, _NOT_FOUND_HERE, _DENIED_HERE)
        return _checked(source, article_id, data)


def _checked(source: Source, article_id: str, data: bytes) -> tuple[bytes, str]:
    """A file's bytes and kind, if they are the bytes the input was queued with."""
    kind = _kind(source.path or "")
    if input_id(source.path or "", data) != article_id:
        raise Rejected(
            "file changed after it was queued: its new content is processed as a new input"
        )
    return data, kind


def _kind(path: str) -> str:
    kind = kind_of(path)
    if kind is None:
        suffix = Path(path).suffix or "(none)"
        raise Rejected(f"unsupported file type {suffix}: newsflow reads .html, .htm and .txt")
    return kind


def _unsupported(source: Source) -> Rejected:
    return Rejected(f"unsupported source type {source.type!r}: only files are read so far")


#: Why a worker sent only a file's path could not open it: on a host of its own, the
#: inbox is often simply not there, or not readable by the worker's user.
_NOT_FOUND_HERE = (
    "file not found on this worker's host: it was removed, or this host does not share"
    " the inbox (NEWSFLOW_INPUT_TRANSPORT=redis sends the bytes instead)"
)
_DENIED_HERE = (
    "permission denied: this worker cannot read the inbox file: make it readable, or set"
    " NEWSFLOW_INPUT_TRANSPORT=redis to send the bytes"
)


def read_file(
    path: Path,
    max_bytes: int,
    not_found: str = "file not found: it was removed before it was processed",
    denied: str = "permission denied: make the file readable by newsflow",
) -> bytes:
    """The file's bytes; `Rejected` with ``not_found`` or ``denied`` when it cannot be opened."""
    try:
        # Non-blocking open: a FIFO swapped in for the file must not hang the worker.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Rejected(not_found) from None
    except PermissionError:
        raise Rejected(denied) from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise Rejected("not a regular file (a directory, pipe, socket or device)")
        if status.st_size > max_bytes:
            raise Rejected(too_large(status.st_size, max_bytes))
        return handle.read(max_bytes + 1)


def too_large(size: int, max_bytes: int) -> str:
    return (
        f"too large: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit "
        f"(NEWSFLOW_MAX_BYTES)"
    )
