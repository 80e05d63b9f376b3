"""`newsflow run` as a user runs it: embedded Redis, worker processes, watcher, real files.

The seeds are dropped into the inbox and the stream is checked as a consumer sees it;
`newsflow tail` and `newsflow status` find the running service's Redis as a user's would;
SIGTERM stops it. Then `run --feeds` with feeds and pages on a loopback HTTP server.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import redis

from tests.cli.helpers import NEWSFLOW, clean_env, run_cli
from tests.workers.feed_helpers import rss
from tests.workers.helpers import entries, settle, wait_for_entries
from tests.workers.http_server import LoopbackServer, confine_to_loopback, loopback_server
from workers.keys import Keys

#: Key names under the default prefix: `newsflow run` runs with no NEWSFLOW_PREFIX.
KEYS = Keys()
ARTICLES, DEAD = KEYS.articles, KEYS.dead


def newsflow_env(home: Path) -> dict[str, str]:
    return clean_env(NEWSFLOW_HOME=str(home), NEWSFLOW_SETTLE_SECONDS="0.3")


def newsflow(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=newsflow_env(home), timeout=timeout)


@pytest.fixture(scope="module")
def service(seeds):
    """A running `newsflow run` on a fresh home and inbox; stopped with SIGTERM at the end."""
    home = Path(tempfile.mkdtemp(prefix="nf-e2e-"))
    inbox = home / "inbox"
    inbox.mkdir()
    process = subprocess.Popen(
        [*NEWSFLOW, "run", "--inbox", str(inbox), "--threads", "2"],
        env=newsflow_env(home / "state"),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    socket = home / "state" / "redis.sock"
    deadline = time.monotonic() + 30
    while not socket.exists():
        assert process.poll() is None, process.stderr.read().decode()
        if time.monotonic() > deadline:
            pytest.fail("the embedded Redis did not come up")
        time.sleep(0.1)
    client = redis.Redis(unix_socket_path=str(socket))
    yield {"process": process, "home": home / "state", "inbox": inbox, "client": client}
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=120)
    from workers.runtime.embedded import EmbeddedRedis

    EmbeddedRedis(home / "state").stop()  # in case a failed test left it behind
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def published(service, seeds):
    """The seeds dropped in the inbox, as they come out on the articles stream."""
    for seed in seeds:
        shutil.copy(seed, service["inbox"] / seed.name)
    wait_for_entries(service["client"], [ARTICLES, DEAD], len(seeds), timeout=180)
    return {Path(e["data"]["source"]["path"]).name: e for e in entries(service["client"], ARTICLES)}


def test_every_seed_is_published_clean(published, seeds):
    """Each seed comes out once, without share bars or "Next Story"."""
    assert sorted(published) == sorted(s.name for s in seeds)
    for entry in published.values():
        text = entry["data"]["text"]
        assert "Next Story" not in text
        assert "Twitter Facebook Reddit Pinterest Email" not in text
        assert entry["status"] == entry["data"]["dedup"]["status"] == "unique"


def test_mojibake_is_repaired(published):
    """004's "coup d'état" comes out repaired, with no "Ã" left."""
    text = next(e for n, e in published.items() if n.startswith("004"))["data"]["text"]
    assert "coup d'état" in text and "Ã" not in text


def test_glued_versions_appear_once(published, seeds):
    """Every paragraph of 002 that was doubled on its line appears once in the text."""
    text = next(e for n, e in published.items() if n.startswith("002"))["data"]["text"]
    raw = next(s for s in seeds if s.name.startswith("002")).read_text()
    probes = [line[:60] for line in raw.splitlines() if len(line) > 200 and line[:60] in line[60:]]
    assert len(probes) >= 10  # the seed really has glued rows
    for probe in probes:
        assert text.count(probe) == 1, probe


def test_people_are_single_person_entities(published):
    """Kerry, Lavrov and Putin are each one PERSON entity in every article."""
    for name, entry in published.items():
        for surname in ("Kerry", "Lavrov", "Putin"):
            holding = [
                e for e in entry["data"]["entities"] if any(surname in m for m in e["mentions"])
            ]
            assert len(holding) == 1, (name, surname, holding)
            assert holding[0]["label"] == "PERSON", (name, holding)


def test_same_file_again_adds_nothing(service, published, seeds):
    """Writing the same bytes to the same name again publishes nothing new."""
    client = service["client"]
    before = client.xlen(ARTICLES) + client.xlen(DEAD)
    shutil.copy(seeds[0], service["inbox"] / seeds[0].name)
    (service["inbox"] / seeds[0].name).touch()
    settle(client, [ARTICLES, DEAD], quiet=3)
    assert client.xlen(ARTICLES) + client.xlen(DEAD) == before


def test_same_content_new_name_is_duplicate(service, published, seeds):
    """A copy under a new name is published as `duplicate` of the first."""
    client = service["client"]
    before = client.xlen(ARTICLES)
    shutil.copy(seeds[1], service["inbox"] / "copy-of-001.txt")
    wait_for_entries(client, [ARTICLES], before + 1, timeout=60)
    newest = entries(client, ARTICLES)[-1]
    assert newest["status"] == "duplicate"
    assert newest["data"]["dedup"]["of"] == published[seeds[1].name]["id"]


def test_tail_prints_json_lines_only(service, published):
    """`newsflow tail` prints one JSON entry a line on stdout, nothing else."""
    result = newsflow(service["home"], "tail", "--count", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        entry = json.loads(line)
        assert {"stream_id", "id", "status", "data"} <= entry.keys()
        assert entry["data"]["schema"] == 1


def test_tail_group_acknowledges_what_it_printed(service, published):
    """`tail --group` reads as a consumer group member and leaves nothing pending."""
    first = newsflow(service["home"], "tail", "--group", "indexer", "--count", "2")
    second = newsflow(service["home"], "tail", "--group", "indexer", "--count", "100")
    assert first.returncode == second.returncode == 0
    ids = [json.loads(line)["stream_id"] for line in (first.stdout + second.stdout).splitlines()]
    assert len(ids) == len(set(ids)) == service["client"].xlen(ARTICLES)
    assert service["client"].xpending(ARTICLES, "indexer")["pending"] == 0


def test_status_reports_streams(service, published):
    """`newsflow status` shows the queues and the stream lengths."""
    result = newsflow(service["home"], "status")
    assert result.returncode == 0, result.stderr
    assert "extract" in result.stdout and ARTICLES in result.stdout


def test_sigterm_stops_everything(service, published):
    """SIGTERM ends `run` with status 0 and stops the embedded Redis, data kept on disk."""
    process = service["process"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 0
    from workers.runtime.embedded import EmbeddedRedis

    assert not EmbeddedRedis(service["home"]).is_running()
    status = newsflow(service["home"], "status")
    assert status.returncode != 0 and "newsflow run" in status.stderr
    assert list(service["home"].glob("appendonly*"))


# --- `newsflow run --feeds`, with feeds and pages served on loopback ---------------------------


@pytest.fixture
def server(monkeypatch) -> Iterator[LoopbackServer]:
    """A loopback HTTP server; this process resolves and connects to nothing else."""
    confine_to_loopback(monkeypatch)
    with loopback_server() as running:
        yield running


def test_newsflow_run_with_feeds_and_a_urls_file(server, eval_pages, tmp_path) -> None:
    """`newsflow run --feeds FILE` registers the feeds and polls them in its own thread; a
    `.urls` file dropped in the inbox is fetched too; `feeds list` shows the feed's state."""
    pages = [p.read_bytes() for p in eval_pages[:3]]
    links = [server.route(f"/run/{n}.html", body=page) for n, page in enumerate(pages)]
    feed_url = server.route(
        "/run/feed.xml",
        body=rss("Run Feed", [("A", links[0], None), ("B", links[1], None)]),
        content_type="application/rss+xml",
    )
    (tmp_path / "feeds.txt").write_text(f"# feeds\n{feed_url}\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = clean_env(
        NEWSFLOW_HOME=str(tmp_path / "state"),
        NEWSFLOW_FETCH_ALLOW="127.0.0.1",
        NEWSFLOW_FETCH_HOST_DELAY="0",
        NEWSFLOW_SETTLE_SECONDS="0.3",
    )
    process = subprocess.Popen(
        [
            *NEWSFLOW,
            "run",
            "--feeds",
            str(tmp_path / "feeds.txt"),
            "--inbox",
            str(inbox),
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        socket_path = tmp_path / "state" / "redis.sock"
        deadline = time.monotonic() + 30
        while not socket_path.exists():
            assert process.poll() is None, "newsflow run exited"
            if time.monotonic() > deadline:
                pytest.fail("newsflow run did not start")
            time.sleep(0.1)
        (inbox / "later.urls").write_text(links[2] + "\n")
        client = redis.Redis(unix_socket_path=str(socket_path))
        wait_for_entries(client, [ARTICLES, DEAD], 3, timeout=180)
        sources = {
            e["data"]["source"]["url"]: e["data"]["source"] for e in entries(client, ARTICLES)
        }
        listed = run_cli("feeds", "list", "--json", env=env)
    finally:
        process.send_signal(signal.SIGTERM)
        stderr = process.communicate(timeout=120)[1]
        from workers.runtime.embedded import EmbeddedRedis

        EmbeddedRedis(tmp_path / "state").stop()  # in case a failed test left it behind
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert sources == {
        links[0]: {"type": "feed", "path": None, "url": links[0], "feed": feed_url},
        links[1]: {"type": "feed", "path": None, "url": links[1], "feed": feed_url},
        links[2]: {"type": "url", "path": None, "url": links[2], "feed": None},
    }
    [feed] = [orjson.loads(line) for line in listed.stdout.splitlines()]
    assert (feed["url"], feed["items_seen"], feed["healthy"]) == (feed_url, 2, True)
