"""No input can stop a role, and Redis going away loses none: the watcher retries what it
could not queue and rescans for what Redis lost; an unparsable URL, a file name that is not
UTF-8 or a bad feed item goes to `dead` alone while the rest flows on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from pipelines.article import input_id
from tests.workers.helpers import entries, wait_until
from tests.workers.http_server import LoopbackServer, confine_to_loopback, loopback_server
from workers.inputs.intake import Intake
from workers.inputs.watcher import Watcher
from workers.keys import Keys
from workers.runtime.embedded import EmbeddedRedis
from workers.state.outcome import Outcomes

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "The harbour board met on Monday.\n\nIt agreed to repair the northern pier by June.\n"


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A Redis of this test's own, which it stops and starts (data kept in its AOF)."""
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Callable[[Intake, float], Path]]:
    """Runs a Watcher on tmp_path/inbox in a thread; stops it after the test."""
    stops: list[tuple[threading.Event, threading.Thread]] = []

    def start(intake: Intake, rescan_seconds: float = 30.0) -> Path:
        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)
        watcher = Watcher(inbox, intake, settle_seconds=0.2, rescan_seconds=rescan_seconds)
        stop = threading.Event()
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        stops.append((stop, thread))
        return inbox

    yield start
    for stop, thread in stops:
        stop.set()
        thread.join(10)


def recording_intake(client: redis.Redis) -> Intake:
    """The real intake on ``client``, queueing each input's id on a list there."""
    keys = Keys("nfwatch")

    def enqueue(article_id: str, *_: Any) -> None:
        client.rpush("nfwatch:queued", article_id)

    return Intake(client, keys, Outcomes(client, keys, 1000), 1_000_000, enqueue)


def queued(client: redis.Redis) -> list[str]:
    try:
        return [i.decode() for i in client.lrange("nfwatch:queued", 0, -1)]
    except redis.RedisError:
        return []


def drop(inbox: Path, name: str, text: str = ARTICLE) -> str:
    """Write a file as a careful writer does (a temporary name, then a rename); its id."""
    (inbox / f".{name}.part").write_text(text, encoding="utf-8")
    (inbox / f".{name}.part").rename(inbox / name)
    return input_id(str((inbox / name).resolve()), text.encode())


def test_a_file_dropped_while_redis_is_away_is_queued_when_it_is_back(private_redis, watching):
    client = redis.Redis.from_url(private_redis.url)
    inbox = watching(recording_intake(client))
    private_redis.stop()
    article_id = drop(inbox, "during-outage.txt")
    time.sleep(1.0)  # it settles and is offered while Redis is away: the offer fails
    private_redis.start()
    wait_until("the file queued after the outage", lambda: queued(client) == [article_id])


def test_a_rescan_takes_again_a_file_whose_queueing_redis_lost(private_redis, watching):
    """As after a crash that lost Redis's last second of writes: the claim, the queued
    message and the seen id are gone. The next rescan offers the file again."""
    client = redis.Redis.from_url(private_redis.url)
    inbox = watching(recording_intake(client), rescan_seconds=0.5)
    article_id = drop(inbox, "lost.txt")
    keys = Keys("nfwatch")
    # Queued and then remembered: the loss must come after both, or the intake's own
    # remembering would write the seen id back after the test deleted it.
    wait_until(
        "the file queued and remembered",
        lambda: queued(client) == [article_id] and client.sismember(keys.seen, article_id),
    )
    client.delete(keys.claim(article_id), "nfwatch:queued", keys.seen)  # what the crash lost
    wait_until("the file queued again", lambda: queued(client) == [article_id])


def test_bad_inputs_go_to_dead_and_the_watcher_goes_on(redis_client, keys, intake, watching):
    """A URL list with an unparsable line, and a file whose name is not UTF-8: each bad
    input gets its `dead` entry, and the good ones around them are queued."""
    inbox = watching(intake)
    (inbox / "links.urls").write_text(
        "http://[::1/\nhttps://example.org/news/pier.html\n", encoding="utf-8"
    )
    bad_name = os.fsdecode(b"caf\xe9.txt")
    (inbox / bad_name).write_text(ARTICLE, encoding="utf-8")
    good = drop(inbox, "after.txt")
    wait_until("both dead entries", lambda: redis_client.xlen(keys.dead) == 2)
    wait_until("the good inputs queued", lambda: len(queued_ids(redis_client, keys)) == 2)
    reasons = {
        entry["source"]["path"] or entry["source"]["url"]: entry["error"]
        for entry in entries(redis_client, keys.dead)
    }
    assert reasons["http://[::1/"].startswith("not a valid URL: 'http://[::1/'")
    assert reasons[str(inbox.resolve() / "caf\\xe9.txt")] == (
        "the file name is not valid UTF-8: rename it (newsflow reads UTF-8 names)"
    )
    time.sleep(1.0)  # three settle periods: nothing more comes
    queued_now = queued_ids(redis_client, keys)
    assert len(queued_now) == 2 and good in queued_now  # the good file and the good URL


def queued_ids(client: redis.Redis, keys: Keys) -> list[str]:
    messages = client.hvals(keys.dramatiq_messages("extract"))
    return [json.loads(m)["args"][0] for m in messages]


def test_ingest_of_an_unparsable_url_is_one_dead_entry_not_a_traceback(redis_client, keys):
    result = subprocess.run(
        [sys.executable, "-m", "workers", "ingest", "http://[::1/", "--wait", "--timeout", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr  # 1: some input went to dead
    assert "Traceback" not in result.stderr
    assert result.stdout == "inputs=1 published=0 dead=1 pending=0\n"
    [dead] = entries(redis_client, keys.dead)
    assert dead["stage"] == "intake" and dead["error"].startswith("not a valid URL")


@pytest.fixture
def server(monkeypatch) -> Iterator[LoopbackServer]:
    """A loopback HTTP server that the process's own fetcher may fetch at full speed."""
    from workers.settings import get_settings

    monkeypatch.setenv("NEWSFLOW_FETCH_ALLOW", "127.0.0.1")
    monkeypatch.setenv("NEWSFLOW_FETCH_HOST_DELAY", "0")
    get_settings.cache_clear()
    confine_to_loopback(monkeypatch)
    with loopback_server() as running:
        yield running
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_feed_with_an_unparsable_item_link_queues_its_good_items(redis_client, keys, server):
    """A JSON Feed item whose url is `http://[::1`: skipped and counted; the feed is polled
    as usual and its good items are queued."""
    from workers.services import process_services
    from workers.stages.chain import start

    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour notes",
        "items": [
            {"id": "1", "url": "http://[::1", "title": "Broken"},
            {"id": "2", "url": server.url("/pier.html"), "title": "Pier"},
            {"id": "3", "url": server.url("/ferry.html"), "title": "Ferry"},
        ],
    }
    feed_url = server.route(
        "/feed.json", body=json.dumps(document).encode(), content_type="application/feed+json"
    )
    poller = process_services().poller(start)
    poller.registry.add(feed_url)
    [result] = poller.poll_due()
    assert (result.status, result.new_items, result.items) == ("200", 2, 2)
    assert len(queued_ids(redis_client, keys)) == 2
    [state] = poller.registry.all()
    assert state.errors == 0 and state.last_error is None
