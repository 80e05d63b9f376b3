"""Worker processes of `newsflow run` and `newsflow ingest --wait`: started, restarted when
they die, and stopped gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from workers.runtime import metrics

log = structlog.get_logger("newsflow.supervisor")


#: Memory a worker process needs (bytes): spaCy's model and NER's working memory of a long
#: article, measured at under 300 MB (benchmarks/README.md).
WORKER_MEMORY_BYTES = 300 * 2**20


@dataclass(frozen=True, slots=True)
class ProcessCount:
    """How many worker processes to start, and what decided it."""

    chosen: int
    cores: int
    memory_bound: int | None  #: processes the available memory holds; None if unknown
    reason: str


def default_processes(
    cores: int, available_bytes: int | None, per_process: int = WORKER_MEMORY_BYTES
) -> ProcessCount:
    """One worker process per usable core, as many as the available memory holds, at least 1."""
    cores = max(1, cores)
    if available_bytes is None:
        return ProcessCount(cores, cores, None, "one per core (available memory unknown)")
    bound = max(1, available_bytes // per_process)
    if bound < cores:
        return ProcessCount(bound, cores, bound, "bounded by available memory")
    return ProcessCount(cores, cores, bound, "one per core")


def usable_cores() -> int:
    """The cores this process may run on (its affinity, e.g. a container's cpuset)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def available_memory(
    meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """Bytes that can be used without swapping (MemAvailable), less if this process's
    cgroup (a container's memory limit) leaves less; None where neither is known."""
    known = [b for b in (_mem_available(meminfo), _cgroup_room(cgroup)) if b is not None]
    return min(known) if known else None


def _mem_available(meminfo: Path) -> int | None:
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room(cgroup: Path) -> int | None:
    """memory.max less memory.current of a cgroup v2; None without a limit."""
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int((cgroup / "memory.current").read_text()))
    except (OSError, ValueError):
        return None


def choose_processes(configured: int | None) -> ProcessCount:
    """``configured`` (--processes or NEWSFLOW_PROCESSES) if given, else the default."""
    cores, memory = usable_cores(), available_memory()
    if configured:
        bound = default_processes(cores, memory).memory_bound
        return ProcessCount(configured, cores, bound, "as configured")
    return default_processes(cores, memory)


def start_workers(
    processes: int,
    threads: int,
    redis_url: str,
    log_level: str | None = None,
    inbox: Path | None = None,
) -> list[subprocess.Popen[bytes]]:
    """Worker processes on ``redis_url``; ``inbox`` is where their text sources are named from."""
    # A worker serves no probes of its own: `run` serves them for all (and an `ingest`
    # beside a `run` would find its port taken).
    env = {**os.environ, "NEWSFLOW_REDIS_URL": redis_url, "NEWSFLOW_METRICS_PORT": "0"}
    if log_level:
        env["NEWSFLOW_LOG_LEVEL"] = log_level
    if inbox is not None:
        env["NEWSFLOW_INBOX"] = str(inbox.resolve())
    command = [sys.executable, "-c", _WORKER_BOOT, "--threads", str(threads)]
    return [subprocess.Popen(command, env=env) for _ in range(processes)]


# The child asks the kernel for SIGTERM when `run` dies, counts itself live, then serves.
_WORKER_BOOT = (
    "import sys, workers.worker as w, workers.runtime.metrics as m; w.die_with_parent(); "
    "m.process_started('worker'); w.main(sys.argv[1:])"
)


def stop_workers(children: list[subprocess.Popen[bytes]], timeout: float = 90.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("worker_killed", pid=child.pid, reason="did not stop in time")
            child.kill()
            child.wait()
        metrics.process_gone(child.pid)


#: A restarted worker waits this long after its first death, twice that after the next...
RESTART_BACKOFF = (1.0, 60.0)
#: A worker that lived this long before dying starts the backoff afresh.
STABLE_SECONDS = 60.0
#: This many deaths of one worker within CRASH_WINDOW seconds is a crash loop, reported.
CRASH_DEATHS, CRASH_WINDOW = 5, 300.0


@dataclass(slots=True)
class _Slot:
    """One of the pool's worker processes, and its history of deaths."""

    process: subprocess.Popen[bytes]
    started: float
    deaths: list[float] = field(default_factory=list)
    restart_at: float | None = None
    backoff: float = RESTART_BACKOFF[0]


class WorkerPool:
    """`newsflow run`'s worker processes, each restarted with backoff when it dies.

    A worker killed by the kernel for its memory or crashing in native code costs
    its messages one delivery (they come back after the heartbeat timeout), not the
    service. A worker that keeps dying is restarted ever more slowly and reported as
    a crash loop, never given up on: the cause may be outside (Redis away, a full
    disk) and pass.
    """

    def __init__(self, processes: int, start: Callable[[], subprocess.Popen[bytes]]) -> None:
        self._start = start
        self._slots = [_Slot(start(), time.monotonic()) for _ in range(processes)]

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        return [slot.process for slot in self._slots]

    def check(self) -> None:
        """Notice workers that died, restart those whose backoff has passed."""
        now = time.monotonic()
        for slot in self._slots:
            if slot.restart_at is None and slot.process.poll() is not None:
                self._died(slot, now)
            if slot.restart_at is not None and now >= slot.restart_at:
                metrics.worker_restarted(slot.process.returncode)
                slot.process, slot.started, slot.restart_at = self._start(), now, None
                log.info("worker_restarted", pid=slot.process.pid, deaths=len(slot.deaths))

    def _died(self, slot: _Slot, now: float) -> None:
        if now - slot.started >= STABLE_SECONDS:
            slot.backoff = RESTART_BACKOFF[0]
        slot.deaths = [t for t in slot.deaths if now - t < CRASH_WINDOW] + [now]
        slot.restart_at = now + slot.backoff
        metrics.process_gone(slot.process.pid)  # its live gauges go; its counts stay
        log.error(
            "worker_died",
            pid=slot.process.pid,
            returncode=slot.process.returncode,
            restart_in=slot.backoff,
            hint="see the worker's log lines above; it is restarted",
        )
        if len(slot.deaths) >= CRASH_DEATHS:
            log.error(
                "worker_crash_loop",
                deaths=len(slot.deaths),
                minutes=CRASH_WINDOW / 60,
                hint="a worker keeps dying: read its last log lines; is Redis reachable?",
            )
        slot.backoff = min(slot.backoff * 2, RESTART_BACKOFF[1])

    def stop(self, timeout: float) -> None:
        """Stop every worker gracefully; kill those still running after ``timeout`` seconds."""
        stop_workers(self.processes, timeout)
