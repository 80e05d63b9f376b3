"""`newsflow run`: worker processes, the folder watcher and the feed poller in the
foreground, stopped gracefully; with NEWSFLOW_METRICS_PORT, the metrics and probes of
them all on that port."""

from __future__ import annotations

import signal
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import structlog
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from workers.runtime import metrics, probes
from workers.runtime.supervisor import WorkerPool, choose_processes, start_workers
from workers.services import process_services
from workers.settings import Settings
from workers.stages.chain import start

log = structlog.get_logger("newsflow.run")


def run(
    settings: Settings, redis_url: str, inbox: Path, processes: int | None, threads: int
) -> int:
    """Serve until SIGINT/SIGTERM (exit status 0), or until the watcher dies (1).

    ``processes`` None: NEWSFLOW_PROCESSES, else one worker process per usable core as far
    as the available memory holds them."""
    count = choose_processes(processes or settings.processes or None)
    log.info(
        "worker_processes",
        chosen=count.chosen,
        cores=count.cores,
        memory_bound=count.memory_bound,
        reason=count.reason,
    )
    processes = count.chosen
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    heartbeat = probes.Heartbeat()
    # Before the workers start: they inherit where to write their metrics.
    server = _serve_probes(settings, heartbeat, stop) if settings.metrics_port else None
    pool = WorkerPool(processes, lambda: start_workers(1, threads, redis_url, inbox=inbox)[0])
    threads_started: list[threading.Thread] = []
    try:
        services = process_services()
        watcher = services.watcher(start, inbox)
        # The feed poller: a thread no feed can kill (it catches and logs everything).
        poller = services.poller(start)
        for name, target in (("watcher", watcher.run), ("poller", poller.run)):
            thread = threading.Thread(target=target, args=(stop,), name=name, daemon=True)
            thread.start()
            threads_started.append(thread)
        log.info("running", inbox=str(inbox.resolve()), processes=processes, threads=threads)
        status = _wait(stop, pool, threads_started[0], heartbeat)
        log.info("stopping")
    finally:
        stop.set()
        for thread in threads_started:
            # A poll in flight may take up to a download's total timeout to notice.
            thread.join(timeout=settings.fetch_total_timeout + 10)
        pool.stop(timeout=settings.stop_grace_seconds + 30)
        if server is not None:
            server.shutdown()
    log.info("stopped")
    return status


def _serve_probes(
    settings: Settings, heartbeat: probes.Heartbeat, stop: threading.Event
) -> ThreadingHTTPServer:
    """/metrics sums this process's counts and its workers' (multiprocess files under
    NEWSFLOW_HOME) and adds the service's gauges read from Redis."""
    metrics.start_multiprocess(settings.home)
    metrics.process_started("run")
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    services, client = process_services(), probes.fail_fast_client(settings)
    registry.register(probes.redis_gauges(services, client))
    answers = probes.Probes(registry, heartbeat, probes.readiness(services, client), stop.is_set)
    return probes.serve(answers, settings.metrics_host, settings.metrics_port)


def _wait(
    stop: threading.Event, pool: WorkerPool, watching: threading.Thread, heartbeat: probes.Heartbeat
) -> int:
    while not stop.wait(0.5):
        heartbeat.beat()
        pool.check()
        if not watching.is_alive():
            log.error("watcher_died", hint="see the error above")
            return 1
    return 0
