"""Reading an input's bytes for the extract stage: files here, URLs through workers/web/fetch.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipelines.article import Rejected, Source, input_id
from pipelines.extract.extractor import kind_of


def read_input(source: Source, article_id: str, max_bytes: int) -> tuple[bytes, str]:
    """The input's bytes and kind ("html", "text"), or Rejected with what to do about it."""
    if source.type in ("url", "feed") and source.url:
        from workers.web.fetch import read_page  # only the extract stage fetches

        return read_page(source.url)
    if source.type != "file" or not source.path:
        raise Rejected(f"unsupported source type {source.type!r}: only files are read so far")
    kind = kind_of(source.path)
    if kind is None:
        suffix = Path(source.path).suffix or "(none)"
        raise Rejected(f"unsupported file type {suffix}: newsflow reads .html, .htm and .txt")
    data = read_file(Path(source.path), max_bytes)
    if input_id(source.path, data) != article_id:
        raise Rejected(
            "file changed after it was queued: its new content is processed as a new input"
        )
    return data, kind


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
