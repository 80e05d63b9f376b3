"""The workers' side of ``bench_pipeline.py``: the private Redis it runs on, as the
`workers` package sees it (broker, intake, streams), and the worker processes: awaited
until they send heartbeats, warmed up until each has loaded the spaCy model, their RSS
sampled and their CPU counted while the inputs go through, the outcomes tallied.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psutil

PREFIX = "nfbench"
POLL_SECONDS = 0.05
RSS_SAMPLE_SECONDS = 0.2
Children = list[subprocess.Popen[bytes]]
#: Rounds of warm-up documents before giving up on seeing every worker load the model.
WARMUP_ROUNDS = 10

#: A made-up article for warm-ups: English, with people and places, so that it goes
#: through NER; never one of the inputs, so the dedup index holds nothing of them.
WARMUP_TEXT = """Warm-up report number {n} from the benchmark desk

Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov in Geneva on \
Monday, officials in Washington said, as talks on the ceasefire entered a third week.

The two men spoke for nearly four hours at the Intercontinental Hotel, according to a \
spokesman for the State Department, who declined to give details of the discussion.

President Vladimir Putin said in Moscow that Russia was ready to continue the talks, \
while diplomats from France and Germany were expected to join them in Vienna on Friday.

Warm-up paragraph {n}: analysts at the International Crisis Group in Brussels said the \
meeting was the most serious attempt so far to end the fighting around Aleppo.
"""


def write_warmups(folder: Path, first: int, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(first, first + count):
        path = folder / f"warmup-{n:03d}.txt"
        path.write_text(WARMUP_TEXT.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


class Pipeline:
    """The `workers` side: broker, intake and streams of the benchmark's private Redis."""

    def __init__(self, redis_url: str, redis_pid: int) -> None:
        # The broker is built when workers.runtime.broker is first imported, from these variables.
        os.environ["NEWSFLOW_REDIS_URL"] = redis_url
        os.environ["NEWSFLOW_PREFIX"] = PREFIX
        from workers.runtime.broker import broker
        from workers.services import process_services
        from workers.settings import get_settings
        from workers.stages.chain import start

        settings = get_settings()
        if settings.redis_url != redis_url or settings.prefix != PREFIX:
            raise RuntimeError("workers.settings was read before the benchmark set its Redis")
        self.url = redis_url
        self.redis_pid = redis_pid
        self.broker = broker
        self.client = broker.client
        services = process_services()
        self.keys = services.keys
        self.outcomes = services.outcomes
        self.intake = services.intake(start)

    def finished(self) -> int:
        return self.client.xlen(self.keys.articles) + self.client.xlen(self.keys.dead)

    def worker_heartbeats(self) -> int:
        beats = self.client.zrange(self.keys.dramatiq_heartbeats, 0, -1)
        return sum(b.decode() != self.broker.broker_id for b in beats)

    def offer(self, paths: list[Path]) -> list[str]:
        offers = [self.intake.offer_file(path) for path in paths]
        refused = [o.article_id for o in offers if not o.queued]
        if refused:
            raise RuntimeError(f"{len(refused)} inputs were not queued (seen before?)")
        return [o.article_id for o in offers]

    def wait(self, target: int, timeout: float, children: Children) -> None:
        deadline = time.monotonic() + timeout
        while self.finished() < target:
            dead = [c.pid for c in children if c.poll() is not None]
            if dead:
                raise RuntimeError(f"worker process {dead} exited during the run")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.finished()} of {target} outcomes after {timeout:g}s")
            time.sleep(POLL_SECONDS)


class RssSampler(threading.Thread):
    """The peak RSS of each given process, sampled until stopped."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self._processes = [psutil.Process(pid) for pid in pids]
        self.peaks = dict.fromkeys(pids, 0)
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            for process in self._processes:
                with contextlib.suppress(psutil.Error):
                    rss = process.memory_info().rss
                    self.peaks[process.pid] = max(self.peaks[process.pid], rss)
            if self._done.wait(RSS_SAMPLE_SECONDS):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()


def await_ready(pipeline: Pipeline, children: Children, timeout: float) -> None:
    """Until every worker process sends dramatiq heartbeats."""
    deadline = time.monotonic() + timeout
    while pipeline.worker_heartbeats() < len(children):
        if any(c.poll() is not None for c in children):
            raise RuntimeError("a worker process exited while starting")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker processes sent no heartbeat in {timeout:g}s")
        time.sleep(POLL_SECONDS)


def warm_up(
    pipeline: Pipeline, children: Children, threads: int, folder: Path, timeout: float
) -> None:
    """Warm-up documents until every worker process has loaded the spaCy model.

    The model loads on a process's first entities message. Once every warm-up document
    is out no entities message is in flight, so a process that mapped spaCy's libraries
    has finished loading it.
    """
    batch = 2 * threads * len(children)
    for round_ in range(WARMUP_ROUNDS):
        base = pipeline.finished()
        pipeline.offer(write_warmups(folder, round_ * batch, batch))
        pipeline.wait(base + batch, timeout, children)
        if all(_has_spacy(c.pid) for c in children):
            return
    print(
        f"warning: not every worker loaded the model after {WARMUP_ROUNDS} warm-up rounds:"
        " model loading is in the timing",
        file=sys.stderr,
    )


def _has_spacy(pid: int) -> bool:
    try:
        return "/spacy/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return True  # no procfs: trust the warm-up round


def cpu_watched(children: Children, pipeline: Pipeline) -> dict[str, list[psutil.Process]]:
    return {
        "workers": [psutil.Process(c.pid) for c in children],
        "redis-server": [psutil.Process(pipeline.redis_pid)],
        "this process": [psutil.Process()],
    }


def cpu_seconds(watched: dict[str, list[psutil.Process]]) -> dict[str, float]:
    """User + system CPU seconds of each group of processes so far."""
    return {
        name: sum(t.user + t.system for t in (p.cpu_times() for p in processes))
        for name, processes in watched.items()
    }


def outcome_counts(pipeline: Pipeline, ids: list[str]) -> tuple[int, dict[str, int]]:
    """How many of ``ids`` ended in `dead`, and the dedup statuses of those published."""
    dead = Counter(pipeline.outcomes.outcomes(ids))["dead"]
    wanted, statuses = set(ids), Counter()
    for _entry_id, entry in pipeline.client.xrange(pipeline.keys.articles):
        if entry[b"id"].decode() in wanted:
            statuses[entry[b"status"].decode()] += 1
    return dead, dict(sorted(statuses.items()))


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Point fd 2 at a file while child processes are started, so they log there."""
    sys.stderr.flush()
    saved = os.dup(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def print_log_tail(path: Path, lines: int = 20) -> None:
    with contextlib.suppress(OSError):
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        print(f"last lines of {path}:", *tail, sep="\n", file=sys.stderr)
