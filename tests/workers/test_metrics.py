"""The metrics one process counts, on the session's Redis and real HTTP on loopback: outcomes
counted once per stream entry, each dead reason the code writes in its class, fetches by
status class, feed polls by outcome; the gauges read from Redis; readiness; the probe server.

Counters are read from this process's registry before and after, so each test asserts by
how much they moved.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import orjson
import pytest
import redis
from dramatiq.middleware import TimeLimitExceeded
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from redis.backoff import NoBackoff
from redis.retry import Retry

from pipelines.article import Article, Dedup, Rejected, Source
from pipelines.urls import canonical_url
from tests.workers.feed_helpers import rss
from tests.workers.http_server import LoopbackServer, confine_to_loopback, loopback_server
from workers.inputs.read import InputReader, read_file, too_large
from workers.keys import Keys
from workers.runtime import metrics
from workers.runtime.probes import Heartbeat, Probes, serve
from workers.runtime.readiness import Readiness
from workers.runtime.redis_gauges import RedisGauges
from workers.state.feeds import FeedRegistry
from workers.state.liveness import Liveness
from workers.web.address_guard import AllowList
from workers.web.fetch import Fetcher
from workers.web.host_gate import HostGate
from workers.web.policy import FetchPolicy

KEYS = Keys("nftest")
QUEUES = ("extract", "entities")


def count(name: str, **labels: str) -> float:
    """A sample of this process's registry; 0 when never counted."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def server(monkeypatch) -> Iterator[LoopbackServer]:
    confine_to_loopback(monkeypatch)
    with loopback_server() as running:
        yield running


def _fetcher(redis_client: redis.Redis) -> Fetcher:
    policy = FetchPolicy(allow=AllowList.parse("127.0.0.1"), host_delay=0.0, read_timeout=2.0)
    return Fetcher(policy, HostGate(redis_client, KEYS, policy), None, KEYS)


# --- outcomes -------------------------------------------------------------------------------


def test_an_outcome_is_counted_once_however_often_it_is_written(services) -> None:
    """A replayed publish or bury adds no entry, and no count either."""
    article = Article(
        id="00000000000000c1", source=Source(type="file"), text="x", dedup=Dedup("duplicate")
    )
    published = count("newsflow_articles_published_total", status="duplicate")
    refused = count("newsflow_inputs_refused_total", source="url")
    dead = count("newsflow_dead_total", stage="intake", reason="invalid")
    for _ in range(2):
        services.outcomes.publish(article)
        services.outcomes.bury(
            "00000000000000c2", "intake", "not a valid URL: 'x'", Source(type="url"), 1
        )
    assert count("newsflow_articles_published_total", status="duplicate") == published + 1
    assert count("newsflow_inputs_refused_total", source="url") == refused + 1
    assert count("newsflow_dead_total", stage="intake", reason="invalid") == dead + 1


def _reason(client: redis.Redis) -> str:
    """The reason of the newest dead entry."""
    [(_, fields)] = client.xrevrange(KEYS.dead, count=1)
    return str(fields[b"error"].decode())


def _rejection(make) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Rejected) as caught:
        make()
    return str(caught.value.reason)


def test_every_reason_the_code_writes_falls_in_its_class(
    services, redis_client, server, tmp_path
) -> None:
    """Reasons made by the code paths that write them, each in the class it belongs to."""
    from workers.stages.base import load_or_bury, run_stage
    from workers.stages.bury import bury_exhausted, bury_poison

    def too_slow() -> Article:
        raise TimeLimitExceeded()

    run_stage("00000000000000d1", "entities", Source(type="file"), too_slow)
    slow = _reason(redis_client)
    load_or_bury("00000000000000d2", "dedup")  # no work key and no outcome: expired
    expired = _reason(redis_client)
    failed = {"args": ["00000000000000d3", {"type": "file", "path": "/x.txt"}, "t"]}
    failed |= {"actor_name": "extract", "options": {"traceback": "Traceback\nOSError: disk"}}
    bury_exhausted(failed, {"retries": 3})
    exhausted = _reason(redis_client)
    killer = ("00000000000000d4", {"type": "file", "path": "/y.txt"}, "t")
    message = dramatiq.Message(
        queue_name="extract", actor_name="extract", args=killer, kwargs={}, options={}
    )
    bury_poison(message, 3)
    poison = _reason(redis_client)
    server.route("/gone", status=404, body=b"gone")
    robots_txt = b"User-agent: *\nDisallow: /private"
    server.route("/robots.txt", body=robots_txt, content_type="text/plain")
    fetcher = _fetcher(redis_client)
    robots = Fetcher(fetcher.policy, None, redis_client, KEYS)
    reader = InputReader(1000, lambda: fetcher)
    expected = {
        slow: "too_slow",
        expired: "unreadable",
        exhausted: "exhausted",
        poison: "poison",
        too_large(2_000_000, 1_000_000): "too_large",
        _rejection(lambda: read_file(tmp_path / "missing.txt", 1000)): "unreadable",
        _rejection(lambda: canonical_url("ftp://example.org/a")): "invalid",
        _rejection(lambda: canonical_url("http://[::1/a")): "invalid",
        _rejection(lambda: fetcher.fetch_page(server.url("/gone"))): "http_4xx",
        _rejection(lambda: robots.fetch_page(server.url("/private/a"))): "refused",
        _rejection(lambda: reader.read(Source(type="file", path="/a.pdf"), "x")): "not_article",
    }
    classes = {reason: metrics.reason_class(reason) for reason in expected}
    assert classes == expected
    assert metrics.reason_class("could not be taken: KeyError: 'x'") == "other"


# --- fetches and polls ----------------------------------------------------------------------


def test_fetches_are_counted_by_status_class(redis_client, server) -> None:
    """A redirect and the page it leads to, a 404, and a request no server answers."""
    page = server.route("/page", body=b"<html><body><p>x</p></body></html>")
    moved = server.redirect("/moved", page)
    gone = server.route("/gone", status=404)
    fetcher = _fetcher(redis_client)
    before = {c: count("newsflow_fetches_total", status_class=c) for c in ("2xx", "3xx", "4xx")}
    errors = count("newsflow_fetches_total", status_class="error")
    fetcher.get(moved)
    with pytest.raises(Rejected):
        fetcher.get(gone)
    closed = server.base.rsplit(":", 1)[0] + ":9"  # discard: nothing listens there
    with pytest.raises(Exception, match="could not fetch"):
        fetcher.get(closed + "/x")
    after = {c: count("newsflow_fetches_total", status_class=c) for c in ("2xx", "3xx", "4xx")}
    assert {c: after[c] - before[c] for c in after} == {"2xx": 1, "3xx": 1, "4xx": 1}
    assert count("newsflow_fetches_total", status_class="error") == errors + 1


def test_feed_polls_are_counted_by_outcome(redis_client, intake, server) -> None:
    """A feed read, then not modified (304), then gone (a final 404)."""
    from workers.inputs.poller import Poller

    page = server.route("/a.html", body=b"<html><body><p>a</p></body></html>")
    document = rss("F", [("A", page, None)])
    feed = server.route("/feed.xml", body=document, etag='"v1"', content_type="text/xml")
    registry = FeedRegistry(redis_client, KEYS, 600)
    poller = Poller(redis_client, KEYS, registry, _fetcher(redis_client), intake, threads=2)
    outcomes = ("ok", "not_modified", "failed")
    before = [count("newsflow_feed_polls_total", outcome=o) for o in outcomes]
    taken = count("newsflow_inputs_taken_total", source="feed")
    registry.add(feed)
    for _ in outcomes:
        [result] = poller.poll_due()
        if result.status == "304":
            server.route("/feed.xml", status=404, body=b"gone")
        redis_client.zadd(KEYS.feeds, {canonical_url(feed): 0}, xx=True)  # due again
    after = [count("newsflow_feed_polls_total", outcome=o) for o in outcomes]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]
    assert count("newsflow_inputs_taken_total", source="feed") == taken + 1


# --- gauges from Redis ----------------------------------------------------------------------


def _samples(collector: RedisGauges) -> dict[tuple[str, tuple[str, ...]], float]:
    registry = CollectorRegistry()
    registry.register(collector)
    return {
        (s.name, tuple(s.labels.values())): s.value
        for family in registry.collect()
        for s in family.samples
    }


def test_redis_gauges_read_queues_streams_groups_workers_and_feeds(services, redis_client) -> None:
    """Two messages waiting in extract, a group one entry behind, one live worker."""
    for n in range(2):
        redis_client.rpush(KEYS.dramatiq_queue("extract"), f"m{n}")
        redis_client.hset(KEYS.dramatiq_messages("extract"), f"m{n}", b"{}")
    redis_client.xadd(KEYS.articles, {"id": "a"})
    redis_client.xgroup_create(KEYS.articles, "indexer", id="0")
    Liveness(redis_client, KEYS, 10).renew("box:1")
    services.feed_registry.add("http://feeds.example.org/a.xml")
    gauges = RedisGauges(redis_client, KEYS, QUEUES, 10, services.feed_registry, 5)
    samples = _samples(gauges)
    assert samples[("newsflow_redis_up", ())] == 1
    assert samples[("newsflow_queue_messages", ("extract", "queued"))] == 2
    assert samples[("newsflow_queue_messages", ("extract", "in_flight"))] == 0
    assert samples[("newsflow_queue_messages", ("entities", "queued"))] == 0
    assert samples[("newsflow_stream_length", (KEYS.articles,))] == 1
    assert samples[("newsflow_consumer_group_pending", (KEYS.articles, "indexer"))] == 0
    assert samples[("newsflow_workers_live", ())] == 1
    assert samples[("newsflow_feeds", ("ok",))] == 1
    if redis_client.info("server")["redis_version"] >= "7":
        assert samples[("newsflow_consumer_group_lag", (KEYS.articles, "indexer"))] == 1


def test_redis_gauges_say_redis_is_down_instead_of_failing(services, tmp_path) -> None:
    """A scrape while Redis is away answers, with newsflow_redis_up 0 and nothing else."""
    away = _nowhere(tmp_path)
    gauges = RedisGauges(away, KEYS, QUEUES, 10, FeedRegistry(away, KEYS, 600), 5)
    assert _samples(gauges) == {("newsflow_redis_up", ()): 0}


def _nowhere(tmp_path: Path) -> redis.Redis:
    """A client of a Redis that is not there, failing at once as the probes' client does."""
    return redis.Redis(unix_socket_path=str(tmp_path / "none.sock"), retry=Retry(NoBackoff(), 0))


# --- readiness ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_readiness_needs_a_live_worker_and_moving_queues(redis_client) -> None:
    """Not ready without a worker; ready with one; not ready once the same message has
    been first in extract's queue for the stall time; ready again once it moved."""
    clock = Clock()
    readiness = Readiness(redis_client, KEYS, QUEUES, 10, stall_seconds=120, clock=clock)
    assert (readiness.problem() or "").startswith("no live worker")
    Liveness(redis_client, KEYS, 10).renew("box:1")
    queue = KEYS.dramatiq_queue("extract")
    redis_client.rpush(queue, "first", "second")
    assert readiness.problem() is None
    clock.now += 119
    assert readiness.problem() is None
    clock.now += 1
    assert (readiness.problem() or "").startswith("queue extract has not moved for 120 s")
    redis_client.lpop(queue)
    assert readiness.problem() is None


def test_readiness_says_redis_does_not_answer(tmp_path) -> None:
    away = _nowhere(tmp_path)
    problem = Readiness(away, KEYS, QUEUES, 10, 120).problem() or ""
    assert problem.startswith("Redis does not answer")


# --- the probe server -----------------------------------------------------------------------


def _get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_probe_server_answers_metrics_health_and_readiness(redis_client) -> None:
    """/metrics in Prometheus's text format; /healthz 503 once the loop stopped coming
    round, with the reason; /readyz with readiness's reason; 404 elsewhere."""
    clock = Clock()
    heartbeat = Heartbeat(clock)
    registry = CollectorRegistry()
    feeds = FeedRegistry(redis_client, KEYS, 600)
    registry.register(RedisGauges(redis_client, KEYS, QUEUES, 10, feeds, 5))
    readiness = Readiness(redis_client, KEYS, QUEUES, 10, 120)
    server = serve(Probes(registry, heartbeat, readiness, lambda: False), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, body = _get(base + "/metrics")
        names = {f.name for f in text_string_to_metric_families(body.decode())}
        assert status == 200 and {"newsflow_redis_up", "newsflow_queue_messages"} <= names
        assert _get(base + "/healthz") == (200, b'{"status":"ok"}\n')
        clock.now += 601
        status, body = _get(base + "/healthz")
        assert status == 503
        assert orjson.loads(body)["reason"].startswith("the main loop has not come round")
        status, body = _get(base + "/readyz")
        assert (status, orjson.loads(body)["reason"][:14]) == (503, "no live worker")
        Liveness(redis_client, KEYS, 10).renew("box:1")
        assert _get(base + "/readyz") == (200, b'{"status":"ready"}\n')
        assert _get(base + "/other")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_a_taken_port_is_one_line_and_exit_status_2(redis_client, capsys) -> None:
    """A second server on a port in use exits 2 saying which setting to change."""
    readiness = Readiness(redis_client, KEYS, QUEUES, 10, 120)
    probes = Probes(CollectorRegistry(), Heartbeat(), readiness, lambda: False)
    first = serve(probes, "127.0.0.1", 0)
    try:
        with pytest.raises(SystemExit) as exited:
            serve(probes, "127.0.0.1", first.server_address[1])
        assert exited.value.code == 2
        [line] = capsys.readouterr().err.splitlines()
        assert "NEWSFLOW_METRICS_PORT" in line
    finally:
        first.shutdown()
        first.server_close()


def test_multiprocess_folder_is_emptied_at_start(tmp_path, monkeypatch) -> None:
    """`run`'s metric files start empty: a previous run's counts are not this one's."""
    from prometheus_client import values

    # Both restored after the test: this process's counts stay in its own memory.
    monkeypatch.setattr(values, "ValueClass", values.ValueClass)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    stale = tmp_path / metrics.MULTIPROCESS_FOLDER / "counter_1.db"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    folder = metrics.start_multiprocess(tmp_path)
    assert folder == tmp_path / metrics.MULTIPROCESS_FOLDER
    assert list(folder.iterdir()) == []
    assert Path(str(metrics.multiprocess_folder())) == folder
