"""The feed registry in Redis: add, remove, leases, backoff and health (the `newsflow feeds`
command: tests/cli/test_feeds_command.py)."""

from __future__ import annotations

import time

import pytest

from pipelines.article import Rejected
from workers.keys import Keys
from workers.state.feeds import MAX_BACKOFF, FeedRegistry, backoff_delay

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
