"""The folder watcher: queues every new or changed file of the inbox, once it is complete.

watchfiles reports a file at its first bytes, so a file is taken only when its
size and mtime have held still for `settle_seconds` (a write-then-rename shows
up complete and passes the same check). Files present at start are taken too.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
import structlog
import watchfiles

from workers.inputs.intake import Intake, files_under, is_candidate

log = structlog.get_logger("newsflow.watcher")


@dataclass(slots=True)
class _Pending:
    """Files seen changing, with the size and mtime they had when last looked at."""

    settle_seconds: float
    files: dict[Path, tuple[int, int, float]] = field(default_factory=dict)

    def touch(self, path: Path) -> None:
        self.files[path] = (-1, -1, time.monotonic())

    def settled(self) -> list[Path]:
        """Files whose size and mtime did not move for settle_seconds; forgets them."""
        ready, now = [], time.monotonic()
        for path, (size, mtime, since) in list(self.files.items()):
            try:
                stat = path.stat()
            except FileNotFoundError:
                del self.files[path]  # removed or renamed away before it settled
                continue
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                self.files[path] = (stat.st_size, stat.st_mtime_ns, now)
            elif now - since >= self.settle_seconds:
                ready.append(path)
                del self.files[path]
        return ready


class Watcher:
    def __init__(self, inbox: Path, intake: Intake, settle_seconds: float = 1.0) -> None:
        self.inbox = inbox
        self._intake = intake
        self._pending = _Pending(settle_seconds)
        self._tick_ms = max(50, int(settle_seconds * 250))

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        for path in files_under(self.inbox):
            self._pending.touch(path)
        log.info("watching", inbox=str(self.inbox.resolve()), existing=len(self._pending.files))
        changes_of = watchfiles.watch(
            self.inbox,
            watch_filter=self._wanted,
            stop_event=stop,
            yield_on_timeout=True,
            rust_timeout=self._tick_ms,
            debounce=self._tick_ms,
            step=min(50, self._tick_ms),
            raise_interrupt=False,
        )
        for changes in changes_of:
            for change, name in changes:
                if change != watchfiles.Change.deleted:
                    self._touch(Path(name))
            self._offer(self._pending.settled())

    def _touch(self, path: Path) -> None:
        # A folder moved in is reported as one change: its files are not.
        for file in files_under(path) if path.is_dir() else [path]:
            self._pending.touch(file)

    def _wanted(self, change: watchfiles.Change, name: str) -> bool:
        return is_candidate(Path(name), self.inbox.resolve())

    def _offer(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                self._intake.offer_path(path, confine_to=self.inbox)
            except FileNotFoundError:
                log.info("vanished", path=str(path))  # removed before it could be taken
            except (OSError, redis.RedisError) as error:
                # Looked at again on its next change, or at the next start; the
                # watcher itself must keep running.
                log.error("not_taken", path=str(path), error=str(error))
