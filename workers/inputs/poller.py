"""The feed poller: polls each registered feed once per interval and queues its new items.

Runs as a thread of `newsflow run` and as its own process (`python -m
workers.rss_poller`, the Procfile's `poller:`); any number may run against one
Redis. Each poll holds the feed's lease, sends the feed's ETag and Last-Modified
back (a 304 costs the server nothing), and reschedules the feed: its interval
after a success, longer and longer after consecutive failures, and never before
a Retry-After. An item is new when its canonical link was never queued before,
by any feed or command, so a feed that changes its GUIDs queues nothing twice.

A poll queues at most NEWSFLOW_FEED_MAX_NEW_ITEMS new items, the first in the feed's
order. One that stops there keeps no validators, so the next poll (within a minute)
gets the whole document again and queues the next ones: nothing is lost, and a
100,000-item feed cannot flood the queue, Redis and the poller in one go.
"""

from __future__ import annotations

import threading
import time
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import redis
import structlog

from pipelines.article import Rejected
from pipelines.feeds import ParsedFeed, item_meta, parse_feed
from pipelines.urls import url_input_id
from workers.inputs.intake import Intake
from workers.keys import Keys
from workers.runtime import metrics
from workers.runtime.outage import Outage
from workers.state.feeds import FeedRegistry, FeedState
from workers.web.errors import HostBusy, TransientFetchError
from workers.web.fetch import Fetcher
from workers.web.policy import Fetched

log = structlog.get_logger("newsflow.poller")

#: A feed's lease runs out this long after its poller last renewed it: a poller killed, or
#: cut off from Redis, mid-poll holds the feed up this long at most. Polls in progress
#: have their leases renewed every LEASE_SECONDS / 3.
LEASE_SECONDS = 15.0
#: Longest sleep between two looks at the schedule (new feeds are noticed this fast).
IDLE_SECONDS = 1.0
#: Links looked up in the seen set per round trip.
LOOKUP_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class PollResult:
    feed: str
    status: str
    new_items: int = 0
    error: str | None = None
    items: int = 0  #: items in the document fetched
    left_over: int = 0  #: new items not queued, over the per-poll cap: the next poll's
    skipped: int = 0  #: entries without an http(s) link


@dataclass(frozen=True, slots=True)
class Queued:
    """What one poll did with a feed's new items."""

    queued: int  #: new items queued for fetching (the others offered went to `dead`)
    left_over: int  #: new items beyond the cap, for the next poll


class Poller:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        registry: FeedRegistry,
        fetcher: Fetcher,
        intake: Intake,
        threads: int = 8,
        max_new_items: int = 500,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        """``max_new_items``: new items one poll queues at most (NEWSFLOW_FEED_MAX_NEW_ITEMS)."""
        self._client = client
        self._keys = keys
        self.registry = registry
        self._fetcher = fetcher
        self._intake = intake
        self._threads = threads
        self._max_new_items = max_new_items
        self._lease_seconds = lease_seconds
        self._outage = Outage("poller")
        #: Feeds being polled by this poller's threads, with their lease tokens.
        self._leases: dict[str, str] = {}

    def run(self, stop: threading.Event) -> None:
        """Poll due feeds until ``stop`` is set. Errors are logged, never fatal; while Redis
        is away, the feeds due wait for it (their items are not lost, only late)."""
        log.info("polling")
        while not stop.is_set():
            idle = IDLE_SECONDS
            if self._outage.ready():
                try:
                    idle = 0.0 if self.poll_due() else self._idle_seconds()
                    self._outage.recovered()
                except redis.RedisError as error:
                    idle = self._outage.failed(error)
                except Exception:  # a bug: log it and keep the poller alive
                    log.exception("poll_round_failed")
            stop.wait(idle)

    def poll_due(self, now: float | None = None) -> list[PollResult]:
        """Poll every feed due at ``now`` (default: now), several at once."""
        due = self.registry.due(now or time.time(), limit=self._threads * 8)
        if not due:
            return []
        with ThreadPoolExecutor(self._threads, thread_name_prefix="poll") as pool:
            polls = [pool.submit(self.poll, canonical) for canonical in due]
            while futures.wait(polls, timeout=self._lease_seconds / 3).not_done:
                self._renew_leases()
            results = [poll.result() for poll in polls]
        metrics.polls_done(r.status for r in results if r is not None)
        return [r for r in results if r is not None]

    def poll(self, canonical: str) -> PollResult | None:
        """Poll one feed if it is still due and no other poller holds it; None otherwise."""
        token = self.registry.lease(canonical, self._lease_seconds)
        if token is None:
            return None
        self._leases[canonical] = token
        state = None
        try:
            # Re-checked under the lease: another poller may have just polled it.
            state = self.registry.get(canonical)
            if state is None or not self.registry.is_due(canonical, time.time()):
                return None
            return self._poll_leased(state)
        except redis.RedisError:
            raise  # not the feed's failure: the round waits for Redis, the feed stays due
        except Exception as error:  # whatever happens to one feed, the others go on
            log.exception("poll_crashed", feed=canonical)
            if state is not None:  # backed off like any failure, not polled again at once
                self._record_crash(state, error)
            return PollResult(canonical, "crashed", error=repr(error))
        finally:
            del self._leases[canonical]
            self.registry.release(canonical, token)

    def _renew_leases(self) -> None:
        """Keep the leases of the polls in progress (a long download) from running out."""
        for canonical, token in list(self._leases.items()):
            try:
                self.registry.renew(canonical, token, self._lease_seconds)
            except redis.RedisError as error:  # the poll itself will meet the outage
                log.warning("lease_not_renewed", feed=canonical, error=str(error))

    def _record_crash(self, state: FeedState, error: Exception) -> None:
        try:
            self.registry.record_failure(state, "crashed", repr(error))
        except Exception:  # Redis itself may be what failed: the lease expires on its own
            log.exception("poll_crash_not_recorded", feed=state.url)

    def _poll_leased(self, state: FeedState) -> PollResult:
        try:
            fetched = self._fetcher.get(state.url, headers=_conditional_headers(state))
            if fetched.status == 304:
                self.registry.record_success(
                    state, "304 not modified", 0, {}, None, state.last_error
                )
                return PollResult(state.canonical, "304")
            feed = parse_feed(fetched.body, fetched.url, fetched.headers.get("content-type"))
        except HostBusy as busy:
            self.registry.postpone(state, busy.retry_after or IDLE_SECONDS)
            return PollResult(state.canonical, "postponed", error=busy.reason)
        except TransientFetchError as error:
            return self._failed(state, "retry later", error.reason, error.retry_after)
        except Rejected as error:
            return self._failed(state, "failed", error.reason)
        done = self._queue_new(state, feed)
        # Capped: no validators, or the next poll's 304 would hide the items left over.
        validators = _validators(fetched) if not done.left_over else _NO_VALIDATORS
        self.registry.record_success(
            state,
            f"{fetched.status} {feed.version}",
            done.queued,
            validators,
            feed.title,
            feed.problem,
            skipped=feed.skipped,
            left_over=done.left_over,
        )
        log.info(
            "polled",
            feed=state.url,
            items=len(feed.items),
            new=done.queued,
            left_over=done.left_over,
            skipped=feed.skipped,
            problem=feed.problem,
        )
        return PollResult(
            state.canonical,
            str(fetched.status),
            done.queued,
            items=len(feed.items),
            left_over=done.left_over,
            skipped=feed.skipped,
        )

    def _failed(
        self, state: FeedState, status: str, error: str, retry_after: float | None = None
    ) -> PollResult:
        self.registry.record_failure(state, status, error, retry_after)
        log.warning("poll_failed", feed=state.url, error=error, errors=state.errors + 1)
        return PollResult(state.canonical, status, error=error)

    def _queue_new(self, state: FeedState, feed: ParsedFeed) -> Queued:
        """Queue the items whose canonical link was never queued, in the feed's order, up to
        the cap; count the new ones beyond it."""
        offered = queued = left_over = 0
        for start in range(0, len(feed.items), LOOKUP_CHUNK):
            chunk = feed.items[start : start + LOOKUP_CHUNK]
            known = self._client.smismember(self._keys.seen, [url_input_id(i.link) for i in chunk])
            for item, is_known in zip(chunk, known, strict=True):
                if is_known:
                    continue
                if offered >= self._max_new_items:
                    left_over += 1
                    continue
                offer = self._intake.offer_url(
                    item.link, feed=state.url, meta=item_meta(item, feed)
                )
                offered += 1
                queued += offer.queued
        return Queued(queued, left_over)

    def _idle_seconds(self) -> float:
        next_due = self.registry.next_due()
        return (
            IDLE_SECONDS
            if next_due is None
            else min(IDLE_SECONDS, max(0.05, next_due - time.time()))
        )


def _conditional_headers(state: FeedState) -> dict[str, str]:
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


_NO_VALIDATORS = {"etag": "", "last_modified": ""}


def _validators(fetched: Fetched) -> dict[str, str]:
    # Written even when empty: a server that stopped sending one must not get it back.
    return {
        "etag": fetched.headers.get("etag", ""),
        "last_modified": fetched.headers.get("last-modified", ""),
    }
