"""One small HTTP server per role, on NEWSFLOW_METRICS_PORT: Prometheus's /metrics, and the
health probes /healthz (the process's main loop comes round) and /readyz (the service can
make progress: workers/runtime/readiness.py).

The roles run apart (`python -m workers.worker`, `workers.watcher`, `workers.rss_poller`)
each serve their own counts; the watcher adds the gauges read from Redis, which describe
the whole service (one watcher watches an inbox, where workers are many). `newsflow run`
serves the sum of its own and its worker processes' counts, and those gauges too
(workers/cli/run.py).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
import redis
import structlog
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from redis.backoff import NoBackoff
from redis.retry import Retry

from workers.runtime import metrics
from workers.runtime.connection import redis_url
from workers.runtime.readiness import Readiness
from workers.runtime.redis_gauges import RedisGauges
from workers.settings import Settings
from workers.state.feeds import FeedRegistry

if TYPE_CHECKING:  # importing the stages builds the broker: the role does it, once logs are set
    from workers.services import Services

log = structlog.get_logger("newsflow.probes")

#: /healthz fails once the main loop has not come round for this long (seconds): longer
#: than any round takes, a poll round of many slow feeds included.
LOOP_STALE_SECONDS = 600.0
#: Seconds a probe waits for Redis to connect or answer.
PROBE_REDIS_TIMEOUT = 3.0


class Heartbeat:
    """When a role's main loop last came round."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = clock()

    def beat(self) -> None:
        self._last = self._clock()

    def age(self) -> float:
        return self._clock() - self._last


class TickingEvent(threading.Event):
    """A role's stop event, whose every look (``is_set``, ``wait``) is a beat of the loop
    looking: each role's loop looks at it every round, so the loop needs no other hook."""

    def __init__(self, heartbeat: Heartbeat | None = None) -> None:
        super().__init__()
        self.heartbeat = heartbeat or Heartbeat()

    def is_set(self) -> bool:
        self.heartbeat.beat()
        return super().is_set()

    def wait(self, timeout: float | None = None) -> bool:
        self.heartbeat.beat()
        return super().wait(timeout)

    def requested(self) -> bool:
        """Whether a stop was asked for, without counting as a beat (for the probes)."""
        return super().is_set()


@dataclass(frozen=True, slots=True)
class Probes:
    """What the probe server answers from."""

    registry: CollectorRegistry
    heartbeat: Heartbeat
    readiness: Readiness
    stopping: Callable[[], bool]

    def health(self) -> tuple[int, dict[str, Any]]:
        age = self.heartbeat.age()
        if age <= LOOP_STALE_SECONDS:
            return 200, {"status": "ok"}
        reason = f"the main loop has not come round for {age:.0f} s: the process is stuck"
        return 503, {"status": "unhealthy", "reason": reason}

    def ready(self) -> tuple[int, dict[str, Any]]:
        problem = "stopping" if self.stopping() else self.readiness.problem()
        if problem is None:
            return 200, {"status": "ready"}
        return 503, {"status": "not ready", "reason": problem}


def serve(probes: Probes, host: str, port: int) -> ThreadingHTTPServer:
    """Answer the probes on ``host:port`` in a thread of their own, until shut down; exit
    status 2 with one line when the port cannot be had."""
    try:
        server = ThreadingHTTPServer((host, port), _handler_for(probes))
    except OSError as error:
        print(
            f"newsflow: cannot serve metrics on {host}:{port} ({error.strerror or error}): set "
            "NEWSFLOW_METRICS_PORT to a free port (0 for none) or NEWSFLOW_METRICS_HOST",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="probes", daemon=True).start()
    log.info("probes_serving", host=host, port=server.server_address[1])
    return server


def _handler_for(probes: Probes) -> type[BaseHTTPRequestHandler]:
    class ProbeHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/metrics":
                encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
                self._answer(200, encoder(probes.registry), content_type)
            elif path in ("/healthz", "/readyz"):
                status, body = probes.health() if path == "/healthz" else probes.ready()
                self._answer(status, orjson.dumps(body) + b"\n", "application/json")
            else:
                self._answer(404, b"not found: /metrics, /healthz or /readyz\n", "text/plain")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a scrape every few seconds is no news; stderr carries structlog events

    return ProbeHandler


def serve_role(role: str) -> TickingEvent:
    """The stop event of a role run apart (``worker``, ``watcher``, ``poller``): its looks
    are the main loop's heartbeat. With NEWSFLOW_METRICS_PORT set, the probes are served."""
    from workers.services import process_services

    services = process_services()
    stop = TickingEvent()
    metrics.process_started(role)
    settings = services.settings
    if settings.metrics_port:
        client = fail_fast_client(settings)
        if role == "watcher":
            REGISTRY.register(redis_gauges(services, client))
        probes = Probes(REGISTRY, stop.heartbeat, readiness(services, client), stop.requested)
        serve(probes, settings.metrics_host, settings.metrics_port)
    return stop


def fail_fast_client(settings: Settings) -> redis.Redis:
    """A Redis client for the probes alone, which neither retries nor waits long: a probe
    answers in time, Redis away or not (the roles' own client retries for seconds)."""
    return redis.Redis.from_url(
        redis_url(settings),
        retry=Retry(NoBackoff(), 0),
        socket_timeout=PROBE_REDIS_TIMEOUT,
        socket_connect_timeout=PROBE_REDIS_TIMEOUT,
    )


def redis_gauges(services: Services, client: redis.Redis) -> RedisGauges:
    from workers.services import LIVENESS_SECONDS
    from workers.stages.chain import QUEUES

    settings = services.settings
    feeds = FeedRegistry(client, services.keys, settings.feed_interval)
    return RedisGauges(
        client, services.keys, QUEUES, LIVENESS_SECONDS, feeds, settings.feed_max_errors
    )


def readiness(services: Services, client: redis.Redis) -> Readiness:
    from workers.services import LIVENESS_SECONDS
    from workers.stages.chain import QUEUES

    stall = services.settings.ready_stall_seconds
    return Readiness(client, services.keys, QUEUES, LIVENESS_SECONDS, stall)
