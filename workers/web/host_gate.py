"""Per-host concurrency limit and delay, shared by every process through Redis."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from workers.keys import Keys
from workers.web.errors import HostBusy
from workers.web.policy import FetchPolicy

# KEYS: the host's slot set, its next-start key. ARGV: token, limit, delay ms, lease ms.
# Returns 0 when the slot is taken, else how many ms to wait before asking again.
# One script, so that checking and taking a slot is atomic across processes.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_start > now then return next_start - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 50 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', ARGV[3]) end
return 0
"""


class HostGate:
    """Per-host concurrency limit and delay, shared by every process through Redis.

    A slot is a lease that expires, so a process killed mid-request frees it.
    """

    def __init__(self, client: redis.Redis, keys: Keys, policy: FetchPolicy) -> None:
        self._client = client
        self._keys = keys
        self._policy = policy
        self._take = client.register_script(_TAKE_SLOT)

    @contextmanager
    def turn(self, host: str, spacing: float = 0.0) -> Iterator[None]:
        """A slot at ``host``; the host's next request starts host_delay after this one's
        start, or ``spacing`` seconds if longer (a robots.txt Crawl-delay)."""
        token = uuid.uuid4().hex
        self._wait_for_slot(host, token, max(self._policy.host_delay, spacing))
        try:
            yield
        finally:
            self._client.zrem(self._keys.host_slots(host), token)

    def _wait_for_slot(self, host: str, token: str, delay: float) -> None:
        policy = self._policy
        # Longer than any request may take, so only a dead holder's slot ever expires.
        lease_ms = int((policy.connect_timeout + policy.total_timeout + 5) * 1000)
        keys = [self._keys.host_slots(host), self._keys.host_next(host)]
        args = [token, policy.host_concurrency, int(delay * 1000), lease_ms]
        deadline = time.monotonic() + policy.host_wait
        while (wait_ms := int(self._take(keys=keys, args=args))) > 0:
            if time.monotonic() + wait_ms / 1000 > deadline:
                raise self._busy(host, wait_ms)
            time.sleep(wait_ms / 1000)

    def _busy(self, host: str, wait_ms: int) -> HostBusy:
        policy = self._policy
        # Spread the comebacks, or they all find the host busy again together.
        later = wait_ms / 1000 + random.uniform(0.5, 0.5 + 2 * policy.host_concurrency)
        return HostBusy(f"host busy: no turn at {host} within {policy.host_wait:g} s", later)
