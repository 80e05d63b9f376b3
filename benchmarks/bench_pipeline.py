"""Benchmark the whole pipeline through Redis, with 1 and 2 worker processes, against in-process.

usage: python benchmarks/bench_pipeline.py [--threads N] [--processes 1 2] [--limit N]
                                           [--timeout S] [--json PATH]

Inputs: the 181 pages of shared/eval/extraction (*.html) and the 5 seeds of shared/seeds
(*.txt), read in place and copied to a temporary folder per run, never into the project.

- in-process: in this process, for each input, the pure steps in sequence
  (``extract`` -> ``EntityRecognizer()`` -> dedup signature, exact fingerprint and bands;
  no Redis), the model loaded and one warm-up document run before timing;
- through Redis: a private embedded redis-server (unix socket in a temporary folder, never
  the machine's own Redis), ``start_workers(processes, threads, url)`` as `newsflow run`
  does, warm-up documents until every worker process has loaded the spaCy model, then
  every input queued with ``Intake.offer_file`` and timed until as many entries reached
  ``articles`` + ``dead``. The database is flushed between configurations, so each run
  sees new inputs and an empty dedup index.

NER alone, batched and not, is ``bench_ner_batching.py``.

Rejected inputs count as processed in every configuration (they end in `dead`). Prints
docs/s and the ratio to in-process, the dead count of each run, the CPU seconds spent by
the workers, Redis (and its share) and this process during the timed window (how many
cores were busy), and the peak RSS of a worker process (sampled every 0.2 s).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pipeline_workers import (
    Pipeline,
    RssSampler,
    await_ready,
    cpu_seconds,
    cpu_watched,
    outcome_counts,
    print_log_tail,
    stderr_to,
    warm_up,
    write_warmups,
)
from pipelines.article import Rejected
from pipelines.dedup.minhash import DedupConfig, band_hashes, exact_fingerprint, signature
from pipelines.extract.extractor import extract, kind_of

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL_DIR = SHARED / "eval" / "extraction"
SEEDS_DIR = SHARED / "seeds"


@dataclass(slots=True)
class Result:
    name: str
    processes: int  #: 1 for in-process
    docs: int = 0
    seconds: float = 0.0
    dead: int = 0  #: rejected in-process; entries in `dead` through Redis
    statuses: dict[str, int] = field(default_factory=dict)  #: dedup status of published ones
    cpu_seconds: dict[str, float] = field(default_factory=dict)  #: during the timed window
    peak_rss_mb: float | None = None  #: the largest worker process (this process in-process)
    step_seconds: dict[str, float] = field(default_factory=dict)  #: in-process only

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else float("nan")


def load_inputs(limit: int | None) -> list[Path]:
    """The seeds, then the eval pages, each in name order; the first ``limit`` of them."""
    inputs = sorted(SEEDS_DIR.glob("*.txt")) + sorted(EVAL_DIR.glob("*.html"))
    return inputs[:limit]


def copy_inputs(inputs: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    return [Path(shutil.copy2(path, folder / path.name)) for path in inputs]


# --- in-process ------------------------------------------------------------------------


def in_process(inputs: list[Path], workdir: Path) -> Result:
    from pipelines.entities.recognizer import EntityRecognizer

    recognizer = EntityRecognizer()
    config = DedupConfig()
    steps = dict.fromkeys(("extract", "entities", "dedup"), 0.0)

    def one(data: bytes, kind: str) -> bool:
        """Run the steps on one input, adding each one's time to `steps`; False if rejected."""
        started = time.perf_counter()
        try:
            found = extract(data, kind, url=None)
        except Rejected:
            steps["extract"] += time.perf_counter() - started
            return False
        extracted = time.perf_counter()
        recognizer(found.text, found.title, found.language)
        recognized = time.perf_counter()
        sig = signature(found.text, config)
        exact_fingerprint(found.text)
        band_hashes(sig, config)
        done = time.perf_counter()
        steps["extract"] += extracted - started
        steps["entities"] += recognized - extracted
        steps["dedup"] += done - recognized
        return True

    for warmup in write_warmups(workdir / "warmup-in-process", 0, 1):
        one(warmup.read_bytes(), "text")
    steps = dict.fromkeys(steps, 0.0)
    loaded = [(path.read_bytes(), kind_of(path.name) or "unknown") for path in inputs]
    result = Result("in-process (1 process)", processes=1, docs=len(loaded))
    cpu, started = time.process_time(), time.perf_counter()
    result.dead = sum(not one(data, kind) for data, kind in loaded)
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = {"this process": time.process_time() - cpu}
    result.step_seconds = steps
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# --- through Redis ---------------------------------------------------------------------


def through_redis(
    pipeline: Pipeline,
    inputs: list[Path],
    processes: int,
    threads: int,
    workdir: Path,
    timeout: float,
) -> Result:
    from workers.runtime.supervisor import start_workers, stop_workers

    pipeline.client.flushall()
    run_dir = workdir / f"redis-{processes}"
    copies = copy_inputs(inputs, run_dir / "inputs")
    plural = "es" if processes > 1 else ""
    result = Result(f"redis, {processes} worker process{plural}", processes, docs=len(copies))
    with stderr_to(run_dir / "workers.log"):
        children = start_workers(processes, threads, pipeline.url)
    try:
        await_ready(pipeline, children, timeout=120)
        warm_up(pipeline, children, threads, run_dir / "warmup", timeout)
        sampler = RssSampler([c.pid for c in children])
        sampler.start()
        watched = cpu_watched(children, pipeline)
        before, base = cpu_seconds(watched), pipeline.finished()
        started = time.perf_counter()
        ids = pipeline.offer(copies)
        pipeline.wait(base + len(ids), timeout, children)
        result.seconds = time.perf_counter() - started
        after = cpu_seconds(watched)
        sampler.stop()
        result.cpu_seconds = {name: after[name] - before[name] for name in before}
        result.peak_rss_mb = max(sampler.peaks.values()) / 2**20
        result.dead, result.statuses = outcome_counts(pipeline, ids)
    except BaseException:
        print_log_tail(run_dir / "workers.log")
        raise
    finally:
        stop_workers(children)
    return result


# --- report ----------------------------------------------------------------------------


def report(results: list[Result], threads: int) -> dict:
    base = results[0]
    cpus, usable = os.cpu_count(), len(os.sched_getaffinity(0))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\n{base.docs} inputs; {cpus} CPUs ({usable} usable); {threads} threads per worker"
        f" process; load average {load}"
    )
    print(
        f"{'configuration':<36}{'docs':>5}{'seconds':>9}{'docs/s':>8}{'vs in-process':>15}"
        f"{'dead':>6}{'CPU s':>8}{'cores busy':>12}{'peak RSS':>10}"
    )
    for r in results:
        cpu = sum(r.cpu_seconds.values())
        rss = f"{r.peak_rss_mb:.0f} MB" if r.peak_rss_mb is not None else "-"
        print(
            f"{r.name:<36}{r.docs:>5}{r.seconds:>9.1f}{r.docs_per_s:>8.2f}"
            f"{r.docs_per_s / base.docs_per_s:>14.2f}x{r.dead:>6}{cpu:>8.1f}"
            f"{cpu / r.seconds:>12.2f}{rss:>10}"
        )
    total = sum(base.step_seconds.values())
    shares = ", ".join(f"{k} {v / total:.0%}" for k, v in base.step_seconds.items())
    print(f"\nin-process time by step: {shares}")
    for r in results[1:]:
        cpu = ", ".join(f"{k} {v:.1f} s" for k, v in r.cpu_seconds.items())
        share = r.cpu_seconds.get("redis-server", 0.0) / (sum(r.cpu_seconds.values()) or 1)
        print(
            f"{r.name}: CPU {cpu} (Redis {share:.1%} of it); published by dedup status {r.statuses}"
        )
    print("(peak RSS: of the largest worker process; in-process: of this process, model included)")
    if len({r.dead for r in results}) > 1:
        print(
            "WARNING: the dead count differs between configurations: "
            + ", ".join(f"{r.name} {r.dead}" for r in results)
        )
    return {
        "inputs": base.docs,
        "cpu_count": cpus,
        "usable_cpus": usable,
        "threads": threads,
        "load_average": os.getloadavg(),
        "runs": [
            {
                **asdict(r),
                "docs_per_s": r.docs_per_s,
                "vs_in_process": r.docs_per_s / base.docs_per_s,
            }
            for r in results
        ],
    }


def _quiet_logs() -> None:
    """This process's own structlog lines (one per queued file) to stderr, warnings only."""
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    logging.basicConfig(level=logging.ERROR)  # trafilatura's per-page warnings


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the finally blocks stop workers and Redis


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="per worker process (default 2)")
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="worker process counts to run (default: 1 2)",
    )
    parser.add_argument("--limit", type=int, help="only the first N inputs")
    parser.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        help="seconds a run may take before it is abandoned (default 900)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)
    inputs = load_inputs(args.limit)
    if not inputs:
        parser.error(f"no inputs in {SEEDS_DIR} or {EVAL_DIR}")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _quiet_logs()
    from workers.runtime.embedded import EmbeddedRedis  # stdlib only: builds no broker

    workdir = Path(tempfile.mkdtemp(prefix="nfb"))  # short: the Redis socket lives in it
    server = EmbeddedRedis(workdir / "redis")
    try:
        print(f"in-process on {len(inputs)} inputs...", file=sys.stderr)
        results = [in_process(inputs, workdir)]
        server.start()
        redis_pid = int((server.home / "redis.pid").read_text().split()[0])
        pipeline = Pipeline(server.url, redis_pid)
        for processes in args.processes:
            print(
                f"through Redis, {processes} worker process(es) of {args.threads} threads...",
                file=sys.stderr,
            )
            results.append(
                through_redis(pipeline, inputs, processes, args.threads, workdir, args.timeout)
            )
        pipeline.client.close()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    summary = report(results, args.threads)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
