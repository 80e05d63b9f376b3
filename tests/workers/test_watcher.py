"""The folder watcher on a real inbox, queueing into a real Redis."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from tests.workers.helpers import entries, wait_for_entries
from workers.keys import Keys

KEYS = Keys("nftest")
DEAD = KEYS.dead
PROSE = "The harbour board met on Tuesday to discuss the new ferry timetable for the winter.\n"
#: Seconds a file must hold still before the watcher takes it (given to the Watcher below).
SETTLE = 0.3
#: Seconds to wait after an expected offer to see that nothing more comes: over three
#: settle periods, so that a second offer of the same file would have been made by then.
QUIET = 1.0


def queued_messages(redis_client) -> list[dict]:
    """The messages waiting in the extract queue (no worker runs here): dramatiq's hash of a
    queue's unacknowledged messages. Their args are (article id, source, ingested at)."""
    messages = redis_client.hvals(KEYS.dramatiq_messages("extract"))
    return [orjson.loads(m) for m in messages]


@pytest.fixture
def queued(redis_client) -> Iterator[Callable[[], list[str]]]:
    """Reads the article ids waiting in the extract queue."""

    def ids() -> list[str]:
        return sorted(m["args"][0] for m in queued_messages(redis_client))

    yield ids


@pytest.fixture
def queued_paths(redis_client) -> Iterator[Callable[[], list[str]]]:
    """Reads the source paths of the inputs waiting in the extract queue."""

    def paths() -> list[str]:
        return sorted(m["args"][1]["path"] for m in queued_messages(redis_client))

    yield paths


@pytest.fixture
def watch(intake, tmp_path):
    """Runs a Watcher on tmp_path/inbox in a thread; stops it after the test and waits for
    it, so that nothing it logs lands outside the test's captured output."""
    from workers.inputs.watcher import Watcher

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    running: list[tuple[threading.Event, threading.Thread]] = []

    def start(settle: float = SETTLE) -> Path:
        stop = threading.Event()
        thread = threading.Thread(target=Watcher(inbox, intake, settle).run, args=(stop,))
        thread.start()
        running.append((stop, thread))
        time.sleep(0.3)  # let watchfiles register before files appear
        return inbox

    start.inbox = inbox
    yield start
    for stop, _ in running:
        stop.set()
    for _, thread in running:
        thread.join(timeout=10)


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.05)


def test_existing_and_new_files_are_queued_once(watch, queued, intake):
    """Files present at start and files dropped later are each queued once."""
    from pipelines.article import input_id

    inbox = watch.inbox
    (inbox / "early.txt").write_text(PROSE)
    watch()
    (inbox / "later.txt").write_text(PROSE)
    wait_until(lambda: len(queued()) == 2)
    time.sleep(QUIET)
    expected = [
        input_id(str((inbox / n).resolve()), PROSE.encode()) for n in ("early.txt", "later.txt")
    ]
    assert queued() == sorted(expected)


def test_file_is_taken_only_when_complete(watch, queued):
    """A file written in pieces is queued once, with its final content."""
    from pipelines.article import input_id

    inbox = watch()
    path = inbox / "slow.txt"
    with path.open("w") as handle:
        for _ in range(5):
            handle.write(PROSE)
            handle.flush()
            time.sleep(0.15)
    wait_until(lambda: len(queued()) == 1)
    time.sleep(QUIET)
    assert queued() == [input_id(str(path.resolve()), (PROSE * 5).encode())]


def test_hidden_and_temporary_names_are_ignored(watch, queued):
    """Dot files, dot folders and partial-download names are never queued."""
    inbox = watch()
    (inbox / ".hidden.txt").write_text(PROSE)
    (inbox / "draft.txt.part").write_text(PROSE)
    (inbox / "notes.txt~").write_text(PROSE)
    (inbox / ".cache").mkdir()
    (inbox / ".cache" / "x.txt").write_text(PROSE)
    (inbox / "real.txt").write_text(PROSE)
    wait_until(lambda: len(queued()) == 1)
    time.sleep(QUIET)
    assert len(queued()) == 1


def test_write_then_rename_is_queued(watch, queued, queued_paths):
    """A file written under a temporary name and renamed into place is taken once, under
    its final name."""
    from pipelines.article import input_id

    inbox = watch()
    temporary = inbox / "incoming.tmp"
    temporary.write_text(PROSE)
    final = inbox / "final.txt"
    temporary.rename(final)
    wait_until(lambda: len(queued()) == 1)
    time.sleep(QUIET)
    assert queued_paths() == [str(final.resolve())]
    assert queued() == [input_id(str(final.resolve()), PROSE.encode())]


def test_changed_file_is_a_new_input_and_restart_takes_nothing_twice(watch, queued, tmp_path):
    """A changed file is queued again; a restarted watcher does not re-queue what it took."""
    inbox = watch()
    path = inbox / "story.txt"
    path.write_text(PROSE)
    wait_until(lambda: len(queued()) == 1)
    path.write_text(PROSE + "A second paragraph was added after publication.\n")
    wait_until(lambda: len(queued()) == 2)
    watch()  # a second watcher on the same inbox finds both files already taken
    time.sleep(1.5)
    assert len(queued()) == 2


def test_symlink_out_of_inbox_is_refused(watch, queued, redis_client, tmp_path):
    """A link that leads outside the inbox goes to `dead` and its target is never read."""
    secret = tmp_path / "secret.txt"
    secret.write_text(PROSE)
    inbox = watch()
    os.symlink(secret, inbox / "innocent.txt")
    wait_for_entries(redis_client, [DEAD], 1, timeout=10)
    [dead] = entries(redis_client, DEAD)
    assert dead["stage"] == "intake"
    assert dead["error"] == (
        f"refused: innocent.txt is a link to {secret.resolve()}, outside {inbox.resolve()}:"
        " copy the file in instead"
    )
    assert queued() == []


def folder_link_refused(link: str, target: Path) -> str:
    """The reason of the `dead` entry of a link to a folder, named as in the inbox."""
    return (
        f"refused: {link} is a link to a folder ({target.resolve()}): newsflow does not"
        " follow folder links, move or copy the files in instead"
    )


def test_folder_link_present_at_start_is_refused_once(watch, queued, redis_client, tmp_path):
    """A link to a folder outside the inbox, there when the watcher starts: one `dead` entry
    naming it, nothing of the folder read; a restart and a change in the folder add none."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text(PROSE)
    (watch.inbox / "news").mkdir()
    os.symlink(elsewhere, watch.inbox / "news" / "feeds")
    watch()
    wait_for_entries(redis_client, [DEAD], 1, timeout=10)
    (elsewhere / "later.txt").write_text(PROSE + "A second private file.\n")
    watch()  # a second watcher rescans the inbox from the start
    time.sleep(QUIET)
    [dead] = entries(redis_client, DEAD)
    assert dead["stage"] == "intake"
    assert dead["error"] == folder_link_refused("news/feeds", elsewhere)
    assert dead["source"]["path"] == str(watch.inbox.resolve() / "news" / "feeds")
    assert queued() == []


def test_folder_link_made_while_watching_is_refused(watch, queued, redis_client, tmp_path):
    """A link to an outside folder made in the watched inbox is refused as the link it is;
    files written into that folder afterwards are never taken."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text(PROSE)
    inbox = watch()
    os.symlink(elsewhere, inbox / "feeds")
    wait_for_entries(redis_client, [DEAD], 1, timeout=10)
    (elsewhere / "later.txt").write_text(PROSE + "A second private file.\n")
    time.sleep(QUIET)
    [dead] = entries(redis_client, DEAD)
    assert dead["error"] == folder_link_refused("feeds", elsewhere)
    assert queued() == []


def test_folder_link_inside_the_inbox_is_refused_and_its_files_taken_where_they_lie(
    watch, queued_paths, redis_client
):
    """A link to a folder of the inbox itself is refused too (one rule for every folder
    link); the folder's files are queued once, from their real place."""
    inbox = watch.inbox
    (inbox / "real").mkdir()
    (inbox / "real" / "story.txt").write_text(PROSE)
    os.symlink(inbox / "real", inbox / "alias")
    watch()
    wait_for_entries(redis_client, [DEAD], 1, timeout=10)
    wait_until(lambda: len(queued_paths()) == 1)
    time.sleep(QUIET)
    [dead] = entries(redis_client, DEAD)
    assert dead["error"] == folder_link_refused("alias", inbox / "real")
    assert queued_paths() == [str(inbox.resolve() / "real" / "story.txt")]


def test_named_pipe_is_refused_without_blocking(watch, queued, redis_client):
    """A FIFO dropped in the inbox goes to `dead`; reading it would hang the watcher."""
    inbox = watch()
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "after.txt").write_text(PROSE)
    wait_for_entries(redis_client, [DEAD], 1, timeout=10)
    [dead] = entries(redis_client, DEAD)
    assert dead["stage"] == "intake" and "not a regular file" in dead["error"]
    wait_until(lambda: len(queued()) == 1)  # the watcher went on to the next file


def test_folder_moved_in_is_taken_whole(watch, queued, queued_paths, tmp_path):
    """A folder moved into the inbox (one change event) has each of its files queued, once,
    from where they now lie."""
    inbox = watch()
    outside = tmp_path / "batch"
    (outside / "deeper").mkdir(parents=True)
    (outside / "one.txt").write_text(PROSE)
    (outside / "deeper" / "two.txt").write_text(PROSE + "Another line of the second file.\n")
    outside.rename(inbox / "batch")
    wait_until(lambda: len(queued()) == 2)
    time.sleep(QUIET)
    moved = inbox.resolve() / "batch"
    assert queued_paths() == sorted([str(moved / "one.txt"), str(moved / "deeper" / "two.txt")])


#: A settle time no test waits out: a file taken within a test was known complete.
LONG_SETTLE = 30.0
#: How long these tests wait for a file known complete: well under LONG_SETTLE.
PROMPT = 15.0


def test_file_moved_in_is_taken_without_waiting_to_settle(watch, queued_paths, tmp_path):
    """A file renamed into the inbox is complete: taken at once (inotify's IN_MOVED_TO),
    long before its size could be seen holding still for the settle time."""
    (watch.inbox / "news").mkdir()  # a subfolder: the hints cover the whole tree
    inbox = watch(LONG_SETTLE)
    outside = tmp_path / "drafts" / "story.txt"
    outside.parent.mkdir()
    outside.write_text(PROSE)
    outside.rename(inbox / "news" / "story.txt")
    wait_until(lambda: len(queued_paths()) == 1, timeout=PROMPT)
    assert queued_paths() == [str(inbox.resolve() / "news" / "story.txt")]


def test_file_still_open_waits_and_is_taken_once_closed(
    watch, queued_paths, redis_client, tmp_path
):
    """A file still open for writing is not taken, though a file dropped after it is; once
    its writer closes it (IN_CLOSE_WRITE) it is taken at once, with its whole content."""
    from pipelines.article import input_id

    inbox = watch(LONG_SETTLE)
    growing = inbox / "growing.txt"
    with growing.open("w") as handle:
        handle.write(PROSE)
        handle.flush()
        later = tmp_path / "later.txt"
        later.write_text(PROSE + "Another story, dropped while the first is being written.\n")
        later.rename(inbox / "later.txt")
        wait_until(lambda: len(queued_paths()) == 1, timeout=PROMPT)
        assert queued_paths() == [str(inbox.resolve() / "later.txt")]
        handle.write(PROSE)
    wait_until(lambda: len(queued_paths()) == 2, timeout=PROMPT)
    taken = [
        m for m in queued_messages(redis_client) if m["args"][1]["path"].endswith("growing.txt")
    ]
    assert [m["args"][0] for m in taken] == [input_id(str(growing.resolve()), (PROSE * 2).encode())]


def test_file_older_than_the_settle_time_is_taken_at_once(watch, queued_paths):
    """A file whose mtime is already older than the settle time when found (here: present
    at start, copied in with its date kept) is complete: taken at once."""
    old = watch.inbox / "archive.txt"
    old.write_text(PROSE)
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    watch(LONG_SETTLE)
    wait_until(lambda: len(queued_paths()) == 1, timeout=PROMPT)
