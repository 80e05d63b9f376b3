"""Test setup: a private redis-server for the whole session, started the way the embedded
default starts one, on a unix socket in a temporary folder. Never the machine's own Redis."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"

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


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    found = sorted(SEEDS.glob("*.txt"))
    if not found:
        pytest.fail(f"the seed texts are missing: expected them in {SEEDS}")
    return found
