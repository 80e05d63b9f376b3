"""`newsflow run`: worker processes, the folder watcher and the feed poller in the
foreground, stopped gracefully."""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path

import structlog

from workers.runtime.supervisor import start_workers, stop_workers
from workers.services import process_services
from workers.settings import Settings
from workers.stages.chain import start

log = structlog.get_logger("newsflow.run")


def run(settings: Settings, redis_url: str, inbox: Path, processes: int, threads: int) -> int:
    """Serve until SIGINT/SIGTERM or until a worker process dies; the exit status says which."""
    from workers.inputs.watcher import Watcher

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    children = start_workers(processes, threads, redis_url, inbox=inbox)
    threads_started: list[threading.Thread] = []
    try:
        services = process_services()
        watcher = Watcher(inbox, services.intake(start), settings.settle_seconds)
        # The feed poller: a thread no feed can kill (it catches and logs everything).
        poller = services.poller(start)
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
