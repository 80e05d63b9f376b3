"""The feed registry, in Redis: which feeds to poll, when, and how each one is doing.

One hash per feed (keyed by its canonical URL) holds its URL, interval, HTTP
validators and health; a sorted set scores every feed by its next poll time, so
"what is due" is one range query for any number of pollers. A lease per feed
(SET NX with an expiry) keeps two pollers off one feed at once, and frees
itself if its poller dies.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from pipelines.urls import canonical_url
from workers.keys import Keys

#: A failing feed is polled at most this far apart (and at least its interval apart).
MAX_BACKOFF = 24 * 3600
#: A poll that left new items over (NEWSFLOW_FEED_MAX_NEW_ITEMS) is followed this soon at
#: most: a backlog drains in minutes, not intervals.
LEFT_OVER_DELAY = 60

# KEYS: the lease. ARGV: the holder's token. Deletes it only if still held by that holder.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: the lease. ARGV: the holder's token, ms. Extends it only if still held by that holder.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    canonical: str
    interval: int
    title: str | None = None
    added_at: str | None = None
    last_poll: str | None = None
    last_success: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    errors: int = 0  #: consecutive failed polls
    items_seen: int = 0  #: new items queued from this feed, all polls together
    left_over: int = 0  #: new items the last poll left for the next (over the per-poll cap)
    links_skipped: int = 0  #: entries without an http(s) link in the last document read
    links_skipped_total: int = 0  #: the same, all polls together
    next_poll: float = 0.0  #: seconds since the epoch
    etag: str | None = None
    last_modified: str | None = None

    def healthy(self, max_errors: int) -> bool:
        return self.errors < max_errors


def backoff_delay(interval: int, errors: int, retry_after: float | None = None) -> float:
    """Seconds until the next poll: the interval, doubled for each consecutive error
    after the first (capped), and never sooner than the server's Retry-After."""
    delay = float(interval)
    if errors > 1:
        delay = min(interval * 2.0 ** (errors - 1), max(MAX_BACKOFF, interval))
    return max(delay, retry_after or 0.0)


class FeedRegistry:
    def __init__(self, client: redis.Redis, keys: Keys, default_interval: int) -> None:
        self._client = client
        self._keys = keys
        self.default_interval = default_interval
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)

    def add(self, url: str, interval: int | None = None) -> bool:
        """Register a feed, due at once; False if it was registered already (the
        interval is updated all the same). Raises Rejected for a non-web URL."""
        canonical = canonical_url(url)
        key = self._keys.feed(canonical)
        created = self._client.hsetnx(key, "url", url.strip())
        if created:
            self._client.hset(key, mapping={"canonical": canonical, "added_at": _now_iso()})
        if interval is not None:
            self._client.hset(key, "interval", interval)
        self._client.zadd(self._keys.feeds, {canonical: time.time()}, nx=True)
        return bool(created)

    def remove(self, url: str) -> bool:
        canonical = canonical_url(url)
        removed = self._client.zrem(self._keys.feeds, canonical)
        self._client.delete(self._keys.feed(canonical))
        return bool(removed)

    def get(self, canonical: str) -> FeedState | None:
        fields = self._client.hgetall(self._keys.feed(canonical))
        return self._state(fields) if fields.get(b"url") else None

    def all(self) -> list[FeedState]:
        canonicals = [c.decode() for c in self._client.zrange(self._keys.feeds, 0, -1)]
        states = (self.get(c) for c in sorted(canonicals))
        return [s for s in states if s is not None]

    def due(self, now: float, limit: int) -> list[str]:
        """Canonical URLs of feeds whose next poll time has come, most overdue first."""
        found = self._client.zrangebyscore(self._keys.feeds, "-inf", now, start=0, num=limit)
        return [c.decode() for c in found]

    def next_due(self) -> float | None:
        first = self._client.zrange(self._keys.feeds, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    def is_due(self, canonical: str, now: float) -> bool:
        score = self._client.zscore(self._keys.feeds, canonical)
        return score is not None and score <= now

    def lease(self, canonical: str, seconds: float) -> str | None:
        """A token if this caller may poll the feed now, None if another poller holds it."""
        token = uuid.uuid4().hex
        taken = self._client.set(
            self._keys.feed_lease(canonical), token, nx=True, px=int(seconds * 1000)
        )
        return token if taken else None

    def renew(self, canonical: str, token: str, seconds: float) -> bool:
        """Extend a lease this caller still holds; False if it ran out meanwhile."""
        key = self._keys.feed_lease(canonical)
        return bool(self._renew(keys=[key], args=[token, int(seconds * 1000)]))

    def release(self, canonical: str, token: str) -> None:
        self._release(keys=[self._keys.feed_lease(canonical)], args=[token])

    def postpone(self, state: FeedState, seconds: float) -> None:
        """Poll again a little later, counting no error (its host was busy)."""
        self._client.zadd(self._keys.feeds, {state.canonical: time.time() + seconds}, xx=True)

    def record_success(
        self,
        state: FeedState,
        status: str,
        new_items: int,
        validators: dict[str, str],
        title: str | None,
        problem: str | None,
        skipped: int | None = None,
        left_over: int = 0,
    ) -> None:
        """A poll that got the feed (or a 304): reset errors, keep validators, schedule.

        ``skipped``: the document's entries without an http(s) link (None for a 304: the
        document counted last time is unchanged). ``left_over``: new items not queued for
        the per-poll cap; the next poll comes within LEFT_OVER_DELAY to queue them.
        """
        fields: dict[str, object] = {
            "last_poll": _now_iso(),
            "last_success": _now_iso(),
            "last_status": status,
            "last_error": problem or "",
            "errors": 0,
            "left_over": left_over,
            **validators,
        }
        if title:
            fields["title"] = title
        if skipped is not None:
            fields["links_skipped"] = skipped
        delay = min(state.interval, LEFT_OVER_DELAY) if left_over else state.interval
        self._write(state, fields, time.time() + delay, new_items, skipped or 0)

    def record_failure(
        self, state: FeedState, status: str, error: str, retry_after: float | None = None
    ) -> None:
        """A failed poll: count it and back off (exponentially, and per Retry-After)."""
        errors = state.errors + 1
        fields = {
            "last_poll": _now_iso(),
            "last_status": status,
            "last_error": error[:500],
            "errors": errors,
        }
        self._write(state, fields, time.time() + backoff_delay(state.interval, errors, retry_after))

    def _write(
        self,
        state: FeedState,
        fields: dict[str, object],
        next_poll: float,
        new_items: int = 0,
        skipped: int = 0,
    ) -> None:
        key = self._keys.feed(state.canonical)
        if not self._client.exists(key):
            return  # removed while it was being polled: leave it removed
        with self._client.pipeline() as pipe:
            pipe.hset(key, mapping={**fields, "next_poll": next_poll})
            pipe.hincrby(key, "items_seen", new_items)
            pipe.hincrby(key, "links_skipped_total", skipped)
            pipe.zadd(self._keys.feeds, {state.canonical: next_poll}, xx=True)
            pipe.execute()

    def _state(self, raw: dict[bytes, bytes]) -> FeedState:
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        text = {
            k: fields.get(k) or None
            for k in (
                "title",
                "added_at",
                "last_poll",
                "last_success",
                "last_status",
                "last_error",
                "etag",
                "last_modified",
            )
        }
        return FeedState(
            url=fields["url"],
            canonical=fields.get("canonical") or canonical_url(fields["url"]),
            interval=int(fields.get("interval") or self.default_interval),
            errors=int(fields.get("errors") or 0),
            items_seen=int(fields.get("items_seen") or 0),
            left_over=int(fields.get("left_over") or 0),
            links_skipped=int(fields.get("links_skipped") or 0),
            links_skipped_total=int(fields.get("links_skipped_total") or 0),
            next_poll=float(fields.get("next_poll") or 0),
            **text,
        )


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
