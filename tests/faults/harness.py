"""Fault injection: the Procfile's roles as real processes on a real redis-server, killed and
restarted while inputs flow, then every input checked to have ended exactly once.

What one run does (`FaultRun.run`, used by tests/faults/test_faults.py for CI and by
benchmarks/bench_faults.py for the long run):

- starts its own ``redis-server`` (processes.py): a unix socket in the run's folder,
  ``--port 0`` (no TCP at all), append-only (``--appendfsync everysec``), no RDB, its own
  ``--dir``. It never talks to any other Redis;
- serves invented web pages and RSS feeds on 127.0.0.1 (tests/workers/http_server.py) and
  registers the feeds with ``newsflow feeds add`` run as a subprocess (``python -m workers``);
- runs ``python -m workers.worker --threads T`` (several), ``python -m workers.watcher`` and
  ``python -m workers.rss_poller``, each in a process group of its own, stderr to a log file
  of the run's folder, with the run's own NEWSFLOW_* settings (none inherited);
- drops inputs in batches (inputs.py): invented ``.txt`` articles and ``.html`` pages
  (prose.py) written into the inbox under a temporary name and renamed, a ``.urls`` list
  naming loopback pages, and new items on the feeds;
- meanwhile (faults.py) SIGKILLs a random worker every few seconds, the watcher and the
  poller once each, and restarts Redis once with SHUTDOWN and once with SIGKILL (AOF replay),
  both on the same folder and socket; each is restarted at once. A role that exits without
  being killed is restarted too, as a supervisor would, and counted as a crash;
- waits until every expected id has an entry on ``<prefix>:articles`` or ``<prefix>:dead``
  (or the deadline passes), waits a quiet moment for late doubles, then reads both streams
  whole and compares them with the expected ids (result.py): missing, doubled, unexpected,
  dead. For a missing id it says where the input stands (observe.py);
- stops everything it started (SIGTERM to each process group, then SIGKILL), also when it
  fails.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import redis

from tests.faults.faults import TICK, Injector, Tally
from tests.faults.inputs import Inputs
from tests.faults.observe import Observer
from tests.faults.plan import FaultPlan
from tests.faults.processes import Managed, Processes, RedisServer, role_env
from tests.faults.prose import Prose
from tests.faults.result import Result, judge
from tests.workers.http_server import LoopbackServer
from workers.keys import Keys

__all__ = ["FaultPlan", "FaultRun", "Result"]

#: How often the waiting loop reads the stream lengths (seconds).
POLL = 0.5
#: How often the waiting loop says how far it got (seconds).
PROGRESS_EVERY = 10.0


class FaultRun:
    """One run of the roles under faults in ``folder``; see the module's docstring."""

    def __init__(
        self, plan: FaultPlan, folder: Path, progress: Callable[[str], None] | None = None
    ) -> None:
        self.plan = plan
        self.folder = folder.absolute()
        self.prefix = f"nffault{os.getpid()}x{random.Random().randrange(1 << 24):06x}"
        self.progress = progress or (lambda _line: None)
        self.inbox = (self.folder / "inbox").resolve()
        self.logs = self.folder / "logs"
        self.tally = Tally(t0=time.monotonic())
        self.complete = threading.Event()  #: every input ended: the injector stops killing
        self.processes: Processes | None = None

    def run(self) -> Result:
        """Start everything, feed and inject faults, wait, check; always stops what it started."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.inbox.mkdir(parents=True, exist_ok=True)
        site = LoopbackServer()
        site.start()
        injector: Injector | None = None
        observer: Observer | None = None
        try:
            inputs = Inputs(self.plan, self.inbox, site, Prose(self.plan.seed))
            self.processes = self._start(inputs.prepare())
            observer = Observer(self.processes.redis.socket_path, Keys(self.prefix))
            injector = Injector(self.plan, self.processes, self.tally, self.complete)
            injector.start()
            self._feed(inputs, injector)
            complete = self._await_completion(observer, set(inputs.expected), injector)
            self._stop_injector(injector)
            return self._result(observer, inputs, complete)
        finally:
            if injector is not None:
                injector.stop_event.set()
                injector.join(timeout=60)
            if observer is not None:
                observer.close()
            if self.processes is not None:
                self.processes.stop()
            site.stop()

    def attach_logs(self, result: Result) -> None:
        """The tails of every log of the run (for a failure report)."""
        if self.processes is not None:
            processes = [self.processes.redis, *self.processes.roles]
            result.logs = {p.name: p.tail() for p in processes}

    # -- starting ----------------------------------------------------------------------------

    def _start(self, feed_urls: list[str]) -> Processes:
        """Start Redis, register the feeds, start the roles; t0 is once all of them run."""
        env = role_env(
            self.prefix, self.inbox, self.folder / "home", self.plan.heartbeat_timeout_ms
        )
        server = RedisServer(self.folder / "redis", self._log("redis"), env)
        server.start()
        env = {**env, "NEWSFLOW_REDIS_URL": server.url}
        self._register_feeds(feed_urls, env)
        processes = Processes(server, self._roles(env))
        for role in processes.roles:
            role.start()
        self.tally.t0 = time.monotonic()
        return processes

    def _roles(self, env: dict[str, str]) -> list[Managed]:
        """The Procfile's roles: workers, the watcher, the poller."""
        python = sys.executable
        worker = [python, "-m", "workers.worker", "--threads", str(self.plan.threads)]
        argvs = {f"worker-{n + 1}": worker for n in range(self.plan.workers)}
        argvs["watcher"] = [python, "-m", "workers.watcher"]
        argvs["poller"] = [python, "-m", "workers.rss_poller"]
        return [
            Managed(name, argv, self._log(name), env, self.folder) for name, argv in argvs.items()
        ]

    def _log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def _register_feeds(self, urls: list[str], env: dict[str, str]) -> None:
        # `newsflow feeds add`, run as `python -m workers` (the console script's module), so
        # that it is this interpreter's newsflow whatever script the venv happens to hold.
        done = subprocess.run(
            [sys.executable, "-m", "workers", "feeds", "add", *urls],
            env=env, cwd=self.folder, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(
                f"`newsflow feeds add` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )

    # -- feeding and waiting -------------------------------------------------------------------

    def _feed(self, inputs: Inputs, injector: Injector) -> None:
        """Drop the batches on schedule; faults are injected meanwhile by the injector."""
        for batch in range(self.plan.batches):
            due = self.tally.t0 + batch * self.plan.batch_seconds
            time.sleep(max(0.0, due - time.monotonic()))
            dropped = inputs.drop_batch(batch)
            self._note(f"batch {batch + 1}/{self.plan.batches}: {dropped} inputs")
        injector.kill_until = time.monotonic() + self.plan.kill_tail_seconds
        # The one-off faults all fall within the feeding; wait for the last to be done.
        while injector.pending and injector.is_alive():
            time.sleep(TICK)

    def _await_completion(self, observer: Observer, expected: set[str], injector: Injector) -> bool:
        """Wait until every expected id has an entry, then a quiet moment; False at the
        deadline (or once nothing ended for ``stall_seconds`` after the faults stopped).
        Never asserts on time: the verdict reports what is missing."""
        deadline = time.monotonic() + self.plan.completion_seconds
        last_report, last_count, changed = 0.0, None, time.monotonic()
        while time.monotonic() < deadline and injector.is_alive():
            count = observer.ended()
            if count is not None and count >= len(expected) and _all_ended(observer, expected):
                self.complete.set()
                self._note("every input ended: quiet period")
                self._quiet(observer)
                return True
            if count != last_count:
                last_count, changed = count, time.monotonic()
            if self._stalled(changed, injector):
                self._note(f"stalled: no input ended for {self.plan.stall_seconds:g} s")
                return False
            if time.monotonic() - last_report > PROGRESS_EVERY:
                last_report = time.monotonic()
                self._note(f"waiting: {count} of {len(expected)} entries")
            time.sleep(POLL)
        self._note("deadline passed")
        return False

    def _stalled(self, changed: float, injector: Injector) -> bool:
        stall = self.plan.stall_seconds
        if stall is None or injector.kill_until is None:
            return False
        now = time.monotonic()
        return now > injector.kill_until and now - max(changed, injector.kill_until) > stall

    def _quiet(self, observer: Observer) -> None:
        """Wait until the streams did not grow for ``quiet_seconds``: a late double shows."""
        last: int | None = -1
        since = time.monotonic()
        while time.monotonic() - since < self.plan.quiet_seconds:
            count = observer.ended()
            if count != last:
                last, since = count, time.monotonic()
            time.sleep(0.2)

    # -- the verdict -------------------------------------------------------------------------

    @staticmethod
    def _stop_injector(injector: Injector) -> None:
        injector.stop_event.set()
        injector.join()
        if injector.error is not None:  # a harness failure, raised as such
            raise injector.error

    def _result(self, observer: Observer, inputs: Inputs, complete: bool) -> Result:
        entries = observer.entries_when_up()
        result = judge(self.plan, self.prefix, inputs.expected, entries, self.tally, complete)
        result.diagnosis = observer.where(result.lost)
        return result

    def _note(self, text: str) -> None:
        seconds = self.tally.note(text)
        self.progress(f"[{seconds:6.1f}s] {text}")


def _all_ended(observer: Observer, expected: set[str]) -> bool:
    """Whether every expected id has an entry (the count alone would include doubles)."""
    try:
        ids = {e.fields.get("id") for e in observer.entries()}
    except redis.RedisError:
        return False
    return expected <= ids
