"""One worker process: a dramatiq Worker consuming every stage's queue until told to stop.

`newsflow run` starts N of these; the Procfile runs them directly. SIGTERM or
SIGINT stops it gracefully: messages in flight finish, prefetched ones go back
to the queue.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import threading

import structlog

from workers.runtime import logs

log = structlog.get_logger("newsflow.worker")

#: How long a stopping worker lets messages in flight finish (ms).
STOP_TIMEOUT_MS = 60_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--queues", nargs="*", default=None, help="default: every stage")
    args = parser.parse_args(argv)
    logs.configure()
    serve(args.threads, args.queues)


def serve(threads: int, queues: list[str] | None = None) -> None:
    import dramatiq

    from workers.runtime.broker import broker
    from workers.stages import chain

    chain.declare_actors()

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker = dramatiq.Worker(broker, worker_threads=threads, queues=queues)
    worker.start()
    log.info(
        "worker_started", threads=threads, queues=sorted(queues or broker.get_declared_queues())
    )
    stop.wait()
    log.info("worker_stopping")
    worker.stop(timeout=STOP_TIMEOUT_MS)
    broker.close()
    log.info("worker_stopped")


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
