"""The processes of a fault-injection run: its own redis-server and the Procfile's roles, each
in a process group of its own (so that a kill takes its children too) with its output appended
to a log file of the run's folder."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from workers.runtime.embedded import find_redis_server

#: How long a stopping role may take after SIGTERM before its group is SIGKILLed.
STOP_SECONDS = 10.0
#: Lines of each log shown in a failure report.
LOG_TAIL = 25


class Managed:
    """A process the run started, in its own process group, its output appended to a log."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict[str, str], cwd: Path):
        self.name, self.argv, self.log, self.env, self.cwd = name, argv, log, env, cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with open(self.log, "ab") as out:
            out.write(f"=== harness: start #{self.starts} at {time.time():.3f} ===\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed with its children
            )

    def exit_code(self) -> int | None:
        """None while it runs (or before its first start); its exit status once it ended."""
        return None if self.process is None else self.process.poll()

    def kill(self) -> None:
        """SIGKILL the whole group (extraction children too) and reap the process."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait()
        self._note(f"SIGKILLed at {time.time():.3f}")

    def terminate(self) -> None:
        """SIGTERM to the group if the process runs: the roles stop gracefully on it."""
        if self.process is not None and self.process.poll() is None:
            self._signal_group(signal.SIGTERM)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """SIGTERM, a graceful wait, then SIGKILL for whatever of its group is left."""
        if self.process is None:
            return
        self.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._note(f"did not stop within {timeout:g}s of SIGTERM: SIGKILL")
        self._signal_group(signal.SIGKILL)  # the group's orphans (fork server, children)
        self.process.wait()

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def _note(self, text: str) -> None:
        with open(self.log, "ab") as out:
            out.write(f"=== harness: {text} ===\n".encode())

    def tail(self, lines: int = LOG_TAIL, width: int = 400) -> str:
        """The log's last ``lines`` lines, each cut at ``width`` characters."""
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return "(no log)"
        return "\n".join(line if len(line) <= width else line[:width] + " [...]" for line in text)


class RedisServer(Managed):
    """The run's redis-server: unix socket only, append-only file, its own folder."""

    def __init__(self, folder: Path, log: Path, env: dict[str, str]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket_path = folder / "redis.sock"
        argv = [
            find_redis_server(),
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--port", "0",  # no TCP listener: nothing else can reach it, nor it anything
            "--dir", str(folder),
            "--appendonly", "yes",
            "--appendfilename", "appendonly.aof",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--logfile", "",  # to stdout: the log file
        ]  # fmt: skip
        super().__init__("redis", argv, log, env, folder)

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait until it answers PING (however long loading its AOF takes)."""
        super().start()
        deadline = time.monotonic() + timeout
        while not (reply := self._ping()).startswith(b"+PONG"):
            if self.exit_code() is not None:
                raise RuntimeError(f"redis-server exited at start:\n{self.tail()}")
            if reply.startswith(b"-LOADING"):
                deadline = time.monotonic() + timeout
            elif time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer in {timeout:g}s:\n{self.tail()}")
            time.sleep(0.02)

    def _ping(self) -> bytes:
        try:
            return send_command(self.socket_path, "PING", timeout=1.0)
        except OSError:
            return b""

    def shutdown(self, timeout: float = 30.0) -> None:
        """SHUTDOWN (the AOF is flushed and fsynced), and wait for the process to end."""
        assert self.process is not None
        with contextlib.suppress(OSError):
            send_command(self.socket_path, "SHUTDOWN", timeout=timeout)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._note("did not stop after SHUTDOWN: SIGKILL")
            self.kill()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.shutdown(timeout)
        self._signal_group(signal.SIGKILL)
        self.process.wait()


def send_command(socket_path: Path, *args: str, timeout: float = 5.0) -> bytes:
    """One command over the unix socket; the first reply line, b"" when the server hung up
    (a SHUTDOWN's answer). Raises OSError when nobody listens."""
    request = f"*{len(args)}\r\n".encode()
    for arg in args:
        request += f"${len(arg.encode())}\r\n{arg}\r\n".encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(socket_path))
        sock.sendall(request)
        reply = b""
        with contextlib.suppress(ConnectionResetError):
            while not reply.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply


@dataclass(slots=True)
class Processes:
    """The run's redis-server and roles. The injector's thread kills and restarts them while
    the run's thread may be stopping them: both hold ``lock``."""

    redis: RedisServer
    roles: list[Managed]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def named(self, name: str) -> Managed:
        [role] = [r for r in self.roles if r.name == name]
        return role

    def workers(self) -> list[Managed]:
        return [r for r in self.roles if r.name.startswith("worker-")]

    def stop(self) -> None:
        """Stop every role, then Redis. SIGTERM goes to all roles first, so that they stop
        together rather than each after the one before."""
        with self.lock:
            for role in self.roles:
                role.terminate()
            for role in self.roles:
                role.stop()
            self.redis.stop()


def role_env(prefix: str, inbox: Path, home: Path, heartbeat_timeout_ms: int) -> dict[str, str]:
    """The environment of Redis and the roles: this process's, minus every NEWSFLOW_* (the
    session's Redis of tests/conftest.py among them), plus the run's own settings. The roles
    get NEWSFLOW_REDIS_URL on top, once Redis runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(
        NEWSFLOW_PREFIX=prefix,
        NEWSFLOW_HOME=str(home),  # unused with a Redis URL; never the working directory's
        NEWSFLOW_INBOX=str(inbox),
        NEWSFLOW_SETTLE_SECONDS="0.2",
        NEWSFLOW_FETCH_ALLOW="127.0.0.1",
        NEWSFLOW_FETCH_HOST_DELAY="0",
        NEWSFLOW_FETCH_ROBOTS="false",
        NEWSFLOW_FEED_INTERVAL="1",  # new feed items are noticed within a second
        NEWSFLOW_HEARTBEAT_TIMEOUT_MS=str(heartbeat_timeout_ms),
        NEWSFLOW_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env
