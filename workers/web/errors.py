"""The transient fetch failures, in a module of their own so that the address guard,
the host gate and robots.txt can raise them without importing the fetcher."""

from __future__ import annotations


class TransientFetchError(Exception):
    """A fetch that may work later: a timeout, a 5xx, a 429, a busy host."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class HostBusy(TransientFetchError):
    """No turn at the host soon enough: not the page's fault, try it again a bit later."""


#: A Retry-After longer than this (seconds) is not waited for in full.
MAX_RETRY_AFTER = 3600
