"""The sizes and the faults of one fault-injection run (its own module: the inputs, the
processes and the run all read it)."""

from __future__ import annotations

from dataclasses import dataclass

#: The kinds of input, in the order of ``FaultPlan.mix``.
KINDS = ("txt", "html", "url", "feed")


@dataclass(slots=True)
class FaultPlan:
    """The sizes and the faults of one run."""

    inputs: int = 240
    #: Shares of the inputs by kind: inbox .txt, inbox .html, .urls lines, feed items.
    mix: tuple[float, float, float, float] = (0.4, 0.25, 0.15, 0.2)
    batches: int = 12
    batch_seconds: float = 4.0
    workers: int = 3
    threads: int = 2
    feeds: int = 2
    #: A random worker is SIGKILLed every uniform(min, max) seconds, and restarted at once.
    kill_every: tuple[float, float] = (1.0, 3.0)
    #: Worker kills go on this long after the last batch (faults in queues and stages only).
    kill_tail_seconds: float = 10.0
    watcher_kills: int = 1
    poller_kills: int = 1
    redis_shutdowns: int = 1  #: graceful: SHUTDOWN, then started again
    redis_kills: int = 1  #: SIGKILL, then started again (the AOF replays)
    redis_down_seconds: float = 1.0
    #: After the last batch, how long every input has to end before the run gives up.
    completion_seconds: float = 90.0
    #: Give up earlier when no input ended for this long after the faults stopped (None:
    #: wait for the whole ``completion_seconds``).
    stall_seconds: float | None = None
    #: Once every input ended: how long to watch for a late second entry.
    quiet_seconds: float = 3.0
    heartbeat_timeout_ms: int = 5000
    seed: int = 20261123

    def counts(self) -> dict[str, int]:
        """How many inputs of each kind (adding up to ``inputs``; rounding goes to txt)."""
        counts = {k: int(self.inputs * share) for k, share in zip(KINDS, self.mix, strict=True)}
        counts["txt"] += self.inputs - sum(counts.values())
        return counts

    @property
    def feeding_seconds(self) -> float:
        return self.batches * self.batch_seconds
