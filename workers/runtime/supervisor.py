"""Worker processes of `newsflow run` and `newsflow ingest --wait`: started, and stopped
gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import structlog

log = structlog.get_logger("newsflow.supervisor")


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
