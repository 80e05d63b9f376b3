"""Reading an input's bytes for the extract stage: one reader per kind of source.

A new kind of input (an S3 bucket, a Kafka topic) adds its reader to `InputReader`'s
table; a kind with no reader goes to `dead` as unsupported.
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

    def read(self, source: Source, article_id: str) -> tuple[bytes, str]:
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
        kind = kind_of(source.path)
        if kind is None:
            suffix = Path(source.path).suffix or "(none)"
            raise Rejected(f"unsupported file type {suffix}: newsflow reads .html, .htm and .txt")
        data = read_file(Path(source.path), self._max_bytes)
        if input_id(source.path, data) != article_id:
            raise Rejected(
                "file changed after it was queued: its new content is processed as a new input"
            )
        return data, kind


def _unsupported(source: Source) -> Rejected:
    return Rejected(f"unsupported source type {source.type!r}: only files are read so far")


def read_file(path: Path, max_bytes: int) -> bytes:
    try:
        # Non-blocking open: a FIFO swapped in for the file must not hang the worker.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Rejected("file not found: it was removed before it was processed") from None
    except PermissionError:
        raise Rejected("permission denied: make the file readable by newsflow") from None
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
