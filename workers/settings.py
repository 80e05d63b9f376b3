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
    #: Estimated Jaccard similarity from which an article is a near duplicate.
    near_duplicate_threshold: float = 0.8
    #: How long an article in flight between two stages is kept (seconds).
    work_ttl: int = 7 * 24 * 3600
    #: A worker silent this long (ms) is presumed dead; its messages go back to the queue.
    heartbeat_timeout_ms: int = 30_000
    #: How many broker commands in a million also look for dead workers (dramatiq maintenance).
    maintenance_chance: int = 1000
    #: DEBUG, INFO, WARNING or ERROR.
    log_level: str = "INFO"
    #: A file counts as completely written once its size and mtime hold still this long.
    settle_seconds: float = 1.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
