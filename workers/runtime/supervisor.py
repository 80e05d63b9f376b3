"""`newsflow run`: worker processes, the folder watcher and the feed poller in the foreground,
stopped gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import structlog

from workers.settings import Settings

log = structlog.get_logger("newsflow.run")


def start_workers(
    processes: int,
    threads: int,
    redis_url: str,
    log_level: str | None = None,
    inbox: Path | None = None,
) -> list[subprocess.Popen[bytes]]:
    """Worker processes on ``redis_url``; ``inbox`` is where their text sources are named from."""
    env = {**os.environ, "NEWSFLOW_REDIS_URL": redis_url}
    if log_level:
        env["NEWSFLOW_LOG_LEVEL"] = log_level
    if inbox is not None:
        env["NEWSFLOW_INBOX"] = str(inbox.resolve())
    command = [sys.executable, "-c", _WORKER_BOOT, "--threads", str(threads)]
    return [subprocess.Popen(command, env=env) for _ in range(processes)]


# The child asks the kernel for SIGTERM when `run` dies, then serves.
_WORKER_BOOT = "import sys, workers.worker as w; w.die_with_parent(); w.main(sys.argv[1:])"


def stop_workers(children: list[subprocess.Popen[bytes]], timeout: float = 90.0) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("worker_killed", pid=child.pid, reason="did not stop in time")
            child.kill()
            child.wait()


def run(settings: Settings, redis_url: str, inbox: Path, processes: int, threads: int) -> int:
    """Serve until SIGINT/SIGTERM or until a worker process dies; the exit status says which."""
    from workers.inputs.poller import build_poller
    from workers.inputs.watcher import Watcher
    from workers.services import process_services

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    children = start_workers(processes, threads, redis_url, inbox=inbox)
    threads_started: list[threading.Thread] = []
    try:
        services = process_services()
        watcher = Watcher(inbox, services.intake(), settings.settle_seconds)
        # The feed poller: a thread no feed can kill (it catches and logs everything).
        poller = build_poller(services)
        for name, target in (("watcher", watcher.run), ("poller", poller.run)):
            thread = threading.Thread(target=target, args=(stop,), name=name, daemon=True)
            thread.start()
            threads_started.append(thread)
        log.info("running", inbox=str(inbox.resolve()), processes=processes, threads=threads)
        status = _wait(stop, children, threads_started[0])
        log.info("stopping")
    finally:
        stop.set()
        for thread in threads_started:
            # A poll in flight may take up to a download's total timeout to notice.
            thread.join(timeout=settings.fetch_total_timeout + 10)
        stop_workers(children)
    log.info("stopped")
    return status


def _wait(
    stop: threading.Event, children: list[subprocess.Popen[bytes]], watching: threading.Thread
) -> int:
    while not stop.wait(0.5):
        dead = [c for c in children if c.poll() is not None]
        if dead:
            log.error(
                "worker_died",
                pid=dead[0].pid,
                returncode=dead[0].returncode,
                hint="see the worker's log lines above; newsflow run stops the rest",
            )
            return 1
        if not watching.is_alive():
            log.error("watcher_died", hint="see the error above")
            return 1
    return 0
