"""Reading an input's bytes for the extract stage: files here, URLs through workers/fetch.py."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.article import Rejected, Source, input_id
from pipelines.extract import kind_of


def read_input(source: Source, article_id: str, max_bytes: int) -> tuple[bytes, str]:
    """The input's bytes and kind ("html", "text"), or Rejected with what to do about it."""
    if source.type in ("url", "feed") and source.url:
        from workers.fetch import read_page  # only the extract stage fetches

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
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise Rejected(too_large(size, max_bytes))
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise Rejected("file not found: it was removed before it was processed") from None
    except IsADirectoryError:
        raise Rejected("not a file: a directory has this name") from None
    except PermissionError:
        raise Rejected("permission denied: make the file readable by newsflow") from None


def too_large(size: int, max_bytes: int) -> str:
    return (
        f"too large: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit "
        f"(NEWSFLOW_MAX_BYTES)"
    )
