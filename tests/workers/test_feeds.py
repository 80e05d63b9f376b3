"""The feed registry in Redis: add, remove, leases, backoff and health (the `newsflow feeds`
command: tests/cli/test_feeds_command.py)."""

from __future__ import annotations

import time

import pytest

from pipelines.article import Rejected
from workers.keys import Keys
from workers.state.feeds import LEFT_OVER_DELAY, MAX_BACKOFF, FeedRegistry, backoff_delay

KEYS = Keys("nftest")


@pytest.fixture
def registry(redis_client) -> FeedRegistry:
    return FeedRegistry(redis_client, KEYS, default_interval=900)


def test_add_is_keyed_by_canonical_url(registry: FeedRegistry) -> None:
    """One feed however it is spelled; it is due at once; the interval can be overridden."""
    assert registry.add("https://News.example/rss?utm_source=x")
    assert not registry.add("https://news.example/rss#top", interval=120)
    [state] = registry.all()
    assert (state.url, state.canonical, state.interval) == (
        "https://News.example/rss?utm_source=x",
        "https://news.example/rss",
        120,
    )
    assert registry.due(time.time(), 10) == ["https://news.example/rss"]


def test_add_refuses_non_web_urls(registry: FeedRegistry) -> None:
    with pytest.raises(Rejected, match="not a web address"):
        registry.add("ftp://news.example/rss")
    assert registry.all() == []


def test_remove(registry: FeedRegistry, redis_client) -> None:
    registry.add("https://a.example/rss")
    assert registry.remove("HTTPS://A.example/rss")
    assert not registry.remove("https://a.example/rss")
    assert registry.all() == [] and redis_client.keys(f"{KEYS.prefix}:*") == []


def test_lease_is_exclusive_and_expires(registry: FeedRegistry, redis_client) -> None:
    """Only one holder at a time; only the holder releases it; it expires on its own."""
    feed = "https://a.example/rss"
    token = registry.lease(feed, 30)
    assert token and registry.lease(feed, 30) is None
    registry.release(feed, "someone-else")
    assert registry.lease(feed, 30) is None
    assert 0 < redis_client.pttl(KEYS.feed_lease(feed)) <= 30_000
    registry.release(feed, token)
    assert registry.lease(feed, 30)


def test_backoff_delay() -> None:
    """The interval after a success or a first error, then doubling, capped, and never
    before Retry-After."""
    assert [backoff_delay(900, e) for e in (0, 1, 2, 3, 4)] == [900, 900, 1800, 3600, 7200]
    assert backoff_delay(900, 30) == MAX_BACKOFF
    assert backoff_delay(900, 1, retry_after=7200) == 7200
    assert backoff_delay(900, 3, retry_after=60) == 3600


def test_failures_back_off_and_mark_unhealthy(registry: FeedRegistry) -> None:
    registry.add("https://a.example/rss", interval=100)
    canonical = "https://a.example/rss"
    for _ in range(5):
        registry.record_failure(registry.get(canonical), "failed", "HTTP 500 Internal Server Error")
    state = registry.get(canonical)
    assert state.errors == 5 and not state.healthy(max_errors=5)
    assert state.next_poll > time.time() + 100 * 2**3 - 60
    assert not registry.due(time.time(), 10)
    registry.record_success(state, "200 rss20", 3, {"etag": '"x"'}, "A News", None)
    state = registry.get(canonical)
    assert (state.errors, state.items_seen, state.etag, state.title) == (0, 3, '"x"', "A News")
    assert state.healthy(max_errors=5) and state.last_success


def test_a_removed_feed_stays_removed_after_its_poll(registry: FeedRegistry) -> None:
    registry.add("https://a.example/rss")
    state = registry.get("https://a.example/rss")
    registry.remove("https://a.example/rss")
    registry.record_success(state, "200 rss20", 1, {}, None, None)
    assert registry.all() == []


def test_left_over_items_bring_the_next_poll_forward(registry: FeedRegistry) -> None:
    """A poll that left items over is followed within a minute, not an interval; the next
    complete one goes back to the interval."""
    registry.add("https://big.example/rss", interval=3600)
    state = registry.get("https://big.example/rss")
    registry.record_success(state, "200 rss20", 500, {}, None, None, skipped=0, left_over=9500)
    capped = registry.get("https://big.example/rss")
    assert capped.left_over == 9500 and capped.next_poll <= time.time() + LEFT_OVER_DELAY
    registry.record_success(capped, "200 rss20", 500, {}, None, None, skipped=0)
    done = registry.get("https://big.example/rss")
    assert done.left_over == 0 and done.next_poll > time.time() + 3600 - 60


def test_skipped_links_are_counted_per_poll_and_in_total(registry: FeedRegistry) -> None:
    """Each document read sets the last count and adds to the total; a 304 (nothing read)
    changes neither."""
    registry.add("https://a.example/rss")
    canonical = "https://a.example/rss"
    registry.record_success(registry.get(canonical), "200 rss20", 1, {}, None, None, skipped=3)
    registry.record_success(registry.get(canonical), "200 rss20", 0, {}, None, None, skipped=2)
    registry.record_success(registry.get(canonical), "304 not modified", 0, {}, None, None)
    state = registry.get(canonical)
    assert (state.links_skipped, state.links_skipped_total) == (2, 5)
