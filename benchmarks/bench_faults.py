"""The long fault-injection run: thousands of inputs while workers, the watcher, the poller and
Redis are killed; how many inputs were lost or doubled, and how long recovery took.

usage: python benchmarks/bench_faults.py [--inputs N] [--kill-every-min S] [--kill-every-max S]
                                         [--kill-tail-seconds S] [--workers N] [--threads N]
                                         [--batches N] [--batch-seconds S] [--feeds N]
                                         [--completion-seconds S] [--stall-seconds S]
                                         [--seed N] [--keep] [--json PATH]

The same harness as tests/faults/test_faults.py (tests/faults/harness.py), at a larger size:
its own redis-server (unix socket in a temporary folder, --port 0, append-only; never a Redis
that is already running), the Procfile's roles as processes (`python -m workers.worker`,
`workers.watcher`, `workers.rss_poller`), invented inputs (inbox .txt and .html files, .urls
lists and RSS items of pages served on 127.0.0.1) dropped in batches, and meanwhile: a random
worker SIGKILLed every uniform(--kill-every-min, --kill-every-max) seconds and restarted at
once (from the first batch until --kill-tail-seconds after the last), the watcher and the
poller SIGKILLed once each and restarted, Redis restarted once with SHUTDOWN and once with
SIGKILL (the AOF replays).

With the defaults: 10,000 inputs in 100 batches 6 s apart (10 minutes of feeding) and a kill
every 1 to 3 s, so several hundred worker kills. Reports, as a table and with --json: inputs,
kills, Redis restarts, roles that exited on their own, lost, doubled, dead and unexpected ids,
the dedup statuses, and the recovery time (last fault -> last input ended). A lost input is
listed with where it is stuck. A benchmark: it reports, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.harness import FaultPlan, FaultRun, Result


def main() -> None:
    parser = _parser()
    args = parser.parse_args()
    if args.kill_every_min > args.kill_every_max:
        parser.error("--kill-every-min is over --kill-every-max")
    plan = _plan(args)
    folder = Path(tempfile.mkdtemp(prefix="nf-faults-"))
    print(
        f"{plan.inputs} inputs in {plan.batches} batches {plan.batch_seconds:g} s apart, "
        f"{plan.workers} workers x {plan.threads} threads, a worker killed every "
        f"{plan.kill_every[0]:g}-{plan.kill_every[1]:g} s; folder {folder}",
        flush=True,
    )
    started = time.monotonic()
    run = FaultRun(plan, folder, progress=lambda line: print(line, flush=True))
    try:
        result = run.run()
    except BaseException:
        print(f"the run failed; its logs are in {folder}", file=sys.stderr)
        raise
    run.attach_logs(result)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    _print(result)
    if args.json:
        figures = {**result.to_json(), "wall_seconds": time.monotonic() - started}
        args.json.write_text(json.dumps(figures, indent=2))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--kill-every-min", type=float, default=1.0, metavar="S")
    parser.add_argument("--kill-every-max", type=float, default=3.0, metavar="S")
    parser.add_argument("--kill-tail-seconds", type=float, default=60.0, metavar="S")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch-seconds", type=float, default=6.0, metavar="S")
    parser.add_argument("--feeds", type=int, default=4)
    parser.add_argument("--completion-seconds", type=float, default=7200.0, metavar="S")
    parser.add_argument("--stall-seconds", type=float, default=300.0, metavar="S")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    parser.add_argument("--json", type=Path, metavar="PATH")
    return parser


def _plan(args: argparse.Namespace) -> FaultPlan:
    return FaultPlan(
        inputs=args.inputs,
        batches=args.batches,
        batch_seconds=args.batch_seconds,
        workers=args.workers,
        threads=args.threads,
        feeds=args.feeds,
        kill_every=(args.kill_every_min, args.kill_every_max),
        kill_tail_seconds=args.kill_tail_seconds,
        completion_seconds=args.completion_seconds,
        stall_seconds=args.stall_seconds,
        seed=args.seed,
    )


def _print(result: Result) -> None:
    print()
    print(result.table())
    print()
    # The report opens with the one-line summary.
    print(result.summary() if result.ok else result.report())


if __name__ == "__main__":
    main()
