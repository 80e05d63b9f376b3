"""newsflow's Prometheus metrics: what each role counts, and the multiprocess setup of
`newsflow run`, whose worker processes write their counts to files the parent serves.

Every metric has labels, even where one value would do: prometheus_client makes the value
of a labelled metric when it is first counted, so `run` can switch this process to its
multiprocess files after the import and lose no count made before. Label values come
from small fixed sets (the classes below), never from an input, so no label can grow
without bound. The gauges read from Redis at scrape time are in redis_gauges.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram, values
from prometheus_client.multiprocess import mark_process_dead

if TYPE_CHECKING:
    import httpx

INPUTS_TAKEN = Counter(
    "newsflow_inputs_taken",
    "Inputs queued for the first stage, by source type.",
    ["source"],
)
INPUTS_REFUSED = Counter(
    "newsflow_inputs_refused",
    "Inputs refused at intake (each with a `dead` entry), by source type.",
    ["source"],
)
ARTICLES_PUBLISHED = Counter(
    "newsflow_articles_published",
    "Entries appended to the articles stream, by dedup status.",
    ["status"],
)
DEAD = Counter(
    "newsflow_dead",
    "Entries appended to the dead stream, by stage and class of reason.",
    ["stage", "reason"],
)
STAGE_SECONDS = Histogram(
    "newsflow_stage_seconds",
    "Time a worker spent on one message of a stage, whatever its outcome.",
    ["stage"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
STAGE_RUNS = Counter(
    "newsflow_stage_runs",
    "Messages a stage finished: done, failed (retried, or buried once out of retries) "
    "or skipped (a message that killed its worker too often).",
    ["stage", "outcome"],
)
FETCHES = Counter(
    "newsflow_fetches",
    "HTTP requests of pages, feeds and robots.txt: each answer by its status class; "
    "a connection that failed, timed out or broke off as error.",
    ["status_class"],
)
FEED_POLLS = Counter(
    "newsflow_feed_polls",
    "Feed polls, by outcome.",
    ["outcome"],
)
WORKER_RESTARTS = Counter(
    "newsflow_worker_restarts",
    "Worker processes of `newsflow run` restarted after dying: killed by a signal or exited.",
    ["cause"],
)
PROCESSES = Gauge(
    "newsflow_processes",
    "Live processes exporting these metrics, by role.",
    ["role"],
    multiprocess_mode="livesum",
)

#: Stages a dead entry can name; anything else is counted as `other`.
DEAD_STAGES = frozenset({"intake", "extract", "entities", "dedup", "publish"})

#: The class of a dead entry's reason, by how the reason begins: every reason newsflow
#: writes starts with what happened ("too large: ...", "refused: ...", "HTTP 404 ...").
#: The first match wins.
REASON_CLASSES: tuple[tuple[str, str], ...] = (
    ("refused", "refused"),  # a link out of the inbox, an address, robots.txt, XML entities
    ("too large", "too_large"),
    ("too slow", "too_slow"),
    ("http ", "http_4xx"),  # final statuses only: a 5xx or 429 is retried, then exhausted
    ("too many redirects", "http_4xx"),
    ("bad redirect", "http_4xx"),
    ("no article found", "not_article"),
    ("not html", "not_article"),
    ("not text", "not_article"),
    ("empty input", "not_article"),
    ("unsupported", "not_article"),
    ("not a feed", "not_article"),
    ("not a valid url", "invalid"),
    ("not a web address", "invalid"),
    ("cannot resolve", "invalid"),
    ("the file name is not valid utf-8", "invalid"),
    ("file not found", "unreadable"),
    ("permission denied", "unreadable"),
    ("not a regular file", "unreadable"),
    ("could not read", "unreadable"),
    ("file changed after", "unreadable"),
    ("article record expired", "unreadable"),
    ("gave up after", "exhausted"),
    ("poison", "poison"),
)

#: Feed poll outcomes by the status a poll reports (workers/inputs/poller.py's PollResult).
POLL_OUTCOMES = {
    "304": "not_modified",
    "postponed": "postponed",
    "retry later": "retry_later",
    "failed": "failed",
    "crashed": "crashed",
}

#: Where `newsflow run` keeps its processes' metric files, under NEWSFLOW_HOME.
MULTIPROCESS_FOLDER = "metrics"


def reason_class(reason: str) -> str:
    """The class of a dead entry's reason: one of REASON_CLASSES' values, or `other`."""
    text = reason.lstrip().lower()
    return next((name for start, name in REASON_CLASSES if text.startswith(start)), "other")


def status_class(status: int | None) -> str:
    """`2xx` ... `5xx` for an HTTP status; `error` for none (no answer)."""
    return f"{status // 100}xx" if status is not None and 200 <= status < 600 else "error"


def poll_outcome(status: str) -> str:
    """`ok` for a feed fetched and read (its HTTP status), else the poll's own outcome."""
    if status.isdigit() and status != "304":
        return "ok"
    return POLL_OUTCOMES.get(status, "other")


# --- what the roles count ---------------------------------------------------------------


def input_taken(source_type: str) -> None:
    INPUTS_TAKEN.labels(source_type).inc()


def published(status: str) -> None:
    ARTICLES_PUBLISHED.labels(status).inc()


def buried(stage: str, reason: str, source_type: str) -> None:
    DEAD.labels(stage if stage in DEAD_STAGES else "other", reason_class(reason)).inc()
    if stage == "intake":
        INPUTS_REFUSED.labels(source_type).inc()


def stage_finished(stage: str, outcome: str, seconds: float) -> None:
    STAGE_SECONDS.labels(stage).observe(seconds)
    STAGE_RUNS.labels(stage, outcome).inc()


def fetch_answered(status: int | None) -> None:
    """One HTTP answer (its status), or a request that got none (None)."""
    FETCHES.labels(status_class(status)).inc()


def count_answer(response: httpx.Response) -> None:
    """An httpx response hook: each answer, by its status, as soon as its headers came."""
    fetch_answered(response.status_code)


def polls_done(statuses: Iterable[str]) -> None:
    for status in statuses:
        FEED_POLLS.labels(poll_outcome(status)).inc()


def worker_restarted(returncode: int | None) -> None:
    cause = "signal" if returncode is not None and returncode < 0 else "exit"
    WORKER_RESTARTS.labels(cause).inc()


def process_started(role: str) -> None:
    """This process counts as one live process of ``role`` (`newsflow_processes`)."""
    PROCESSES.labels(role).set(1)


# --- `newsflow run`: its processes' counts in shared files -----------------------------------


def multiprocess_folder() -> Path | None:
    """The folder this process writes its metric files to, or None outside `newsflow run`."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def start_multiprocess(home: Path) -> Path:
    """Make this process and the worker processes it starts from now on write their
    metrics to files in an emptied folder under ``home``, which `run`'s /metrics sums.

    prometheus_client reads PROMETHEUS_MULTIPROC_DIR when it is imported, which in this
    process happened before the settings were known: its choice is made again here
    (children read the variable at their own start).
    """
    folder = home.absolute() / MULTIPROCESS_FOLDER
    shutil.rmtree(folder, ignore_errors=True)  # a previous run's counts are not this one's
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    values.ValueClass = values.MultiProcessValue()
    return folder


def process_gone(pid: int) -> None:
    """Forget a dead worker process's live gauges; its counts stay in the sums."""
    folder = multiprocess_folder()
    if folder is not None:
        mark_process_dead(pid, str(folder))
