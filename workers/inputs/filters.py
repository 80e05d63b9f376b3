"""Which of a folder's files the operator wants taken: NEWSFLOW_INBOX_INCLUDE, _EXCLUDE and
_IGNORE_OLDER, as a file shipper's include and exclude lists and its ignore_older.

Patterns are gitignore's, matched against the path relative to the folder (pathspec): one
without a slash matches a name at any depth (`*.tmp`), one with a slash is anchored at the
folder (`news/*.html`), `**` spans any number of folders and a trailing slash takes a whole
folder (`archive/`). fnmatch would let `*` cross folders and has no `**`, and
`PurePath.full_match` needs Python 3.13.

A file filtered out is not an input: it gets no `dead` entry. The built-in rules (hidden and
temporary names, `intake.is_candidate`) apply before these.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec

from workers.settings import Settings, glob_patterns


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """The operator's choice of files; the default takes every file."""

    include: GitIgnoreSpec | None = None
    exclude: GitIgnoreSpec | None = None
    #: Files whose mtime is older than this many seconds are not taken; 0 takes any age.
    ignore_older: float = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> InboxFilter:
        return cls(
            _spec(settings.inbox_include),
            _spec(settings.inbox_exclude),
            float(settings.inbox_ignore_older),
        )

    def wanted(self, path: Path, root: Path) -> bool:
        return self.skipped_because(path, root) is None

    def skipped_because(self, path: Path, root: Path) -> str | None:
        """Why ``path`` (below ``root``) is not taken, or None when it is."""
        relative = _relative(path, root)
        if relative is not None:
            if path.is_dir():  # a link to a folder: `feeds/` names it too
                relative += "/"
            if self.exclude is not None and self.exclude.match_file(relative):
                return "matches NEWSFLOW_INBOX_EXCLUDE"
            if self.include is not None and not self.include.match_file(relative):
                return "matches no NEWSFLOW_INBOX_INCLUDE pattern"
        if self.ignore_older and self._older(path):
            return f"last changed over {self.ignore_older:g} s ago (NEWSFLOW_INBOX_IGNORE_OLDER)"
        return None

    def _older(self, path: Path) -> bool:
        try:
            changed = path.stat().st_mtime
        except OSError:
            return False  # a broken link or a link loop: the intake refuses it with a reason
        return time.time() - changed > self.ignore_older


def _spec(text: str) -> GitIgnoreSpec | None:
    patterns = glob_patterns(text)
    return GitIgnoreSpec.from_lines(patterns) if patterns else None


def _relative(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` as given or resolved (watchfiles reports resolved paths)."""
    for base in (root, root.resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return None
