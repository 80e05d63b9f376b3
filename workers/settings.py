"""Configuration: NEWSFLOW_* environment variables, also read from a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", env_file=".env", extra="ignore")

    #: External Redis (redis://, rediss://, unix://); unset means the embedded one.
    redis_url: str | None = None
    home: Path = Path(".newsflow")
    prefix: str = "newsflow"
    inbox: Path = Path("inbox")
    stream_maxlen: int = 1_000_000
    feed_interval: int = 900
    fetch_allow: str = ""
    #: Inputs larger than this go to `dead` unread.
    max_bytes: int = 10_000_000
    #: An HTML page whose extraction takes longer (seconds) goes to `dead` as too slow.
    extract_timeout: float = 30.0
    #: Address-space cap (MB) of each extraction child process; over it, `dead` as too large.
    extract_memory_mb: int = 2048
    #: NER reads at most this many characters of an article (the record notes a cut).
    ner_max_chars: int = 200_000
    #: Estimated Jaccard similarity from which an article is a near duplicate.
    near_duplicate_threshold: float = 0.8
    #: Estimated Jaccard similarity from which an article of the same source family
    #: (URL, folder, headline) is a revision of an earlier one (`dedup.revision_of`).
    revision_threshold: float = 0.2
    #: Dedup compares an article with those indexed in the last 1 to 2 windows.
    dedup_window_hours: float = 168.0
    #: Bucket hashes per LSH band and window: about the articles per window / 64.
    dedup_band_buckets: int = 16384
    #: Stories join articles this many hours apart at most.
    story_window_hours: float = 72.0
    #: How long an article in flight between two stages is kept (seconds).
    work_ttl: int = 7 * 24 * 3600
    #: A worker silent this long (ms) is presumed dead; its messages go back to the queue.
    heartbeat_timeout_ms: int = 30_000
    #: How many broker commands in a million also look for dead workers (dramatiq maintenance),
    #: besides a look every heartbeat_timeout/10 (at least 1 s) per queue.
    maintenance_chance: int = 1000
    #: A stopping worker lets messages in flight finish this long (seconds), then hands
    #: the rest back to their queues.
    stop_grace_seconds: float = 60.0
    #: DEBUG, INFO, WARNING or ERROR.
    log_level: str = "INFO"
    #: A file counts as completely written once its size and mtime hold still this long.
    settle_seconds: float = 1.0
    #: The watcher rescans the inbox this often (seconds) for files its events missed, and
    #: for files taken lately whose queueing a Redis crash lost.
    rescan_seconds: float = 30.0
    # Learned repetition of text lines per source (workers/state/line_stats.py).
    #: Documents per generation of a source's line counts (two generations are kept).
    line_stats_window: int = 500
    #: A source's line counts expire this long (seconds) after its last document.
    line_stats_ttl: int = 90 * 24 * 3600
    # Fetching pages and feeds (workers/web/fetch.py).
    fetch_connect_timeout: float = 5.0
    fetch_read_timeout: float = 20.0
    #: Bound on one whole download, however slowly the server trickles it.
    fetch_total_timeout: float = 60.0
    fetch_max_redirects: int = 5
    fetch_user_agent: str = "newsflow/0.1 (news ingest service; respects robots.txt)"
    #: Honour robots.txt when fetching article pages (feeds are fetched as subscribed).
    fetch_robots: bool = True
    #: Requests in flight to one host at once, across all processes.
    fetch_host_concurrency: int = 2
    #: Seconds between the starts of two requests to one host, across all processes.
    fetch_host_delay: float = 1.0
    #: Seconds a fetch waits for its turn at a busy host before it is put back in the queue.
    fetch_host_wait: float = 5.0
    # The feed poller (workers/rss_poller.py).
    #: Consecutive failed polls after which a feed is shown as unhealthy.
    feed_max_errors: int = 5
    #: Feeds polled at once by one poller.
    feed_poll_threads: int = 8


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
