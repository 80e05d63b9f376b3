"""Redis being away, as one role sees it: said once when it begins and once when it ends,
with a growing pause between tries in between.

A role that cannot reach Redis (a restart, a failover, a minute of network trouble)
keeps what it was doing, waits, and tries again; its log says "unreachable" once,
not once a second, and "reachable" when it is over.
"""

from __future__ import annotations

import time

import structlog


class Outage:
    def __init__(self, role: str, pause: tuple[float, float] = (0.5, 30.0)) -> None:
        self._log = structlog.get_logger(f"newsflow.{role}")
        self._first_pause, self._max_pause = pause
        self._pause = self._first_pause
        self._since: float | None = None
        self._next_try = 0.0

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def ready(self) -> bool:
        """Whether to try Redis now: always, unless an outage is waiting out its pause."""
        return time.monotonic() >= self._next_try

    def failed(self, error: Exception) -> float:
        """Note a failed try; the seconds to wait before the next one."""
        now = time.monotonic()
        if self._since is None:
            self._since = now
            self._log.error(
                "redis_unreachable",
                error=str(error),
                hint="waiting for Redis (check NEWSFLOW_REDIS_URL); nothing is lost meanwhile",
            )
        else:
            self._pause = min(self._pause * 2, self._max_pause)
        self._next_try = now + self._pause
        return self._pause

    def recovered(self) -> None:
        """Note a successful try; ends an outage."""
        if self._since is not None:
            self._log.info(
                "redis_reachable", after_seconds=round(time.monotonic() - self._since, 1)
            )
            self._since, self._pause, self._next_try = None, self._first_pause, 0.0
