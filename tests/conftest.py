"""Test setup: a private redis-server for the whole session, started the way the embedded
default starts one, on a unix socket in a temporary folder. Never the machine's own Redis.

Also the one place that finds the shared data beside the clone (``../shared``: the seed
texts and the evaluation sets). The tests need it (CI always has it), so a missing
folder or file fails the test, or the collection of a module that parametrises on it,
with one line naming the path: it is never skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

#: The shared data folder, beside the repository's clone (read in place, never copied in).
SHARED = Path(__file__).resolve().parents[2] / "shared"

_server = None


def pytest_configure(config: pytest.Config) -> None:
    """Start the session's Redis before any test module imports `workers` (the broker is
    built at import time from NEWSFLOW_REDIS_URL)."""
    global _server
    from workers.runtime.embedded import EmbeddedRedis

    home = Path(tempfile.mkdtemp(prefix="nf-test-"))
    _server = EmbeddedRedis(home)
    _server.start()
    os.environ["NEWSFLOW_REDIS_URL"] = _server.url
    os.environ["NEWSFLOW_PREFIX"] = "nftest"
    os.environ["NEWSFLOW_SETTLE_SECONDS"] = "0.3"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()
        shutil.rmtree(_server.home, ignore_errors=True)


@pytest.fixture
def redis_client():
    """A client of the session's private Redis, emptied before each test."""
    import redis

    client = redis.Redis.from_url(os.environ["NEWSFLOW_REDIS_URL"])
    client.flushdb()
    yield client
    client.close()


# --- the shared data ----------------------------------------------------------------------


def shared_dir(*parts: str) -> Path:
    """A folder of the shared data (``shared_dir("eval", "feeds")``); fails if it is missing.

    Usable at module level, where parametrisation needs the paths at collection time.
    """
    folder = SHARED.joinpath(*parts)
    if not folder.is_dir():
        pytest.fail(f"shared test data missing: no folder {folder}", pytrace=False)
    return folder


def shared_file(*parts: str) -> Path:
    """One file of the shared data (``shared_file("eval", "feeds", name)``); fails if missing."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"shared test data missing: no file {path}", pytrace=False)
    return path


def shared_files(*parts: str, pattern: str) -> list[Path]:
    """The files of a shared data folder matching ``pattern``, sorted; fails if there are none."""
    folder = shared_dir(*parts)
    found = sorted(folder.glob(pattern))
    if not found:
        pytest.fail(f"shared test data missing: no {pattern} in {folder}", pytrace=False)
    return found


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder beside the clone."""
    return shared_dir()


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    """The seed texts (shared/seeds/*.txt), sorted by name."""
    return shared_files("seeds", pattern="*.txt")


@pytest.fixture(scope="session")
def eval_extraction() -> Path:
    """The extraction evaluation set's folder: <id>.html pages and their <id>.json gold."""
    return shared_dir("eval", "extraction")


@pytest.fixture(scope="session")
def eval_pages() -> list[Path]:
    """The extraction evaluation set's HTML pages, sorted by name."""
    return shared_files("eval", "extraction", pattern="*.html")


@pytest.fixture(scope="session")
def eval_feeds() -> Path:
    """The folder of real feeds (shared/eval/feeds)."""
    return shared_dir("eval", "feeds")
