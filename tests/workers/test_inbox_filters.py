"""The operator's inbox filters (NEWSFLOW_INBOX_INCLUDE, _EXCLUDE, _IGNORE_OLDER) on a real
watcher, real files and a real Redis: files filtered out are never queued and get no `dead`
entry; the watcher role logs at start how many it skipped, and each skipped file once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from tests.cli.helpers import session_env
from tests.workers.test_watcher import PROSE, QUIET, SETTLE, queued_messages, wait_until
from workers.keys import Keys

KEYS = Keys("nftest")
#: Seconds between two rescans of the watchers below: many rescans happen in QUIET.
RESCAN = 0.2
TWO_DAYS_AGO = time.time() - 2 * 86400


def make_old(path: Path) -> Path:
    os.utime(path, (TWO_DAYS_AGO, TWO_DAYS_AGO))
    return path


@pytest.fixture
def queued_paths(redis_client) -> Callable[[], list[str]]:
    def paths() -> list[str]:
        return sorted(m["args"][1]["path"] for m in queued_messages(redis_client))

    return paths


@pytest.fixture
def watch(intake, tmp_path) -> Iterator[Callable[..., Path]]:
    """Starts a Watcher on tmp_path/inbox with the filters of the given settings."""
    from workers.inputs.filters import InboxFilter
    from workers.inputs.watcher import Watcher
    from workers.settings import Settings

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stops: list[threading.Event] = []

    def start(**filters: str) -> Path:
        wanted = InboxFilter.from_settings(Settings(**filters))
        watcher = Watcher(inbox, intake, SETTLE, RESCAN, wanted)
        stop = threading.Event()
        threading.Thread(target=watcher.run, args=(stop,)).start()
        stops.append(stop)
        time.sleep(0.3)  # let watchfiles register before files appear
        return inbox

    start.inbox = inbox  # type: ignore[attr-defined]
    yield start
    for stop in stops:
        stop.set()


def test_excluded_and_not_included_files_are_never_queued(
    watch, queued_paths, redis_client, tmp_path
):
    """Include `*.html` and `news/**/*.txt`, exclude `drafts/` and `*.draft.html`: at start,
    while watching and in a folder moved in, only the wanted files are queued."""
    inbox = watch.inbox
    (inbox / "front.html").write_text(PROSE)
    (inbox / "notes.txt").write_text(PROSE)  # not included: a .txt outside news/
    (inbox / "drafts").mkdir()
    (inbox / "drafts" / "early.html").write_text(PROSE)  # excluded folder
    watch(inbox_include="*.html, news/**/*.txt", inbox_exclude="drafts/, *.draft.html")
    (inbox / "news" / "2024" / "june").mkdir(parents=True)
    (inbox / "news" / "2024" / "june" / "story.txt").write_text(PROSE)
    (inbox / "later.draft.html").write_text(PROSE)  # excluded name
    (inbox / "drafts" / "later.html").write_text(PROSE)
    batch = tmp_path / "batch"
    (batch / "deeper").mkdir(parents=True)
    (batch / "deeper" / "moved.html").write_text(PROSE)
    (batch / "deeper" / "moved.txt").write_text(PROSE)  # not included
    batch.rename(inbox / "batch")
    root = inbox.resolve()
    expected = sorted(
        str(root / name)
        for name in ("front.html", "news/2024/june/story.txt", "batch/deeper/moved.html")
    )
    wait_until(lambda: len(queued_paths()) == 3)
    time.sleep(QUIET)
    assert queued_paths() == expected
    assert redis_client.xlen(KEYS.dead) == 0


def test_old_files_are_skipped_at_start_and_by_rescans_and_taken_once_changed(
    watch, queued_paths, redis_client, tmp_path
):
    """With NEWSFLOW_INBOX_IGNORE_OLDER=12h a file last changed two days ago is not taken at
    start nor by the rescans after, nor is one moved in with its old mtime; once written
    to, it is taken."""
    inbox = watch.inbox
    old = inbox / "old.txt"
    old.write_text(PROSE)
    make_old(old)
    (inbox / "fresh.txt").write_text(PROSE)
    watch(inbox_ignore_older="12h")
    archived = tmp_path / "archived.txt"
    archived.write_text(PROSE)
    make_old(archived).rename(inbox / "archived.txt")
    root = inbox.resolve()
    wait_until(lambda: len(queued_paths()) == 1)
    time.sleep(QUIET)  # some rescans
    assert queued_paths() == [str(root / "fresh.txt")]
    with old.open("a") as handle:
        handle.write("A correction was appended this morning.\n")
    wait_until(lambda: len(queued_paths()) == 2)
    time.sleep(QUIET)
    assert queued_paths() == sorted([str(root / "fresh.txt"), str(root / "old.txt")])
    assert redis_client.xlen(KEYS.dead) == 0


def test_the_watcher_role_logs_what_it_skipped_at_start_and_each_file_once(
    redis_client, queued_paths, tmp_path
):
    """The watcher as its own process (as `newsflow run` runs it): its `watching` line counts
    the existing files the filters skipped; each skipped file has one debug line, however
    many rescans pass."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "story.html").write_text(PROSE)
    (inbox / "story.json").write_text("{}")
    (inbox / "stale.html").write_text(PROSE)
    make_old(inbox / "stale.html")
    env = {
        **session_env(),
        "NEWSFLOW_INBOX": str(inbox),
        "NEWSFLOW_INBOX_EXCLUDE": "*.json",
        "NEWSFLOW_INBOX_IGNORE_OLDER": "1d",
        "NEWSFLOW_RESCAN_SECONDS": str(RESCAN),
        "NEWSFLOW_LOG_LEVEL": "DEBUG",
    }
    role = subprocess.Popen(
        [sys.executable, "-m", "workers.watcher"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: len(queued_paths()) == 1, timeout=60)
        time.sleep(QUIET)  # some rescans
    finally:
        role.send_signal(signal.SIGTERM)
        _, stderr = role.communicate(timeout=60)
    events = [orjson.loads(line) for line in stderr.splitlines() if line.startswith(b"{")]
    root = inbox.resolve()
    [watching] = [e for e in events if e["event"] == "watching"]
    assert (watching["existing"], watching["skipped"]) == (1, 2)
    skipped = sorted((e["path"], e["reason"]) for e in events if e["event"] == "skipped")
    assert skipped == [
        (str(root / "stale.html"), "last changed over 86400 s ago (NEWSFLOW_INBOX_IGNORE_OLDER)"),
        (str(root / "story.json"), "matches NEWSFLOW_INBOX_EXCLUDE"),
    ]
    assert queued_paths() == [str(root / "story.html")]
