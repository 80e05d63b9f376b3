"""Benchmark the feed poller against a loopback HTTP server: items/s, and what a poll of
100 feeds costs.

usage: python benchmarks/bench_poller.py [--items N] [--feeds N] [--per-feed N]
                                         [--threads N] [--json PATH]

Everything runs on this machine: a private embedded redis-server (unix socket in a
temporary folder, never the machine's own Redis) and an HTTP server on 127.0.0.1 with
an ephemeral port (tests/workers/http_server.py). Feeds are generated here (invented
titles, links to the loopback server), plus the 22 real feeds of shared/eval/feeds read
in place. No worker runs: the figures are the poller's own (fetch, parse, seen-set
lookups, enqueueing), not extraction's. Measured per round: wall seconds, CPU seconds
of this process, HTTP requests and Redis commands.

1. One feed of --items items: a first poll (every item new) and a second (all known).
   Also feedparser alone on the same bytes, to show where the time goes.
2. --feeds feeds of --per-feed items each, polled as `newsflow run` does (due feeds,
   --threads at once): the first round (all new), a conditional round (all 304), and
   a round without validators (200s whose items are all known).
3. The 22 real feeds, once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHARED = Path(__file__).resolve().parents[2] / "shared"
FEEDS_DIR = SHARED / "eval" / "feeds"
PREFIX = "nfbench"


@dataclass(slots=True)
class Round:
    name: str
    feeds: int
    items: int  #: items in the documents fetched
    new: int
    seconds: float
    cpu_seconds: float
    requests: int
    redis_commands: int

    def line(self) -> str:
        per_item = f"{self.items / self.seconds:9,.0f} items/s" if self.items else " " * 17
        return (
            f"{self.name:34} {self.feeds:4} feeds {self.items:6} items {self.new:6} new "
            f"{self.seconds:7.3f} s  {1000 * self.seconds / self.feeds:7.1f} ms/feed  {per_item}  "
            f"cpu {self.cpu_seconds:6.2f} s  {self.requests:4} requests  "
            f"{self.redis_commands / self.feeds:7.1f} redis cmds/feed"
        )


def rss(title: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{title} item {n}</title><link>{link}?utm_source=rss</link>"
        f"<guid>{link}</guid>"
        f"<pubDate>Mon, 23 Nov 2026 08:{n % 60:02d}:00 +0000</pubDate>"
        f"<description>Invented summary of item {n} of {title}.</description></item>"
        for n, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://bench.example/</link>{items}</channel></rss>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--per-feed", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from workers.runtime.embedded import EmbeddedRedis

    home = Path(tempfile.mkdtemp(prefix="nf-bench-poller-"))
    server = EmbeddedRedis(home)
    server.start()
    os.environ.update(
        NEWSFLOW_REDIS_URL=server.url, NEWSFLOW_PREFIX=PREFIX, NEWSFLOW_LOG_LEVEL="WARNING"
    )
    try:
        rounds = run_all(args)
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rounds], indent=2))


def run_all(args: argparse.Namespace) -> list[Round]:
    import structlog

    from tests.workers.http_server import loopback_server
    from workers.runtime.broker import broker

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))  # warnings only
    client = broker.client
    client.flushdb()
    rounds: list[Round] = []
    with loopback_server() as http:
        rounds += big_feed(client, http, args)
        client.flushdb()
        rounds += many_feeds(client, http, args)
        client.flushdb()
        rounds += real_feeds(client, http, args)
        client.flushdb()
    return rounds


def poller_for(client, threads: int):  # type: ignore[no-untyped-def]
    from workers.inputs.intake import Intake
    from workers.inputs.poller import Poller
    from workers.keys import Keys
    from workers.services import process_services
    from workers.stages.chain import start
    from workers.state.feeds import FeedRegistry
    from workers.web.address_guard import AllowList
    from workers.web.fetch import Fetcher
    from workers.web.host_gate import HostGate
    from workers.web.policy import FetchPolicy

    keys = Keys(PREFIX)
    # One host (127.0.0.1) serves every feed here, so the per-host delay is off and the
    # per-host limit is the thread count; on the open web feeds spread over many hosts.
    policy = FetchPolicy(
        allow=AllowList.parse("127.0.0.1"), host_delay=0.0, host_concurrency=threads
    )
    fetcher = Fetcher(policy, HostGate(client, keys, policy), client, keys)
    intake = Intake(client, keys, process_services().outcomes, 10_000_000, start)
    return Poller(client, keys, FeedRegistry(client, keys, 900), fetcher, intake, threads)


def timed_round(name: str, client, http, poller) -> Round:  # type: ignore[no-untyped-def]
    feeds_key = poller.registry._keys.feeds
    client.zadd(feeds_key, dict.fromkeys(client.zrange(feeds_key, 0, -1), 0))  # all due now
    calls_before, requests_before = redis_calls(client), len(http.requests)
    cpu_before, start = cpu_seconds(), time.perf_counter()
    results = []
    while polled := poller.poll_due():  # as the poller's loop does: due feeds in batches
        results += polled
    seconds = time.perf_counter() - start
    failed = [r for r in results if r.error]
    if failed:
        raise SystemExit(f"{name}: {len(failed)} polls failed, e.g. {failed[0]}")
    return Round(
        name=name,
        feeds=len(results),
        items=sum(r.items for r in results),
        new=sum(r.new_items for r in results),
        seconds=seconds,
        cpu_seconds=cpu_seconds() - cpu_before,
        requests=len(http.requests) - requests_before,
        redis_commands=redis_calls(client) - calls_before,
    )


def big_feed(client, http, args) -> list[Round]:  # type: ignore[no-untyped-def]
    from pipelines.feeds import parse_feed

    body = rss("Bulk", [http.url(f"/bulk/{n}") for n in range(args.items)])
    url = http.route("/bulk.xml", body=body, content_type="application/rss+xml")
    start = time.perf_counter()
    parse_feed(body, url)
    parse_seconds = time.perf_counter() - start
    print(
        f"one feed of {args.items} items, {len(body) / 1e6:.1f} MB; parse_feed alone: "
        f"{parse_seconds:.2f} s = {args.items / parse_seconds:,.0f} items/s"
    )
    poller = poller_for(client, args.threads)
    poller.registry.add(url)
    rounds = [
        timed_round("big feed, first poll (all new)", client, http, poller),
        timed_round("big feed, second poll (all known)", client, http, poller),
    ]
    for r in rounds:
        print(r.line())
    return rounds


def many_feeds(client, http, args) -> list[Round]:  # type: ignore[no-untyped-def]
    poller = poller_for(client, args.threads)
    for f in range(args.feeds):
        links = [http.url(f"/site{f}/story{n}") for n in range(args.per_feed)]
        poller.registry.add(
            http.route(
                f"/feeds/{f}.xml",
                body=rss(f"Feed {f}", links),
                content_type="application/rss+xml",
                etag=f'"{f}-v1"',
            )
        )
    rounds = [
        timed_round(f"{args.feeds} feeds, first poll", client, http, poller),
        timed_round(f"{args.feeds} feeds, conditional (304)", client, http, poller),
    ]
    for f in range(args.feeds):
        http.routes[f"/feeds/{f}.xml"].etag = None  # servers without validators: full 200s
    rounds.append(timed_round(f"{args.feeds} feeds, 200 but nothing new", client, http, poller))
    for r in rounds:
        print(r.line())
    return rounds


def real_feeds(client, http, args) -> list[Round]:  # type: ignore[no-untyped-def]
    paths = sorted(p for p in FEEDS_DIR.iterdir() if p.suffix in (".xml", ".json"))
    poller = poller_for(client, args.threads)
    for p in paths:
        kind = "application/json" if p.suffix == ".json" else "application/xml"
        poller.registry.add(http.route(f"/real/{p.name}", body=p.read_bytes(), content_type=kind))
    result = timed_round(f"{len(paths)} real feeds (eval corpus)", client, http, poller)
    print(result.line())
    return [result]


def redis_calls(client) -> int:  # type: ignore[no-untyped-def]
    stats = client.info("commandstats")
    return sum(v["calls"] for v in stats.values())


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
