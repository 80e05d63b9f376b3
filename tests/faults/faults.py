"""The faults of a run: a thread that SIGKILLs workers on a random schedule, the watcher, the
poller and Redis at set moments, restarts each at once, and restarts any process that exited
on its own, as a supervisor would; and the tally of what it did."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.faults.plan import FaultPlan
from tests.faults.processes import Managed, Processes

#: How often the injector looks at its processes and its schedule (seconds).
TICK = 0.1
#: When each one-off fault falls, as a share of the feeding time (the first of several; the
#: others follow evenly): apart, so that each hits inputs in a different phase.
ONE_OFF_AT = {"watcher": 0.2, "redis-shutdown": 0.4, "poller": 0.55, "redis-sigkill": 0.75}


@dataclass(slots=True)
class Tally:
    """What happened during a run, for its report."""

    t0: float  #: monotonic: the moment every process was up
    kills: Counter[str] = field(default_factory=Counter)  #: role kind -> SIGKILLs
    redis_restarts: Counter[str] = field(default_factory=Counter)  #: "shutdown", "sigkill"
    crashes: list[str] = field(default_factory=list)  #: roles that exited on their own
    timeline: list[tuple[float, str]] = field(default_factory=list)  #: (seconds, what)
    last_fault: float | None = None  #: wall clock, to compare with stream entry ids

    def note(self, text: str) -> float:
        """Add ``text`` to the timeline; the seconds since t0."""
        seconds = time.monotonic() - self.t0
        self.timeline.append((seconds, text))
        return seconds

    def fault(self, text: str) -> None:
        self.last_fault = time.time()
        self.note(text)


class Injector(threading.Thread):
    """Kills and restarts processes on a schedule, and restarts any that died on their own."""

    def __init__(
        self, plan: FaultPlan, processes: Processes, tally: Tally, complete: threading.Event
    ) -> None:
        super().__init__(name="fault-injector", daemon=True)
        self.plan, self.processes, self.tally = plan, processes, tally
        self.complete = complete  #: set once every input ended: worker kills stop
        self.rng = random.Random(plan.seed)
        self.stop_event = threading.Event()
        self.kill_until: float | None = None  #: monotonic; set once the last batch is out
        self.error: BaseException | None = None
        self._one_offs = self._schedule()

    @property
    def pending(self) -> int:
        """One-off faults still to come."""
        return len(self._one_offs)

    def run(self) -> None:
        try:
            self._loop()
        except BaseException as error:  # reported by the run: a harness failure, not product
            self.error = error

    def _schedule(self) -> list[tuple[float, str]]:
        """(seconds after t0, what) of the faults that happen a set number of times."""
        plan = self.plan
        counts = {
            "watcher": plan.watcher_kills,
            "redis-shutdown": plan.redis_shutdowns,
            "poller": plan.poller_kills,
            "redis-sigkill": plan.redis_kills,
        }
        events = [
            (plan.feeding_seconds * (ONE_OFF_AT[what] + i) / count, what)
            for what, count in counts.items()
            for i in range(count)
        ]
        return sorted(events)

    def _loop(self) -> None:
        next_kill = time.monotonic() + self.rng.uniform(*self.plan.kill_every)
        while not self.stop_event.wait(TICK):
            self._restart_crashed()
            now = time.monotonic()
            while self._one_offs and self.tally.t0 + self._one_offs[0][0] <= now:
                self._one_off(self._one_offs.pop(0)[1])
            if now >= next_kill and self._killing_workers(now):
                with self.processes.lock:
                    self._kill_and_restart(self.rng.choice(self.processes.workers()), "worker")
                next_kill = time.monotonic() + self.rng.uniform(*self.plan.kill_every)

    def _killing_workers(self, now: float) -> bool:
        if self.complete.is_set() or self.plan.workers == 0:
            return False
        return self.kill_until is None or now < self.kill_until

    def _one_off(self, what: str) -> None:
        with self.processes.lock:
            if what in ("watcher", "poller"):
                self._kill_and_restart(self.processes.named(what), what)
            else:
                self._restart_redis(graceful=what == "redis-shutdown")

    def _kill_and_restart(self, role: Managed, kind: str) -> None:
        role.kill()
        self.tally.kills[kind] += 1
        self.tally.fault(f"SIGKILL {role.name}")
        role.start()

    def _restart_redis(self, graceful: bool) -> None:
        redis, how = self.processes.redis, "shutdown" if graceful else "sigkill"
        if graceful:
            redis.shutdown()
        else:
            redis.kill()
        self.tally.fault(f"redis {how}")
        time.sleep(self.plan.redis_down_seconds)
        redis.start()
        self.tally.redis_restarts[how] += 1
        self.tally.fault(f"redis started again after {how}")

    def _restart_crashed(self) -> None:
        """Restart whatever exited without being killed, as a supervisor would."""
        with self.processes.lock:
            for process in [self.processes.redis, *self.processes.roles]:
                if (code := process.exit_code()) is not None:
                    last = process.tail(3).replace("\n", " | ")
                    self.tally.crashes.append(
                        f"{process.name} exited with status {code}: {last[-300:]}"
                    )
                    self.tally.fault(f"{process.name} exited on its own ({code}): restarted")
                    process.start()
