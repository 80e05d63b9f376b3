"""Latency from a file dropped in the inbox of an idle `newsflow run` to its entry on
`articles`, and the Redis commands an idle service costs, with wake-ups on and off.

usage: python benchmarks/bench_latency.py [--drops N] [--settle 1.0 0.2] [--gap S]
                                          [--idle S] [--json PATH]

Everything runs on this machine: a private embedded redis-server (unix socket in a
temporary folder, never the machine's own Redis) and, per configuration (settle time x
NEWSFLOW_WAKEUPS false, then true), a real `newsflow run` (1 worker process, 2 threads)
on it with its inbox in that folder. After one warm-up article (the spaCy model loads),
the service is left idle for ``--idle`` seconds and Redis's `total_commands_processed`
is read before and after (this script's own INFO calls taken off). Then ``--drops``
articles are dropped one at a time, ``--gap`` seconds apart so the service is idle at
each drop: half written under a temporary name outside the inbox and renamed in, half
written in place and closed. Each article is a seed text of shared/seeds (read in
place) under a unique first line. The latency runs from the rename or the close to the
moment the entry is read from `articles` (XREAD BLOCK, no polling). Prints p50/p90/p99
and the minimum per configuration and drop kind, and the idle commands per second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import redis

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS_DIR = SHARED / "seeds"
PREFIX = "nfbench"
ARTICLES = f"{PREFIX}:articles"
#: How long one article may take before the run is given up (seconds).
ARTICLE_TIMEOUT = 60.0


@dataclass(slots=True)
class Run:
    settle: float
    wakeups: bool
    idle_commands_per_second: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drops", type=int, default=24, help="articles per configuration")
    parser.add_argument("--settle", type=float, nargs="+", default=[1.0, 0.2])
    parser.add_argument("--gap", type=float, default=2.0, help="idle seconds between drops")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle counting")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    if not seeds:
        print(f"no seed texts in {SEEDS_DIR}: run from a clone with ../shared beside it")
        return 2

    from workers.runtime.embedded import EmbeddedRedis  # stdlib only: builds no broker

    workdir = Path(tempfile.mkdtemp(prefix="nfl"))  # short: the Redis socket lives in it
    server = EmbeddedRedis(workdir / "redis")
    server.start()
    runs = []
    try:
        client = redis.Redis.from_url(server.url)
        for settle in args.settle:
            for wakeups in (False, True):
                client.flushdb()
                run = Run(settle, wakeups)
                measure(run, server.url, client, workdir, seeds, args)
                runs.append(run)
                show(run)
        client.close()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([asdict(run) for run in runs], indent=2))
    return 0


def measure(
    run: Run,
    url: str,
    client: redis.Redis,
    workdir: Path,
    seeds: list[Path],
    args: argparse.Namespace,
) -> None:
    name = f"settle{run.settle}-{'wake' if run.wakeups else 'poll'}"
    inbox, drafts = workdir / name / "inbox", workdir / name / "drafts"
    inbox.mkdir(parents=True)
    drafts.mkdir()
    env = {
        **os.environ,
        "NEWSFLOW_REDIS_URL": url,
        "NEWSFLOW_PREFIX": PREFIX,
        "NEWSFLOW_HOME": str(workdir / name / "home"),
        "NEWSFLOW_SETTLE_SECONDS": str(run.settle),
        "NEWSFLOW_WAKEUPS": "true" if run.wakeups else "false",
        "NEWSFLOW_LOG_LEVEL": "WARNING",
    }
    # One worker process, as the figures in benchmarks/README.md were taken (run's default
    # is one per core, which doubles the idle commands on two cores).
    inbox_args = ["--inbox", str(inbox), "--threads", "2", "--processes", "1"]
    command = [sys.executable, "-m", "workers", "run", *inbox_args]
    service = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        last = "0-0"
        texts = iter(range(10**6))
        last = drop(inbox, drafts, seeds, next(texts), renamed=True, client=client, last=last)[1]
        time.sleep(args.gap)
        run.idle_commands_per_second = idle_commands(client, args.idle)
        for index in range(args.drops):
            kind = "renamed" if index % 2 == 0 else "written"
            latency, last = drop(
                inbox,
                drafts,
                seeds,
                next(texts),
                renamed=kind == "renamed",
                client=client,
                last=last,
            )
            run.latencies.setdefault(kind, []).append(latency)
            time.sleep(args.gap)
    finally:
        service.send_signal(signal.SIGINT)
        try:
            service.wait(90)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()


def drop(
    inbox: Path,
    drafts: Path,
    seeds: list[Path],
    number: int,
    *,
    renamed: bool,
    client: redis.Redis,
    last: str,
) -> tuple[float, str]:
    """Drop one article; the seconds until its entry is on `articles`, and that entry's id."""
    seed = seeds[number % len(seeds)]
    text = f"Latency report {number}\n\n{seed.read_text(encoding='utf-8')}"
    name = f"article-{number:04d}.txt"
    if renamed:
        draft = drafts / name
        draft.write_text(text, encoding="utf-8")
        draft.rename(inbox / name)
    else:
        with (inbox / name).open("w", encoding="utf-8") as handle:
            handle.write(text)
    dropped = time.perf_counter()
    answer = None
    while not answer:  # blocks of 1 s: redis-py's socket timeout is 5 s
        if time.perf_counter() - dropped > ARTICLE_TIMEOUT:
            raise SystemExit(f"{name} never reached {ARTICLES}: see the service's log above")
        answer = client.xread({ARTICLES: last}, count=1, block=1000)
    arrived = time.perf_counter()
    [(_stream, [(entry_id, _fields)])] = answer
    return arrived - dropped, entry_id.decode()


def idle_commands(client: redis.Redis, seconds: float) -> float:
    """Commands per second Redis processed while the service sat idle, ours taken off."""
    before = client.info("stats")["total_commands_processed"]
    time.sleep(seconds)
    after = client.info("stats")["total_commands_processed"]
    return (after - before - 1) / seconds  # the first INFO is counted, the second not yet


def show(run: Run) -> None:
    behaviour = "wake-ups" if run.wakeups else "polling (NEWSFLOW_WAKEUPS=false)"
    print(f"settle {run.settle} s, {behaviour}: idle {run.idle_commands_per_second:.1f} cmd/s")
    for kind, values in run.latencies.items():
        figures = ", ".join(
            f"{label} {percentile(values, share) * 1000:.0f} ms"
            for label, share in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))
        )
        print(
            f"  {kind:8} n={len(values):3}  {figures}, min {min(values) * 1000:.0f} ms"
            f", mean {statistics.fmean(values) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    raise SystemExit(main())
