"""`newsflow run` with NEWSFLOW_METRICS_PORT: its /metrics, /healthz and /readyz, scraped as
Prometheus and a container's probes would, while real inputs go through real workers.

One run for the module, on a Redis of the module's own (so that it can be stopped and
started again): known inputs move each counter by exactly what they are; a killed worker
is restarted and counted; /readyz follows Redis away and back.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from tests.cli.helpers import NEWSFLOW, clean_env
from tests.workers.helpers import settle, wait_for_entries, wait_until
from workers.keys import Keys
from workers.runtime.embedded import EmbeddedRedis
from workers.state.liveness import Liveness

KEYS = Keys()
ARTICLES, DEAD = KEYS.articles, KEYS.dead
#: Samples by name and labels, e.g. ("newsflow_dead_total", (("reason", "refused"), ...)).
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    """GET past any proxy of the environment: (status, body), errors included."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scrape(base: str) -> Samples:
    status, body = get(base + "/metrics")
    assert status == 200, body
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a labelled counter never counted yet."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture(scope="module")
def service():
    """`newsflow run` serving its probes on a free port, on a Redis of the module's own."""
    home = Path(tempfile.mkdtemp(prefix="nf-probes-"))
    server = EmbeddedRedis(home / "redis")
    server.start()
    inbox = home / "inbox"
    inbox.mkdir()
    base = f"http://127.0.0.1:{_free_port()}"
    env = clean_env(
        NEWSFLOW_HOME=str(home / "state"),
        NEWSFLOW_REDIS_URL=server.url,
        NEWSFLOW_SETTLE_SECONDS="0.3",
        NEWSFLOW_METRICS_PORT=base.rsplit(":", 1)[1],
    )
    process = subprocess.Popen(
        [*NEWSFLOW, "run", "--inbox", str(inbox), "--threads", "2", "--processes", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(unix_socket_path=str(server.socket_path))
    try:
        # Ready once a worker has its spaCy model loaded and renews its liveness.
        wait_until("run to be ready", lambda: _ready(base, process), timeout=180)
        yield {"base": base, "home": home, "inbox": inbox, "client": client, "redis": server}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def _ready(base: str, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, "newsflow run exited"
    try:
        return get(base + "/readyz")[0] == 200
    except OSError:  # not listening yet
        return False


def test_healthz_answers_while_run_is_alive(service) -> None:
    assert get(service["base"] + "/healthz") == (200, b'{"status":"ok"}\n')


def test_counters_move_by_exactly_what_the_inputs_are(service, seeds) -> None:
    """Two articles, an exact copy of one, an empty file (dead at extract) and a link out
    of the inbox (dead at intake): each counter moves by exactly that."""
    base, inbox = service["base"], service["inbox"]
    before = scrape(base)
    outside = service["home"] / "outside.txt"
    shutil.copy(seeds[0], outside)
    shutil.copy(seeds[0], inbox / "first.txt")
    shutil.copy(seeds[1], inbox / "second.txt")
    shutil.copy(seeds[0], inbox / "first-copy.txt")
    (inbox / "empty.txt").write_bytes(b"")
    os.symlink(outside, inbox / "link.txt")
    wait_for_entries(service["client"], [ARTICLES, DEAD], 5, timeout=180)
    settle(service["client"], [ARTICLES, DEAD])

    def counted() -> bool:  # a worker counts a stage once its message has ended
        now = scrape(base)
        stages = [value(now, "newsflow_stage_runs_total", stage="publish", outcome="done")]
        stages += [value(now, "newsflow_stage_runs_total", stage="extract", outcome="done")]
        return stages == [3.0, 4.0]

    wait_until("the last stages to be counted", counted)
    after = scrape(base)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("newsflow_inputs_taken_total", source="file") == 4
    assert moved("newsflow_inputs_refused_total", source="file") == 1
    published = {
        status: moved("newsflow_articles_published_total", status=status)
        for status in ("unique", "duplicate", "near_duplicate")
    }
    assert published == {"unique": 2, "duplicate": 1, "near_duplicate": 0}
    dead = {
        (found["stage"], found["reason"]): moved(name, **found)
        for (name, labels), _ in after.items()
        if name == "newsflow_dead_total" and moved(name, **(found := dict(labels)))
    }
    assert dead == {("intake", "refused"): 1, ("extract", "not_article"): 1}
    runs = {
        stage: moved("newsflow_stage_runs_total", stage=stage, outcome="done")
        for stage in ("extract", "entities", "dedup", "publish")
    }
    assert runs == {"extract": 4, "entities": 3, "dedup": 3, "publish": 3}
    assert moved("newsflow_stage_runs_total", stage="extract", outcome="failed") == 0
    assert moved("newsflow_stage_seconds_count", stage="extract") == 4
    assert value(after, "newsflow_stream_length", stream=ARTICLES) == 3
    assert value(after, "newsflow_stream_length", stream=DEAD) == 2
    assert value(after, "newsflow_queue_messages", queue="extract", state="queued") == 0
    assert value(after, "newsflow_workers_live") == 1
    assert value(after, "newsflow_processes", role="worker") == 1
    assert value(after, "newsflow_processes", role="run") == 1
    assert value(after, "newsflow_redis_up") == 1


def test_the_watcher_run_apart_serves_its_probes_and_the_gauges(service) -> None:
    """`python -m workers.watcher` on a port of its own: alive, counted as a watcher, and
    the one role apart that serves the figures read from Redis."""
    base = f"http://127.0.0.1:{_free_port()}"
    inbox = service["home"] / "other-inbox"
    env = clean_env(
        NEWSFLOW_HOME=str(service["home"] / "state"),
        NEWSFLOW_REDIS_URL=service["redis"].url,
        NEWSFLOW_INBOX=str(inbox),
        NEWSFLOW_METRICS_PORT=base.rsplit(":", 1)[1],
    )
    watcher = subprocess.Popen(
        [sys.executable, "-m", "workers.watcher"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until("the watcher's probes", lambda: _healthy(base, watcher))
        samples = scrape(base)
    finally:
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=60) == 0
    assert value(samples, "newsflow_processes", role="watcher") == 1
    assert value(samples, "newsflow_stream_length", stream=ARTICLES) == 3


def _healthy(base: str, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, "the process exited"
    try:
        return get(base + "/healthz")[0] == 200
    except OSError:  # not listening yet
        return False


def test_a_killed_worker_is_restarted_and_counted(service) -> None:
    """SIGKILL a worker: `run` restarts it and counts the restart; the dead process's counts
    stay in the sums, and it no longer counts as a live process."""
    base, client = service["base"], service["client"]
    before = scrape(base)
    [name] = client.zrange(KEYS.workers, 0, -1)
    killed = int(name.decode().rsplit(":", 1)[1])
    os.kill(killed, signal.SIGKILL)

    def restarted() -> bool:
        live = Liveness(client, KEYS, 10).alive()
        return bool({int(n.rsplit(":", 1)[1]) for n in live} - {killed})

    wait_until("a new worker to be live", restarted, timeout=180)
    after = scrape(base)
    assert value(after, "newsflow_worker_restarts_total", cause="signal") == 1
    assert value(after, "newsflow_processes", role="worker") == 1
    for status in ("unique", "duplicate"):
        kept = value(after, "newsflow_articles_published_total", status=status)
        assert kept == value(before, "newsflow_articles_published_total", status=status)


def test_readyz_follows_redis_away_and_back(service) -> None:
    """Redis stopped: /readyz 503 with the reason, /healthz still 200, /metrics still
    answers (newsflow_redis_up 0); Redis started again: /readyz 200 again."""
    base = service["base"]
    wait_until("run to be ready", lambda: get(base + "/readyz")[0] == 200, timeout=180)
    service["redis"].stop()
    try:
        status, body = get(base + "/readyz")
        assert status == 503
        assert json.loads(body)["reason"].startswith("Redis does not answer")
        assert get(base + "/healthz")[0] == 200
        assert value(scrape(base), "newsflow_redis_up") == 0
    finally:
        service["redis"].start()
    wait_until("run to be ready again", lambda: get(base + "/readyz")[0] == 200, timeout=120)
