"""An inbox file's bytes travel with the work (NEWSFLOW_INPUT_TRANSPORT=redis): a worker that
cannot read the inbox still extracts it, and the bytes leave Redis with the input's outcome.
With NEWSFLOW_INPUT_TRANSPORT=path, such a worker sends the input to `dead` with one line
saying what to do."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workers.helpers import entries, running_worker, wait_for_entries, wait_until
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def path_transport(monkeypatch):
    """This process's settings (and so its services) with NEWSFLOW_INPUT_TRANSPORT=path."""
    from workers.settings import get_settings

    monkeypatch.setenv("NEWSFLOW_INPUT_TRANSPORT", "path")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_file_removed_after_intake_is_extracted_from_redis(redis_client, intake, seeds, tmp_path):
    """The worker never opens the inbox: the bytes read at intake are what it extracts."""
    path = tmp_path / seeds[0].name
    shutil.copy(seeds[0], path)
    offer = intake.offer_file(path)
    assert redis_client.get(KEYS.input_bytes(offer.article_id)) == seeds[0].read_bytes()
    path.unlink()  # as good as a worker on a host without the inbox
    with running_worker():
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
    assert entries(redis_client, DEAD) == []
    [published] = entries(redis_client, ARTICLES)
    assert published["id"] == offer.article_id
    assert published["data"]["source"]["path"] == str(path.resolve())  # the intake host's path
    assert not redis_client.exists(KEYS.input_bytes(offer.article_id))


def test_the_bytes_leave_redis_when_the_input_is_buried(redis_client, intake, tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("   \n\n  \n")
    offer = intake.offer_file(path)
    assert redis_client.exists(KEYS.input_bytes(offer.article_id))
    with running_worker():
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
    [buried] = entries(redis_client, DEAD)
    assert buried["id"] == offer.article_id and "empty" in buried["error"]
    assert not redis_client.exists(KEYS.input_bytes(offer.article_id))


def test_path_transport_says_what_to_do_when_the_worker_cannot_read(
    redis_client, path_transport, seeds, tmp_path
):
    from workers.services import process_services
    from workers.stages.chain import start

    path = tmp_path / seeds[0].name
    shutil.copy(seeds[0], path)
    offer = process_services().intake(start).offer_file(path)
    assert offer.queued
    assert redis_client.keys(KEYS.input_bytes("*")) == []  # only the path travels
    path.unlink()
    with running_worker():
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
    [buried] = entries(redis_client, DEAD)
    assert buried["id"] == offer.article_id and buried["stage"] == "extract"
    assert "\n" not in buried["error"]
    assert buried["error"].startswith("file not found on this worker's host")
    assert "NEWSFLOW_INPUT_TRANSPORT=redis" in buried["error"]


def start_worker(queues: list[str] | None = None) -> subprocess.Popen[bytes]:
    """A worker process of its own, quick to be taken for dead once it is killed."""
    env = {
        **os.environ,
        "NEWSFLOW_HEARTBEAT_TIMEOUT_MS": "2000",
        "NEWSFLOW_LOG_LEVEL": "WARNING",
        "NEWSFLOW_METRICS_PORT": "0",
    }
    command = [sys.executable, "-m", "workers.worker", "--threads", "1"]
    command += ["--queues", *queues] if queues else []  # default: every stage
    return subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True)


def held_extract_messages(client) -> int:
    """Extract messages taken by a worker and not yet acknowledged, over every worker."""
    pattern = f"{KEYS.dramatiq_namespace}:__acks__.*.extract"
    return sum(client.scard(key) for key in client.scan_iter(match=pattern))


def test_a_killed_workers_message_still_finds_the_bytes(redis_client, intake, eval_pages, tmp_path):
    """An extract message redelivered after its worker died reads the same bytes from Redis."""
    pages = eval_pages[:30]
    for page in pages:
        shutil.copy(page, tmp_path / page.name)
    ids = {intake.offer_file(tmp_path / page.name).article_id for page in pages}
    for page in pages:
        (tmp_path / page.name).unlink()
    first = start_worker(["extract"])
    try:
        wait_until(
            "the first worker to hold an extract message",
            lambda: held_extract_messages(redis_client) > 0,
            timeout=120,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert held_extract_messages(redis_client) > 0  # what the next worker must take over
    second = start_worker()
    try:
        wait_for_entries(redis_client, [ARTICLES, DEAD], len(ids), timeout=240)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait()
    dead = entries(redis_client, DEAD)
    assert not [d for d in dead if "file" in d["error"]], dead  # none for want of its file
    ended = [e["id"] for e in entries(redis_client, ARTICLES)] + [d["id"] for d in dead]
    assert sorted(ended) == sorted(ids)
    assert redis_client.keys(KEYS.input_bytes("*")) == []
