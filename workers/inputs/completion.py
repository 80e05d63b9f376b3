"""Which inbox files the kernel says are complete: closed by their writer, or moved in.

watchfiles reports a file at its first bytes and says nothing of its writer closing it.
On Linux, inotify does: IN_CLOSE_WRITE (a writer closed it) and IN_MOVED_TO (renamed in,
written elsewhere). These hints let the watcher take such a file at once instead of
waiting for it to settle. Elsewhere, or when inotify cannot be had, there are no hints and
the settle rule decides alone. The watches cover every folder of the inbox (hidden ones
aside), and folders made or moved in later.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import structlog

log = structlog.get_logger("newsflow.watcher")

try:
    from inotify_simple import INotify
    from inotify_simple import flags as inotify_flags
except ImportError:  # not Linux (inotify_simple imports on Linux only)
    INotify = None  # type: ignore[assignment,misc]


class CompletionHints:
    """Reads the inotify events of the inbox's folders, without blocking."""

    def __init__(self, root: Path, inotify: INotify) -> None:
        self._root = root
        self._inotify = inotify
        self._folders: dict[int, Path] = {}
        self._mask = (
            inotify_flags.CLOSE_WRITE
            | inotify_flags.MOVED_TO
            | inotify_flags.CREATE
            | inotify_flags.ONLYDIR
            | inotify_flags.DONT_FOLLOW
        )
        self._watch_tree(root)

    @classmethod
    def open(cls, root: Path) -> CompletionHints | None:
        """Hints for the folder ``root`` (resolved), or None where inotify is not to be had."""
        if INotify is None or not sys.platform.startswith("linux"):
            return None
        try:
            return cls(root, INotify(nonblocking=True))
        except OSError as error:  # out of inotify instances, a kernel without it
            log.info("completion_hints_off", reason=str(error), hint="files settle instead")
            return None

    def completed(self) -> list[Path]:
        """The files closed after writing or moved in since the last call."""
        found = []
        for event in self._inotify.read(timeout=0):
            folder = self._folders.get(event.wd)
            if event.mask & inotify_flags.IGNORED:
                self._folders.pop(event.wd, None)  # the folder went away
            elif event.mask & inotify_flags.Q_OVERFLOW:
                log.info("completion_hints_overflowed", hint="files settle instead")
            elif folder is None or not event.name:
                continue
            elif event.mask & inotify_flags.ISDIR:
                self._watch_tree(folder / event.name)  # made or moved in: its files settle
            elif event.mask & (inotify_flags.CLOSE_WRITE | inotify_flags.MOVED_TO):
                found.append(folder / event.name)
        return found

    def close(self) -> None:
        self._inotify.close()

    def _watch_tree(self, top: Path) -> None:
        for directory, subdirs, _names in os.walk(top):  # never descends into a folder link
            subdirs[:] = [d for d in subdirs if not d.startswith(".")]
            try:
                self._folders[self._inotify.add_watch(directory, self._mask)] = Path(directory)
            except OSError as error:  # the watch limit reached, or the folder gone again
                log.info(
                    "completion_hint_missing",
                    folder=directory,
                    reason=str(error),
                    hint="its files settle instead; raise fs.inotify.max_user_watches",
                )
