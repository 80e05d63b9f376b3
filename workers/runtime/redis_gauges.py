"""The gauges read from Redis when /metrics is scraped: queues, streams, consumer groups,
live workers, feeds. They describe the whole service, not one process, so one role serves
them (`newsflow run`, or the watcher when the roles run apart; see probes.py), and a
Prometheus summing over every worker never counts a queue twice.

The figures are those of `newsflow status` (workers/state/overview.py), read piece by
piece: its last-minute counts read up to a thousand whole records, too much for a scrape.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from workers.keys import Keys
from workers.state import overview
from workers.state.feeds import FeedRegistry

log = structlog.get_logger("newsflow.metrics")


class RedisGauges:
    """A prometheus_client collector of the service's figures in Redis."""

    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        queues: tuple[str, ...],
        liveness_ttl: float,
        feeds: FeedRegistry,
        max_feed_errors: int,
    ) -> None:
        self._client = client
        self._keys = keys
        self._queues = queues
        self._liveness_ttl = liveness_ttl
        self._feeds = feeds
        self._max_feed_errors = max_feed_errors

    def describe(self) -> list[Metric]:
        """The families without samples, so that registering reads nothing from Redis."""
        return list(_families().values())

    def collect(self) -> Iterator[Metric]:
        families = _families()
        try:
            self._read(families)
        except redis.RedisError as error:  # the scrape still answers, saying Redis did not
            log.warning("metrics_redis_unreachable", error=str(error))
            yield GaugeMetricFamily("newsflow_redis_up", _REDIS_UP, value=0)
            return
        yield GaugeMetricFamily("newsflow_redis_up", _REDIS_UP, value=1)
        yield from families.values()

    def _read(self, families: dict[str, GaugeMetricFamily]) -> None:
        client, keys = self._client, self._keys
        for counts in (overview.queue_counts(client, keys, q) for q in self._queues):
            for state in ("queued", "in_flight", "delayed", "failed"):
                families["queue"].add_metric([counts.queue, state], getattr(counts, state))
        for stream in (keys.articles, keys.dead):
            families["stream"].add_metric([stream], client.xlen(stream))
            for group in overview.stream_groups(client, stream)[0]:
                families["pending"].add_metric([stream, group.group], group.pending)
                if group.lag is not None:
                    families["lag"].add_metric([stream, group.group], group.lag)
        workers = overview.live_workers(client, keys, self._liveness_ttl)
        families["workers"].add_metric([], len(workers))
        health = overview.feed_health(self._feeds, self._max_feed_errors)
        families["feeds"].add_metric(["ok"], health.ok)
        families["feeds"].add_metric(["unhealthy"], health.unhealthy)


_REDIS_UP = "1 when Redis answered this scrape's reads, else 0 (and no other Redis figure)."


def _families() -> dict[str, GaugeMetricFamily]:
    return {
        "queue": GaugeMetricFamily(
            "newsflow_queue_messages",
            "Messages of a stage's queue: queued (waiting for a worker), in_flight (taken, "
            "not acknowledged), delayed (waiting out a retry backoff), failed.",
            labels=["queue", "state"],
        ),
        "stream": GaugeMetricFamily(
            "newsflow_stream_length", "Entries in an output stream.", labels=["stream"]
        ),
        "pending": GaugeMetricFamily(
            "newsflow_consumer_group_pending",
            "Entries delivered to a consumer group's members and not acknowledged.",
            labels=["stream", "group"],
        ),
        "lag": GaugeMetricFamily(
            "newsflow_consumer_group_lag",
            "Entries a consumer group has not been delivered yet (Redis 7 and later).",
            labels=["stream", "group"],
        ),
        "workers": GaugeMetricFamily(
            "newsflow_workers_live", "Worker processes whose liveness has not run out."
        ),
        "feeds": GaugeMetricFamily(
            "newsflow_feeds", "Registered feeds, by health.", labels=["health"]
        ),
    }
