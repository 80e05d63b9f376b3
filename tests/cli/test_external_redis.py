"""NEWSFLOW_REDIS_URL with a password and a db number: every command uses that server."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from tests.cli.helpers import clean_env, run_cli
from workers.keys import Keys
from workers.runtime.embedded import find_redis_server

#: Key names under the default prefix: the commands run with no NEWSFLOW_PREFIX.
KEYS = Keys()

PASSWORD = "s3cret-for-tests"


@pytest.fixture
def protected_redis():
    """A redis-server of our own on a unix socket, with a password."""
    home = Path(tempfile.mkdtemp(prefix="nf-ext-"))
    socket = home / "redis.sock"
    server = subprocess.Popen(
        [find_redis_server(), "--port", "0", "--unixsocket", str(socket), "--save", "",
         "--appendonly", "no", "--requirepass", PASSWORD, "--dir", str(home)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not socket.exists():
        assert server.poll() is None, "redis-server exited"
        if time.monotonic() > deadline:
            pytest.fail("redis-server did not come up")
        time.sleep(0.05)
    yield socket
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(home, ignore_errors=True)


def newsflow(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`newsflow ARGS` with only NEWSFLOW_REDIS_URL set (and a home it must not use)."""
    with tempfile.TemporaryDirectory(prefix="nf-unused-") as unused_home:
        return run_cli(*args, env=clean_env(NEWSFLOW_REDIS_URL=url, NEWSFLOW_HOME=unused_home))


def test_password_and_db_from_the_url(protected_redis):
    """`tail` reads db 3 of a password-protected server, and no embedded server is started."""
    client = redis.Redis(unix_socket_path=str(protected_redis), password=PASSWORD, db=3)
    client.xadd(KEYS.articles, {"id": "feedc0ffee000001", "status": "unique", "data": "{}"})
    url = f"unix://:{PASSWORD}@{protected_redis}?db=3"
    result = newsflow(url, "tail")
    assert result.returncode == 0, result.stderr
    assert '"id":"feedc0ffee000001"' in result.stdout
    assert "embedded" not in result.stderr


def test_wrong_password_is_a_clear_error(protected_redis):
    """A wrong password makes `status` fail with a reason and a hint, not a traceback."""
    result = newsflow(f"unix://:wrong@{protected_redis}?db=3", "status")
    assert result.returncode != 0
    assert "cannot reach Redis" in result.stderr and "NEWSFLOW_REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr
