"""`newsflow status` and `status --json`: the figures match what Redis holds.

First on the session's Redis with dramatiq's real broker: messages waiting, delayed, and
held by a consumer; a group whose lag Redis cannot tell; names that would be markup or
terminal escapes. Then a real `newsflow run` with real files ingested, feeds polled on
loopback, and consumer groups, read by `newsflow status` as a user runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from tests.cli.helpers import NEWSFLOW, clean_env, run_cli
from tests.workers.feed_helpers import rss
from tests.workers.helpers import wait_until
from tests.workers.http_server import loopback_server
from workers.keys import Keys


def table_rows(text: str, title: str) -> list[list[str]]:
    """The cells of each body row of the rich table titled ``title`` in ``text``."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == title)
    rows = []
    for line in lines[start + 4 :]:  # title, top border, header, header rule
        if "│" not in line:
            break
        rows.append([cell.strip() for cell in line.split("│")[1:-1]])
    return rows


# --- on the session's Redis, with dramatiq's broker ------------------------------------------


def test_queue_figures_count_waiting_delayed_and_held_messages(services, keys, capsys):
    """Three messages sent to `extract`, one of them delayed, one taken by a consumer: one
    waits, one is in flight (in the consumer's ack set), one is delayed."""
    import dramatiq

    from workers.cli.status import print_json
    from workers.runtime.broker import broker

    def message() -> dramatiq.Message[object]:
        return dramatiq.Message(
            queue_name="extract", actor_name="extract", args=(), kwargs={}, options={}
        )

    broker.enqueue(message())
    broker.enqueue(message())
    broker.enqueue(message(), delay=3_600_000)
    consumer = broker.consume("extract", prefetch=1, timeout=100)
    try:
        assert next(consumer) is not None
        print_json(services)
    finally:
        consumer.close()
    figures = json.loads(capsys.readouterr().out)
    client, namespace = services.client, keys.dramatiq_namespace
    held = client.scard(f"{namespace}:__acks__.{broker.broker_id}.extract")
    [extract] = [q for q in figures["queues"] if q["queue"] == "extract"]
    assert extract == {
        "queue": "extract",
        "queued": client.llen(keys.dramatiq_queue("extract")),
        "in_flight": held,
        "delayed": client.hlen(keys.dramatiq_delayed_messages("extract")),
        "failed": 0,
    }
    assert (extract["queued"], extract["in_flight"], extract["delayed"]) == (1, 1, 1)


def test_unknown_lag_and_hostile_names(services, keys, capsys):
    """A group whose lag Redis cannot tell is null in JSON and "unknown" in the table; a
    group named with markup and an escape is shown as text, and kept as is in JSON."""
    from workers.cli.status import print_json, print_status

    client = services.client
    ids = [client.xadd(keys.articles, {"id": str(n)}) for n in range(4)]
    client.xgroup_create(keys.articles, "indexer", id="0")
    client.xreadgroup("indexer", "reader-1", {keys.articles: ">"}, count=1)
    client.xdel(keys.articles, ids[2])  # past what the group read: Redis loses the lag
    hostile = "[bold]x\x1b[2J"
    client.xgroup_create(keys.articles, hostile, id="$")
    [info] = [g for g in client.xinfo_groups(keys.articles) if g["name"] == b"indexer"]
    assert info["lag"] is None  # the premise: this Redis cannot tell

    print_json(services)
    groups = {g["group"]: g for g in json.loads(capsys.readouterr().out)["groups"]}
    assert groups["indexer"]["lag"] is None and groups["indexer"]["pending"] == 1
    assert groups[hostile]["lag"] == 0

    print_status(services)
    shown = capsys.readouterr().out
    assert "\x1b" not in shown
    rows = {row[1]: row for row in table_rows(shown, "consumer groups")}
    assert rows["indexer"] == [keys.articles, "indexer", "1", "1", "unknown"]
    assert rows["[bold]x\\x1b[2J"][2:] == ["0", "0", "0"]


# --- a real `newsflow run` -------------------------------------------------------------------

#: `newsflow run` runs with no NEWSFLOW_PREFIX: the default key names.
KEYS = Keys()


@pytest.fixture(scope="module")
def service(seeds):
    """`newsflow run` with two feeds on loopback (one fine, one answering 404) and a home of
    its own; three seeds and an empty file ingested through it with `newsflow ingest`."""
    home = Path(tempfile.mkdtemp(prefix="nf-status-"))
    inbox = home / "inbox"
    inbox.mkdir()
    with loopback_server() as server:
        feeds = [
            server.route("/fine.xml", body=rss("Fine", []), content_type="application/rss+xml"),
            server.url("/gone.xml"),
        ]
        (home / "feeds.txt").write_text("\n".join(feeds) + "\n")
        env = clean_env(
            NEWSFLOW_HOME=str(home / "state"),
            NEWSFLOW_SETTLE_SECONDS="0.3",
            NEWSFLOW_FETCH_ALLOW="127.0.0.1",
            NEWSFLOW_FETCH_HOST_DELAY="0",
            NEWSFLOW_FEED_MAX_ERRORS="1",  # one failed poll makes a feed unhealthy
        )
        command = [*NEWSFLOW, "run", "--inbox", str(inbox), "--feeds", str(home / "feeds.txt")]
        log = (home / "run.log").open("wb")  # a file: a pipe nobody reads would fill up
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            yield _started(process, home, env, seeds)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=120)
            log.close()
            from workers.runtime.embedded import EmbeddedRedis

            EmbeddedRedis(home / "state").stop()  # in case a failed test left it behind
            shutil.rmtree(home, ignore_errors=True)


def _started(process: subprocess.Popen[bytes], home: Path, env: dict[str, str], seeds):
    socket_path = home / "state" / "redis.sock"
    wait_until("the embedded Redis", lambda: socket_path.exists() or process.poll() is not None)
    assert process.poll() is None, (home / "run.log").read_text()[-2000:]
    client = redis.Redis(unix_socket_path=str(socket_path))
    wait_until("a live worker", lambda: _live_workers(client), timeout=120)
    (home / "empty.txt").write_bytes(b"")
    inputs = [*map(str, seeds[:3]), str(home / "empty.txt")]
    ingested = run_cli("ingest", *inputs, "--wait", env=env, timeout=300)
    assert ingested.returncode == 1, ingested.stderr  # 1: one went to dead
    wait_until("both feeds polled", lambda: _polled(client) == 2)
    wait_until("every message acknowledged", lambda: _unacked(client) == 0)
    client.xgroup_create(KEYS.articles, "indexer", id="0")
    client.xreadgroup("indexer", "reader-1", {KEYS.articles: ">"}, count=2)
    client.xgroup_create(KEYS.articles, "late", id="$")
    client.xgroup_create(KEYS.dead, "triage", id="0")
    return {"client": client, "env": env}


def _live_workers(client: redis.Redis) -> int:
    return client.zcount(KEYS.workers, int(time.time() * 1000), "+inf")


def _polled(client: redis.Redis) -> int:
    canonicals = client.zrange(KEYS.feeds, 0, -1)
    return sum(bool(client.hget(KEYS.feed(c.decode()), "last_poll")) for c in canonicals)


def _unacked(client: redis.Redis) -> int:
    from workers.stages.chain import QUEUES

    return sum(
        client.hlen(KEYS.dramatiq_messages(q)) + client.hlen(KEYS.dramatiq_delayed_messages(q))
        for q in QUEUES
    )


@pytest.fixture(scope="module")
def figures(service):
    result = run_cli("status", "--json", env=service["env"])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def table(service):
    result = run_cli("status", env=service["env"])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_streams_and_groups_match_redis(service, figures):
    """Each stream's length, and each group's consumers, pending and lag, are Redis's."""
    client = service["client"]
    assert {s["stream"]: s["length"] for s in figures["streams"]} == {
        KEYS.articles: client.xlen(KEYS.articles),
        KEYS.dead: client.xlen(KEYS.dead),
    }
    assert (client.xlen(KEYS.articles), client.xlen(KEYS.dead)) == (3, 1)
    expected = {
        (stream, info["name"].decode()): (info["consumers"], info["pending"], info["lag"])
        for stream in (KEYS.articles, KEYS.dead)
        for info in client.xinfo_groups(stream)
    }
    found = {
        (g["stream"], g["group"]): (g["consumers"], g["pending"], g["lag"])
        for g in figures["groups"]
    }
    assert found == expected
    assert expected == {
        (KEYS.articles, "indexer"): (1, 2, 1),  # 2 of 3 read, not acknowledged
        (KEYS.articles, "late"): (0, 0, 0),  # created at the end
        (KEYS.dead, "triage"): (0, 0, 1),  # created at the start, nothing read
    }
    consumers = [(c["group"], c["consumer"], c["pending"]) for c in figures["consumers"]]
    assert consumers == [("indexer", "reader-1", 2)]


def test_dead_by_stage_and_queues_match_redis(service, figures):
    client = service["client"]
    stages = Counter(fields[b"stage"].decode() for _, fields in client.xrange(KEYS.dead))
    assert figures["dead_by_stage"] == dict(stages) and sum(stages.values()) == 1
    for queue in figures["queues"]:
        name = queue.pop("queue")
        assert queue == {"queued": 0, "in_flight": 0, "delayed": 0, "failed": 0}, name
        assert client.llen(KEYS.dramatiq_queue(name)) == 0


def test_live_workers_are_the_runs_worker_processes(service, figures):
    """Every worker listed is alive in the liveness set, on this host, with a live pid."""
    client = service["client"]
    alive = client.zrangebyscore(KEYS.workers, int(time.time() * 1000), "+inf")
    assert sorted(w["id"] for w in figures["workers"]) == sorted(n.decode() for n in alive)
    assert figures["workers"]
    for worker in figures["workers"]:
        assert worker["host"] == socket.gethostname()
        os.kill(worker["pid"], 0)  # raises if there is no such process


def test_feeds_by_health(figures):
    """The feed answering 404 failed its one poll (unhealthy here); the other is fine."""
    assert figures["feeds"] == {"total": 2, "ok": 1, "unhealthy": 1}


def test_table_shows_the_same_figures(figures, table):
    """The table a person reads holds the JSON's numbers."""
    assert f"workers alive: {len(figures['workers'])}" in table
    assert [row[0] for row in table_rows(table, "workers")] == [w["id"] for w in figures["workers"]]
    streams = {row[0]: row[1] for row in table_rows(table, "streams")}
    assert streams == {s["stream"]: str(s["length"]) for s in figures["streams"]}
    groups = {(row[0], row[1]): row[2:] for row in table_rows(table, "consumer groups")}
    assert groups == {
        (g["stream"], g["group"]): [str(g["consumers"]), str(g["pending"]), str(g["lag"])]
        for g in figures["groups"]
    }
    consumers = [row[:4] for row in table_rows(table, "consumers")]
    assert consumers == [
        [c["stream"], c["group"], c["consumer"], str(c["pending"])] for c in figures["consumers"]
    ]
    [(stage, count)] = figures["dead_by_stage"].items()
    assert f"dead by stage: {stage} {count}" in table
    assert "feeds: 2 registered, 1 ok, 1 unhealthy" in table
