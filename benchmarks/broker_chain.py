"""The four-actor chain bench_brokers.py measures, and the worker process that runs it.

Each broker of the comparison (dramatiq's RabbitMQ and Redis brokers, newsflow's
``TimelyRedisBroker``) carries the same chain: hop1 -> hop2 -> hop3 -> hop4, each passing a
small message on; the last writes the message's send and receive times to a file of its
worker process, one JSON line per message. ``bench_brokers.py`` starts this file as a
worker process (``python benchmarks/broker_chain.py KIND URL PREFIX RESULTS``), which prints
``ready`` once it consumes and stops on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOPS = 4
THREADS = 2
HOLD_SECONDS = 3.0  # how long hop2 holds a message marked for the kill test


def make_broker(kind: str, url: str, prefix: str) -> Any:
    """The broker of ``kind``; newsflow's settings come from NEWSFLOW_* (set by the caller)."""
    import dramatiq
    from dramatiq.middleware import CurrentMessage

    from workers.runtime import broker as newsflow_broker  # sets newsflow's encoder too

    if kind == "rabbitmq":
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker: dramatiq.Broker = RabbitmqBroker(url=url, confirm_delivery=True)
    elif kind == "redis":
        from dramatiq.brokers.redis import RedisBroker

        broker = RedisBroker(url=url, namespace=f"{prefix}:dramatiq")
    else:
        from workers.runtime.middleware import WaitOutRedis
        from workers.settings import get_settings

        heartbeat = get_settings().heartbeat_timeout_ms
        # As build_broker makes it, without its stage logging (not the broker's cost).
        broker = newsflow_broker.TimelyRedisBroker(
            url=url,
            namespace=f"{prefix}:dramatiq",
            heartbeat_timeout=heartbeat,
            maintenance_chance=get_settings().maintenance_chance,
            maintenance_interval=max(1.0, heartbeat / 10_000),
            wake_wait=min(newsflow_broker.WAKE_WAIT_SECONDS, heartbeat / 5_000),
        )
        broker.add_middleware(CurrentMessage())
        broker.add_middleware(WaitOutRedis(broker.client))
    return broker


def declare_chain(broker: Any, prefix: str, results: Path | None) -> list[Any]:
    """The four actors on ``broker``; the last writes each message's timestamps to a file."""
    import dramatiq

    out = None
    if results is not None:
        out = os.open(results / f"{os.getpid()}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    actors: list[Any] = []

    def write(record: dict[str, Any]) -> None:
        if out is not None:  # one write of one line: whole even from several threads
            os.write(out, (json.dumps(record) + "\n").encode())

    def make(n: int) -> Any:
        def hop(payload: dict[str, Any]) -> None:
            payload["r"].append(time.time())
            if n == 1 and payload.get("hold"):
                write({"id": payload["id"], "started": payload["r"][-1], "pid": os.getpid()})
                time.sleep(HOLD_SECONDS)
            if n + 1 < HOPS:
                payload["t"].append(time.time())
                actors[n + 1].send(payload)
            else:
                write({"id": payload["id"], "t": payload["t"], "r": payload["r"]})

        hop.__name__ = f"hop{n + 1}"
        # Retries soon: an outage's failed sends come back within a second, not dramatiq's 15 s.
        return dramatiq.actor(
            hop, broker=broker, queue_name=f"{prefix}-hop{n + 1}", min_backoff=200, max_backoff=1000
        )

    actors.extend(make(n) for n in range(HOPS))
    return actors


def worker_main(kind: str, url: str, prefix: str, results: str) -> None:
    import dramatiq

    broker = make_broker(kind, url, prefix)
    declare_chain(broker, prefix, Path(results))
    worker = dramatiq.Worker(broker, worker_threads=THREADS)
    worker.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    worker.stop()
    broker.close()


if __name__ == "__main__":
    worker_main(*sys.argv[1:5])
