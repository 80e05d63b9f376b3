"""Configuration: NEWSFLOW_* environment variables, also read from a `.env` file.

The environment wins over `.env`, which wins over the defaults. Every value with a closed
set or a range is checked here, by its type, so a bad one is refused in one place with
one line naming the variable and what it accepts (`InvalidSettings`); every entry point
turns that into a message and exit status 2 (`settings_or_exit`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn
from urllib.parse import urlsplit

from pathspec import GitIgnoreSpec
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    SettingsConfigDict,
)

ENV_PREFIX = "NEWSFLOW_"
ENV_FILE = ".env"


@dataclass(frozen=True)
class Accepts:
    """What a setting accepts, in words, for the message that refuses a bad value."""

    text: str
    #: Whether the message ends with the default as an example (`(e.g. 900)`).
    example: bool = True


def _redis_scheme(url: str | None) -> str | None:
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("not a redis://, rediss:// or unix:// URL")
    return url


def _unset_if_empty(value: object) -> object:
    return None if value == "" else value


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


RedisUrl = Annotated[
    str | None,
    BeforeValidator(_unset_if_empty),
    AfterValidator(_redis_scheme),
    Accepts("a redis://, rediss:// or unix:// URL, or empty for the embedded Redis", False),
]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR"],
    BeforeValidator(_upper),
    Accepts("one of DEBUG, INFO, WARNING, ERROR (any case)", False),
]
Count = Annotated[int, Field(gt=0), Accepts("a whole number above 0")]
Seconds = Annotated[float, Field(gt=0), Accepts("a number of seconds above 0")]
SecondsOrZero = Annotated[float, Field(ge=0), Accepts("a number of seconds, 0 or more")]
WholeSeconds = Annotated[int, Field(gt=0), Accepts("a whole number of seconds above 0")]
Milliseconds = Annotated[int, Field(gt=0), Accepts("a whole number of milliseconds above 0")]
Hours = Annotated[float, Field(gt=0), Accepts("a number of hours above 0")]
Bytes = Annotated[int, Field(gt=0), Accepts("a whole number of bytes above 0")]
Megabytes = Annotated[int, Field(gt=0), Accepts("a whole number of MB above 0")]
Similarity = Annotated[float, Field(ge=0, le=1), Accepts("a number from 0 to 1")]


def glob_patterns(text: str) -> list[str]:
    """The patterns of a comma-separated list, blanks dropped."""
    return [pattern.strip() for pattern in text.split(",") if pattern.strip()]


def _valid_globs(text: str) -> str:
    GitIgnoreSpec.from_lines(glob_patterns(text))  # raises ValueError on a bad pattern
    return text


_AGE_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _age_seconds(value: object) -> object:
    """`3600`, `90s`, `30m`, `12h` or `7d` as whole seconds; empty as 0."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return 0
    age = re.fullmatch(r"(\d+)\s*([smhd]?)", value.strip().lower())
    if age is None:
        raise ValueError("not an age")
    return int(age[1]) * _AGE_UNITS[age[2]]


def _spacy_pipeline(name: str | None) -> str | None:
    """An installed spaCy pipeline package, or a folder holding a saved pipeline."""
    if name is None or Path(name).expanduser().joinpath("config.cfg").is_file():
        return name
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution(name)
    except PackageNotFoundError:
        raise ValueError("no such spaCy pipeline") from None
    return name


NerModel = Annotated[
    str | None,
    BeforeValidator(_unset_if_empty),
    AfterValidator(_spacy_pipeline),
    Accepts(
        "an installed spaCy pipeline (a package such as en_core_web_md, or a folder holding "
        "one), or empty for the bundled small English model",
        False,
    ),
]
Globs = Annotated[
    str,
    AfterValidator(_valid_globs),
    Accepts("comma-separated gitignore-style patterns (*.html, news/**/*.txt, archive/)", False),
]
Age = Annotated[
    int,
    BeforeValidator(_age_seconds),
    Field(ge=0),
    Accepts("a whole number of seconds or one with a unit (90s, 30m, 12h, 7d); 0 for off", False),
]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=ENV_FILE, extra="ignore")

    #: External Redis (redis://, rediss://, unix://); unset means the embedded one.
    redis_url: RedisUrl = None
    home: Path = Path(".newsflow")
    prefix: str = "newsflow"
    inbox: Path = Path("inbox")
    stream_maxlen: Count = 1_000_000
    feed_interval: WholeSeconds = 900
    fetch_allow: str = ""
    #: Inputs larger than this go to `dead` unread.
    max_bytes: Bytes = 10_000_000
    #: An HTML page whose extraction takes longer (seconds) goes to `dead` as too slow.
    extract_timeout: Seconds = 30.0
    #: Address-space cap (MB) of each extraction child process; over it, `dead` as too large.
    extract_memory_mb: Megabytes = 2048
    #: NER reads at most this many characters of an article (the record notes a cut).
    ner_max_chars: Count = 200_000
    #: The spaCy pipeline NER runs (its "ner" component); unset: the bundled small model.
    ner_model: NerModel = None
    #: Worker processes of `newsflow run`; 0: one per usable core, as memory allows.
    processes: Annotated[
        int, Field(ge=0), Accepts("a whole number of processes, or 0 for one per core")
    ] = 0
    #: Jaccard similarity (exact near the line) from which an article is a near duplicate.
    near_duplicate_threshold: Similarity = 0.8
    #: Jaccard similarity from which an article of the same source family
    #: (URL, folder, headline) is a revision of an earlier one (`dedup.revision_of`).
    revision_threshold: Similarity = 0.2
    #: Dedup compares an article with those indexed in the last 1 to 2 windows.
    dedup_window_hours: Hours = 168.0
    #: Bucket hashes per LSH band and window: about the articles per window / 64.
    dedup_band_buckets: Count = 16384
    #: Stories join articles this many hours apart at most.
    story_window_hours: Hours = 72.0
    #: How long an article in flight between two stages is kept (seconds).
    work_ttl: WholeSeconds = 7 * 24 * 3600
    #: How an inbox file reaches the worker: its bytes in Redis (`redis`: workers on any
    #: host), or only its path (`path`: every worker must see the inbox, one host).
    input_transport: Annotated[
        Literal["redis", "path"], Accepts("redis (workers on any host) or path", False)
    ] = "redis"
    #: A worker silent this long (ms) is presumed dead; its messages go back to the queue.
    heartbeat_timeout_ms: Milliseconds = 30_000
    #: How many broker commands in a million also look for dead workers (dramatiq maintenance),
    #: besides a look every heartbeat_timeout/10 (at least 1 s) per queue.
    maintenance_chance: Annotated[
        int, Field(ge=0, le=1_000_000), Accepts("a whole number from 0 to 1000000")
    ] = 1000
    #: A stopping worker lets messages in flight finish this long (seconds), then hands
    #: the rest back to their queues.
    stop_grace_seconds: SecondsOrZero = 60.0
    #: An idle worker waits on Redis (BLPOP) to be woken by a new message; false: it polls
    #: with dramatiq's backoff (up to 1 s per stage), for a Redis proxy without blocking commands.
    wakeups: Annotated[bool, Accepts("true or false", False)] = True
    #: DEBUG, INFO, WARNING or ERROR.
    log_level: LogLevel = "INFO"
    #: A file counts as completely written once its size and mtime hold still this long.
    settle_seconds: SecondsOrZero = 1.0
    #: The watcher rescans the inbox this often (seconds) for files its events missed, and
    #: for files taken lately whose queueing a Redis crash lost.
    rescan_seconds: Seconds = 30.0
    #: Keep each web page's fetched bytes in Redis (30 days), so that `newsflow reprocess`
    #: processes the same bytes again instead of fetching the page anew.
    keep_raw: Annotated[bool, Accepts("true or false", False)] = False
    #: Inbox files taken: only those matching one of these patterns (empty: all) and none of
    #: the exclude patterns; relative to the inbox, gitignore-style (workers/inputs/filters.py).
    inbox_include: Globs = ""
    inbox_exclude: Globs = ""
    #: A file whose mtime is older than this (seconds) when the watcher finds it is not taken.
    inbox_ignore_older: Age = 0
    # Learned repetition of text lines per source (workers/state/line_stats.py).
    #: Documents per generation of a source's line counts (two generations are kept).
    line_stats_window: Count = 500
    #: A source's line counts expire this long (seconds) after its last document.
    line_stats_ttl: WholeSeconds = 90 * 24 * 3600
    # Fetching pages and feeds (workers/web/fetch.py).
    fetch_connect_timeout: Seconds = 5.0
    fetch_read_timeout: Seconds = 20.0
    #: Bound on one whole download, however slowly the server trickles it.
    fetch_total_timeout: Seconds = 60.0
    fetch_max_redirects: Annotated[int, Field(ge=0), Accepts("a whole number, 0 or more")] = 5
    fetch_user_agent: str = "newsflow/0.1 (news ingest service; respects robots.txt)"
    #: Honour robots.txt when fetching article pages (feeds are fetched as subscribed).
    fetch_robots: Annotated[bool, Accepts("true or false", False)] = True
    #: Requests in flight to one host at once, across all processes.
    fetch_host_concurrency: Count = 2
    #: Seconds between the starts of two requests to one host, across all processes.
    fetch_host_delay: SecondsOrZero = 1.0
    #: Seconds a fetch waits for its turn at a busy host before it is put back in the queue.
    fetch_host_wait: SecondsOrZero = 5.0
    # The feed poller (workers/rss_poller.py).
    #: Consecutive failed polls after which a feed is shown as unhealthy.
    feed_max_errors: Count = 5
    #: Feeds polled at once by one poller.
    feed_poll_threads: Count = 8
    #: New items one poll of a feed queues at most; a longer backlog drains a poll a minute.
    feed_max_new_items: Count = 500
    # Prometheus metrics and health probes (workers/runtime/probes.py).
    #: TCP port of /metrics, /healthz and /readyz; 0 serves none of them.
    metrics_port: Annotated[
        int, Field(ge=0, le=65535), Accepts("a TCP port from 1 to 65535, or 0 for none", False)
    ] = 0
    #: Address the probes listen on: loopback unless a scraper elsewhere must reach them.
    metrics_host: str = "127.0.0.1"
    #: /readyz fails when a stage's oldest waiting message has not moved for this long.
    ready_stall_seconds: Seconds = 120.0


class InvalidSettings(ValueError):
    """Settings with bad values: one line per bad value, saying what to set instead."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once.

    Raises:
        InvalidSettings: a value is not one the setting accepts.
    """
    try:
        return Settings()
    except ValidationError as error:
        raise InvalidSettings(_reasons(error)) from None


def settings_or_exit() -> Settings:
    """The settings, or each bad value's line on stderr and exit status 2 (entry points)."""
    try:
        return get_settings()
    except InvalidSettings as error:
        _exit_with(error.reasons)


def _exit_with(reasons: list[str]) -> NoReturn:
    for reason in reasons:
        print(f"newsflow: {reason}", file=sys.stderr)
    raise SystemExit(2)


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def sources() -> dict[str, str]:
    """Where each setting's value comes from: `environment`, `.env` or `default`."""
    given = _given()
    return {name: given[name][1] if name in given else "default" for name in Settings.model_fields}


def _given() -> dict[str, tuple[Any, str]]:
    """The values set outside the code, as set, with where: `environment` or `.env`."""
    given = {name: (value, ".env") for name, value in DotEnvSettingsSource(Settings)().items()}
    for name, value in EnvSettingsSource(Settings)().items():
        given[name] = (value, "environment")  # the environment wins, as in Settings()
    return given


def shown(field: str, value: Any) -> Any:
    """A setting's value as it may be shown: the password in a Redis URL as `***`."""
    if field == "redis_url" and isinstance(value, str):
        return masked_url(value)
    return value


def masked_url(url: str) -> str:
    """``url`` with its password, in the user part or a `password=` parameter, as `***`."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user_info, _, host = netloc.rpartition("@")
        netloc = f"{user_info.partition(':')[0]}:***@{host}"
    query = "&".join(
        "password=***" if pair.partition("=")[0] == "password" else pair
        for pair in parts.query.split("&")
    )
    # Put together by hand: urlunsplit drops the `//` of `unix:///path`.
    masked = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else f"{netloc}{parts.path}"
    masked += f"?{query}" if query else ""
    return masked + (f"#{parts.fragment}" if parts.fragment else "")


def _reasons(error: ValidationError) -> list[str]:
    given = _given()
    reasons = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        if field not in Settings.model_fields:
            reasons.append(f"settings not valid: {problem['msg']}")
            continue
        value, origin = given.get(field, (problem["input"], "default"))
        where = f" in {Path(ENV_FILE).absolute()}" if origin == ".env" else ""
        value = shown(field, value)
        reasons.append(f"{env_name(field)}={value!r}{where} is not valid: {_accepted(field)}")
    return reasons


def _accepted(field: str) -> str:
    info = Settings.model_fields[field]
    accepts = next((m for m in info.metadata if isinstance(m, Accepts)), None)
    if accepts is None:
        return "a value of the documented form (see the README)"
    if accepts.example:
        return f"{accepts.text} (e.g. {info.default:g})"
    return accepts.text
