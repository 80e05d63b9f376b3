"""The folder watcher: queues every new or changed file of the inbox, once it is complete.

watchfiles reports a file at its first bytes, so a file is taken only once it is known
complete: at once when, on Linux, the kernel says its writer closed it or it was renamed
in (`completion.CompletionHints`), or when its mtime is already older than
`settle_seconds` as it is first seen; otherwise when its size and mtime have held still
for `settle_seconds` (a file still open for writing). Files present at start are taken too, and
the inbox is rescanned now and then for what the events missed or Redis lost. Files the
operator filtered out (`filters.InboxFilter`) are counted and logged once, never taken.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import redis
import structlog
import watchfiles

from workers.inputs.completion import CompletionHints
from workers.inputs.filters import InboxFilter
from workers.inputs.intake import Intake, inputs_under, is_candidate, shown
from workers.runtime.outage import Outage

log = structlog.get_logger("newsflow.watcher")


@dataclass(slots=True)
class _Pending:
    """Files seen changing, with the size and mtime they had when last looked at."""

    settle_seconds: float
    files: dict[Path, tuple[int, int, float]] = field(default_factory=dict)
    #: Files the kernel said were complete, with the size and mtime they had when told: a
    #: file written again since then settles like any other.
    closed: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def touch(self, path: Path) -> None:
        self.files[path] = (-1, -1, time.monotonic())

    def touch_complete(self, path: Path) -> None:
        """Touch a file its writer closed or that was moved in."""
        try:
            stat = path.stat()
        except OSError:
            return  # gone again: nothing to take
        self.closed[path] = (stat.st_size, stat.st_mtime_ns)
        self.touch(path)

    def settled(self) -> list[Path]:
        """Files known complete: closed or moved in, already older than settle_seconds as
        first seen, or whose size and mtime did not move for settle_seconds; forgets them."""
        ready, now = [], time.monotonic()
        for path, (size, mtime, since) in list(self.files.items()):
            try:
                stat = path.stat()
            except FileNotFoundError:
                self._forget(path)  # removed or renamed away before it settled
                continue
            current = (stat.st_size, stat.st_mtime_ns)
            first_look = size == -1
            if self.closed.get(path) == current or (first_look and self._old(stat.st_mtime)):
                ready.append(path)
                self._forget(path)
            elif current != (size, mtime):
                self.files[path] = (*current, now)
            elif now - since >= self.settle_seconds:
                ready.append(path)
                self._forget(path)
        return ready

    def _old(self, mtime: float) -> bool:
        """Written longer ago than the settle time (moved in with its mtime, restored)."""
        return time.time() - mtime >= self.settle_seconds

    def _forget(self, path: Path) -> None:
        del self.files[path]
        self.closed.pop(path, None)


#: Files taken this recently are checked at each rescan to be still remembered by Redis:
#: a Redis that crashes loses its last second of writes (AOF everysec), and those files
#: are then offered again. Anything older was written to disk long before.
RECENT_SECONDS = 300.0


class Watcher:
    """Offers the inbox's files to the intake once each has settled.

    Besides the change events, it rescans the inbox every ``rescan_seconds`` (as a file
    shipper's scan interval): a file whose event was missed is taken then, and a file
    taken lately whose queueing Redis lost in a crash is taken again. While Redis is
    away, settled files wait and are offered when it answers again.
    """

    def __init__(
        self,
        inbox: Path,
        intake: Intake,
        settle_seconds: float = 1.0,
        rescan_seconds: float = 30.0,
        wanted: InboxFilter | None = None,
    ) -> None:
        self.inbox = inbox
        #: The inbox resolved, as watchfiles reports paths: one name per file, however found.
        self._root = inbox.resolve()
        self._intake = intake
        self._wanted_files = wanted or InboxFilter()
        #: Files filtered out, each logged once (forgotten when it goes away).
        self._skipped: set[Path] = set()
        self._pending = _Pending(settle_seconds)
        self._tick_ms = max(50, int(settle_seconds * 250))
        self._rescan_seconds = rescan_seconds
        self._next_rescan = 0.0
        #: Files taken, with the size and mtime they had: a change makes them new again.
        self._taken: dict[Path, tuple[int, int]] = {}
        #: (when, file, its ids) of the files taken in the last RECENT_SECONDS.
        self._recent: deque[tuple[float, Path, list[str]]] = deque()
        self._outage = Outage("watcher")
        self._hints: CompletionHints | None = None

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        # Before the first scan: a file closed between the two is hinted, not missed.
        self._hints = CompletionHints.open(self._root)
        try:
            self._run(stop)
        finally:
            if self._hints is not None:
                self._hints.close()

    def _run(self, stop: threading.Event) -> None:
        self._rescan()
        log.info(
            "watching",
            inbox=shown(self._root),
            existing=len(self._pending.files),
            skipped=len(self._skipped),
        )
        while not stop.is_set():
            try:
                self._watch(stop)
            except Exception as error:
                # watchfiles cannot report a name that is not UTF-8, among others: such a
                # file is found by the rescan (os.walk) instead, and watching goes on.
                log.warning("watch_restarted", error=str(error))
                self._rescan()
                stop.wait(self._tick_ms / 1000)

    def _watch(self, stop: threading.Event) -> None:
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
            for path in self._hints.completed() if self._hints is not None else []:
                if is_candidate(path, self._root):
                    self._consider(path, complete=True)
            if time.monotonic() >= self._next_rescan:
                self._rescan()
            self._offer(self._pending.settled())

    def _touch(self, path: Path) -> None:
        # watchfiles follows links to folders and reports the files in them: the link is
        # offered instead, to be refused (once: the same link, the same id).
        path = folder_link_above(path, self.inbox) or path
        # A folder moved in is reported as one change: its files are not. A link to a
        # folder is offered itself, never walked.
        walk = path.is_dir() and not path.is_symlink()
        for file in inputs_under(path) if walk else [path]:
            self._consider(file)

    def _consider(self, path: Path, complete: bool = False) -> None:
        """Touch a file the filters let through (``complete``: its writer closed it or it
        was moved in); log the others, once each."""
        reason = self._wanted_files.skipped_because(path, self._root)
        if reason is None:
            self._skipped.discard(path)
            if complete:
                self._pending.touch_complete(path)
            else:
                self._pending.touch(path)
        elif path not in self._skipped:
            self._skipped.add(path)
            log.debug("skipped", path=shown(path), reason=reason)

    def _wanted(self, change: watchfiles.Change, name: str) -> bool:
        return is_candidate(Path(name), self._root)

    def _offer(self, paths: list[Path]) -> None:
        for index, path in enumerate(paths):
            if not self._outage.ready():
                self._wait(paths[index:])
                return
            try:
                offers = self._intake.offer_path(path, confine_to=self.inbox)
            except redis.RedisError as error:
                self._outage.failed(error)
                self._wait(paths[index:])
                return
            except FileNotFoundError:
                log.info("vanished", path=shown(path))  # removed before it could be taken
            except Exception:  # a bug: this file waits for its next change or a restart
                log.exception("not_taken", path=shown(path))
            else:
                self._outage.recovered()
                self._remember(path, [offer.article_id for offer in offers])

    def _wait(self, paths: list[Path]) -> None:
        """Keep files that could not be offered yet: they settle again and are retried."""
        for path in paths:
            self._pending.touch(path)

    def _remember(self, path: Path, article_ids: list[str]) -> None:
        with contextlib.suppress(OSError):
            status = path.stat()
            self._taken[path] = (status.st_size, status.st_mtime_ns)
            self._recent.append((time.monotonic(), path, article_ids))

    def _rescan(self) -> None:
        """Touch the inbox's files that were never taken or changed since, and those taken
        lately that Redis no longer remembers."""
        self._next_rescan = time.monotonic() + self._rescan_seconds
        present = set(inputs_under(self._root))
        for path in present - set(self._pending.files):
            with contextlib.suppress(OSError):
                status = path.stat()
                if self._taken.get(path) != (status.st_size, status.st_mtime_ns):
                    self._consider(path)
        for gone in set(self._taken) - present:
            del self._taken[gone]
        self._skipped &= present
        if self._outage.ready():
            self._take_again_what_redis_lost()

    def _take_again_what_redis_lost(self) -> None:
        """Offer again the files taken lately whose ids Redis no longer remembers. A file
        is checked until Redis has remembered it for RECENT_SECONDS (an outage, however
        long, does not age it out unchecked)."""
        ids = [article_id for _when, _path, taken in self._recent for article_id in taken]
        try:
            remembered = dict(zip(ids, self._intake.remembered(ids), strict=True))
        except redis.RedisError as error:
            self._outage.failed(error)
            return
        horizon, kept = time.monotonic() - RECENT_SECONDS, deque()
        for when, path, taken in self._recent:
            if not all(remembered[article_id] for article_id in taken):
                log.warning("taken_again", path=shown(path), reason="Redis lost its queueing")
                self._taken.pop(path, None)
                self._pending.touch(path)
            elif when >= horizon:
                kept.append((when, path, taken))
        self._recent = kept


def folder_link_above(path: Path, inbox: Path) -> Path | None:
    """The first link to a folder on the way down from the inbox to ``path``, if any."""
    for root in (inbox, inbox.resolve()):
        if path.is_relative_to(root):
            here = root
            for part in path.relative_to(root).parts[:-1]:
                here = here / part
                if here.is_symlink():
                    return here
            return None
    return None
