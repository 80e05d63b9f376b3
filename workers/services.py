"""The one place that builds newsflow's stores and clients from the settings.

Every role (a worker's stages, the watcher, the poller, a command) asks its
`Services` for what it needs; nothing else reads the settings to build a Redis store,
a fetcher or an intake. Each is built on first use, so a role pays only for what it
touches (the command line never loads the dedup index to print a feed list).
"""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path

import redis

from pipelines.dedup.minhash import DedupConfig
from pipelines.dedup.stories import StoryConfig
from workers.inputs.filters import InboxFilter
from workers.inputs.intake import Enqueue, Intake
from workers.inputs.poller import Poller
from workers.inputs.read import InputReader
from workers.inputs.watcher import Watcher
from workers.keys import Keys
from workers.settings import Settings, get_settings
from workers.state.dedup_index import DedupIndex, IndexConfig
from workers.state.entity_registry import EntityRegistry
from workers.state.feeds import FeedRegistry
from workers.state.line_stats import LineStats
from workers.state.liveness import Liveness
from workers.state.outcome import Outcomes
from workers.web.address_guard import AllowList
from workers.web.fetch import Fetcher
from workers.web.host_gate import HostGate
from workers.web.policy import FetchPolicy

#: A worker that has not renewed its liveness for this long is taken for stopped.
LIVENESS_SECONDS = 10.0


class Services:
    """The stores and clients of one process, on one Redis client."""

    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.settings = settings
        self.client = client
        self.keys = Keys(settings.prefix)

    @cached_property
    def outcomes(self) -> Outcomes:
        return Outcomes(self.client, self.keys, self.settings.stream_maxlen)

    @cached_property
    def entity_registry(self) -> EntityRegistry:
        return EntityRegistry(self.client, self.keys, marker_ttl=self.settings.work_ttl)

    @cached_property
    def dedup_index(self) -> DedupIndex:
        settings = self.settings
        config = DedupConfig(
            threshold=settings.near_duplicate_threshold,
            revision_threshold=settings.revision_threshold,
        )
        index = IndexConfig(
            window=settings.dedup_window_hours * 3600, band_buckets=settings.dedup_band_buckets
        )
        story = StoryConfig(window_hours=settings.story_window_hours)
        return DedupIndex(self.client, self.keys, config, index, story)

    @cached_property
    def line_stats(self) -> LineStats:
        settings = self.settings
        return LineStats(
            self.client,
            self.keys,
            settings.line_stats_window,
            settings.line_stats_ttl,
            marker_ttl=settings.work_ttl,
        )

    @cached_property
    def liveness(self) -> Liveness:
        return Liveness(self.client, self.keys, ttl=LIVENESS_SECONDS)

    @cached_property
    def feed_registry(self) -> FeedRegistry:
        return FeedRegistry(self.client, self.keys, self.settings.feed_interval)

    @cached_property
    def fetch_policy(self) -> FetchPolicy:
        settings = self.settings
        return FetchPolicy(
            max_bytes=settings.max_bytes,
            connect_timeout=settings.fetch_connect_timeout,
            read_timeout=settings.fetch_read_timeout,
            total_timeout=settings.fetch_total_timeout,
            max_redirects=settings.fetch_max_redirects,
            user_agent=settings.fetch_user_agent,
            allow=AllowList.parse(settings.fetch_allow),
            robots=settings.fetch_robots,
            host_concurrency=settings.fetch_host_concurrency,
            host_delay=settings.fetch_host_delay,
            host_wait=settings.fetch_host_wait,
        )

    @cached_property
    def fetcher(self) -> Fetcher:
        """Thread-safe; one per process shares its connections and the host gate."""
        policy = self.fetch_policy
        return Fetcher(policy, HostGate(self.client, self.keys, policy), self.client, self.keys)

    @cached_property
    def input_reader(self) -> InputReader:
        return InputReader(self.settings.max_bytes, lambda: self.fetcher)

    def poller(self, enqueue: Enqueue) -> Poller:
        """A feed poller on these services' fetcher and feed registry, queueing new items
        with ``enqueue``."""
        return Poller(
            self.client,
            self.keys,
            self.feed_registry,
            self.fetcher,
            self.intake(enqueue),
            self.settings.feed_poll_threads,
            self.settings.feed_max_new_items,
        )

    def watcher(self, enqueue: Enqueue, inbox: Path | None = None) -> Watcher:
        """A watcher of ``inbox`` (default: NEWSFLOW_INBOX), queueing with ``enqueue``."""
        settings = self.settings
        return Watcher(
            inbox or settings.inbox,
            self.intake(enqueue),
            settings.settle_seconds,
            settings.rescan_seconds,
            self.inbox_filter,
        )

    @cached_property
    def inbox_filter(self) -> InboxFilter:
        """The files of the inbox, or of a folder given to `ingest`, that are taken."""
        return InboxFilter.from_settings(self.settings)

    def intake(self, enqueue: Enqueue) -> Intake:
        """An intake that hands each new input to ``enqueue`` (the first stage's queue:
        `workers.stages.chain.start`)."""
        settings = self.settings
        return Intake(
            self.client,
            self.keys,
            self.outcomes,
            settings.max_bytes,
            enqueue,
            settings.input_transport,
            settings.work_ttl,
        )


_lock = threading.Lock()
_services: tuple[Settings, Services] | None = None


def process_services() -> Services:
    """This process's services, on the broker's Redis client, built on first use."""
    global _services
    settings = get_settings()
    with _lock:
        if _services is None or _services[0] is not settings:
            from workers.runtime.broker import broker

            _services = (settings, Services(settings, broker.client))
        return _services[1]
