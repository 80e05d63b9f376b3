"""One worker process: a dramatiq Worker consuming every stage's queue until told to stop.

`newsflow run` starts N of these; the Procfile runs them directly. SIGTERM or
SIGINT stops it gracefully: messages in flight finish within a grace period,
prefetched ones and any still running after it go back to the queue.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import signal
from typing import TYPE_CHECKING

import redis
import structlog

from workers.runtime import logs
from workers.runtime.probes import serve_role
from workers.settings import settings_or_exit
from workers.state.liveness import Liveness, worker_name

if TYPE_CHECKING:  # importing these builds the broker: serve() does it, once logs are set
    from workers.services import Services

log = structlog.get_logger("newsflow.worker")

#: How often a worker renews its liveness (seconds); it runs out after LIVENESS_SECONDS.
RENEW_SECONDS = 2.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--queues", nargs="*", default=None, help="default: every stage")
    args = parser.parse_args(argv)
    settings_or_exit()
    logs.configure()
    serve(args.threads, args.queues)


def serve(threads: int, queues: list[str] | None = None) -> None:
    import dramatiq

    from workers.runtime.broker import broker
    from workers.services import process_services
    from workers.stages import chain

    chain.declare_actors()
    chain.warm_up(queues)
    stop = serve_role("worker")  # also serves the probes on NEWSFLOW_METRICS_PORT
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # What dramatiq's own command line emits: starts the time limits' watchdog thread.
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=threads, queues=queues)
    worker.start()
    services = process_services()
    liveness, name = services.liveness, worker_name()
    log.info(
        "worker_started", threads=threads, queues=sorted(queues or broker.get_declared_queues())
    )
    _renew(liveness, name)
    while not stop.wait(RENEW_SECONDS):
        _renew(liveness, name)
    grace = services.settings.stop_grace_seconds
    log.info("worker_stopping", grace_seconds=grace)
    _leave(liveness, name)
    worker.stop(timeout=int(grace * 1000))
    _hand_back(services, broker.broker_id)
    broker.close()
    log.info("worker_stopped")


def _renew(liveness: Liveness, name: str) -> None:
    try:
        liveness.renew(name)
    except redis.RedisError as error:  # Redis away: dramatiq reconnects, this tries again
        log.warning("liveness_not_renewed", error=str(error))


def _leave(liveness: Liveness, name: str) -> None:
    with contextlib.suppress(redis.RedisError):  # else the entry runs out on its own
        liveness.leave(name)


def _hand_back(services: Services, broker_id: str) -> None:
    """Let the next maintenance put back at once what did not finish within the grace
    period, instead of after the heartbeat timeout: this worker's heartbeat is dated to
    the epoch, so any live worker takes it for dead."""
    with contextlib.suppress(redis.RedisError):  # else its heartbeat goes stale on its own
        services.client.zadd(services.keys.dramatiq_heartbeats, {broker_id: 0})


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies, so no worker outlives `newsflow run`."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the parent's own shutdown still stops its workers


if __name__ == "__main__":
    main()
