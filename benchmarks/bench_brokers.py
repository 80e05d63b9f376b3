"""dramatiq's RabbitMQ broker against its Redis broker and newsflow's, for newsflow's pattern.

A chain of four actors (hop1 → hop2 → hop3 → hop4), each passing a small message on (an id
and a small dict), run by 1 and 2 worker processes of 2 threads, on three brokers:

* ``rabbitmq``: dramatiq's ``RabbitmqBroker`` (durable queues, publisher confirms) on the
  RabbitMQ at ``--amqp-url`` (127.0.0.1:5672, guest/guest). Its queues are named
  ``nf-bench-<pid>-hopN`` (with dramatiq's ``.DQ``/``.XQ``) and deleted at the end; no other
  queue is touched.
* ``redis``: dramatiq's ``RedisBroker`` with its defaults (60 s heartbeat timeout,
  maintenance by chance), on a redis-server this benchmark starts itself.
* ``newsflow``: newsflow's ``TimelyRedisBroker`` (wake-ups, maintenance on a clock) with the
  parameters ``build_broker`` gives it from the default settings, on the same redis-server.

Per broker and process count it measures messages/s through the chain (``--messages`` sent at
once), hop latency p50/p99 at light load (one message at a time), and what an idle worker
costs: broker commands/s (Redis INFO) and, through a counting relay between workers and
broker, client writes and server writes per second (network round trips). Then, with 2
processes, a worker SIGKILLed while it holds a message: seconds until another worker starts
it again. For the Redis brokers it also restarts the redis-server (SHUTDOWN, AOF replay)
while ``--messages`` flow and counts those lost or run twice; a RabbitMQ it did not start is
never restarted. Timestamps are taken in the actors (one machine, one clock) and written to
one file per worker process. Nothing is asserted; the figures are printed (and --json).
The chain and the worker processes that run it are in ``broker_chain.py``.

    .venv/bin/python benchmarks/bench_brokers.py [--brokers rabbitmq redis newsflow]
        [--messages 2000] [--light 100] [--idle 10] [--json PATH]

Needs pika (``bash scripts/install.sh bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.broker_chain import HOPS, THREADS, declare_chain, make_broker  # noqa: E402
from benchmarks.private_redis import private_redis_server  # noqa: E402

CHAIN_WORKER = ROOT / "benchmarks" / "broker_chain.py"


class Relay:
    """A TCP or unix-socket relay counting the reads on each side (one read: one burst of
    commands or replies, close to one network round trip)."""

    def __init__(self, target: tuple[str, int] | str, folder: Path) -> None:
        self.target = target
        self.counts = {"client": 0, "server": 0}
        if isinstance(target, str):
            self.address: Any = str(folder / f"relay-{uuid.uuid4().hex[:8]}.sock")
            self.listener = socket.socket(socket.AF_UNIX)
        else:
            self.listener = socket.socket()
            self.address = ("127.0.0.1", 0)
        self.listener.bind(self.address)
        self.address = self.listener.getsockname()
        self.listener.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            family = socket.AF_UNIX if isinstance(self.target, str) else socket.AF_INET
            upstream = socket.socket(family)
            upstream.connect(self.target)
            for source, sink, side in ((client, upstream, "client"), (upstream, client, "server")):
                threading.Thread(target=self._pump, args=(source, sink, side), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, side: str) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                self.counts[side] += 1
                sink.sendall(data)
        for end in (source, sink):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


class Workers:
    """Worker processes of one broker, and the timestamps they write."""

    def __init__(self, kind: str, url: str, prefix: str, processes: int, folder: Path) -> None:
        self.results = folder / f"results-{uuid.uuid4().hex[:8]}"
        self.results.mkdir()
        command = [sys.executable, str(CHAIN_WORKER), kind, url, prefix, str(self.results)]
        self.procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
            for _ in range(processes)
        ]
        for proc in self.procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        self._offsets: dict[Path, int] = {}
        self.done: dict[str, list[dict[str, Any]]] = {}
        self.started: dict[str, list[dict[str, Any]]] = {}

    def collect(self) -> None:
        for path in self.results.glob("*.jsonl"):
            with path.open("rb") as f:
                f.seek(self._offsets.get(path, 0))
                data = f.read()
            complete = data[: data.rfind(b"\n") + 1]
            self._offsets[path] = self._offsets.get(path, 0) + len(complete)
            for line in complete.splitlines():
                record = json.loads(line)
                target = self.started if "started" in record else self.done
                target.setdefault(record["id"], []).append(record)

    def wait_for(self, ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.collect()
            if ids <= self.done.keys():
                return True
            time.sleep(0.002)
        return False

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def new_payload(**extra: Any) -> dict[str, Any]:
    meta = {"source": "bench", "stage": "extract", "lang": "en", "bytes": 4321}
    return {"id": uuid.uuid4().hex[:16], "meta": meta, "t": [], "r": [], **extra}


def send(actor: Any, payload: dict[str, Any]) -> None:
    payload["t"].append(time.time())
    actor.send(payload)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure_flow(workers: Workers, first: Any, light: int, messages: int) -> dict[str, Any]:
    warm = [new_payload() for _ in range(4)]
    for payload in warm:
        send(first, payload)
    assert workers.wait_for({p["id"] for p in warm}, 60), "warm-up messages never arrived"
    hops: list[float] = []
    for _ in range(light):
        payload = new_payload()
        send(first, payload)
        assert workers.wait_for({payload["id"]}, 30), "a light-load message never arrived"
        record = workers.done[payload["id"]][0]
        hops += [(r - t) * 1000 for t, r in zip(record["t"], record["r"], strict=True)]
        time.sleep(0.05)
    burst = [new_payload() for _ in range(messages)]
    started = time.time()
    for payload in burst:
        send(first, payload)
    sent = time.time()
    ids = {p["id"] for p in burst}
    arrived = workers.wait_for(ids, 600)
    ends = [workers.done[i][0]["r"][-1] for i in ids if i in workers.done]
    return {
        "hop_p50_ms": statistics.median(hops),
        "hop_p99_ms": percentile(hops, 99),
        "send_per_s": messages / (sent - started),
        "chain_per_s": len(ends) / (max(ends) - started) if ends else 0.0,
        "all_arrived": arrived,
    }


def measure_idle(
    kind: str, target: Any, prefix: str, processes: int, folder: Path, seconds: float, url: Any
) -> dict[str, float]:
    """Idle workers through a counting relay: reads per second on each side, and for Redis
    the commands it ran per second (INFO, minus the INFO calls themselves)."""
    relay = Relay(target, folder)
    if kind == "rabbitmq":
        relayed = f"amqp://guest:guest@127.0.0.1:{relay.address[1]}/%2F"
    else:
        relayed = f"unix://{relay.address}"
    workers = Workers(kind, relayed, prefix, processes, folder)
    try:
        time.sleep(3)  # consumers connected and settled
        before, commands = dict(relay.counts), _redis_commands(url)
        time.sleep(seconds)
        after, commands_after = dict(relay.counts), _redis_commands(url)
    finally:
        workers.stop()
        relay.close()
    row = {f"idle_{side}_reads_per_s": (after[side] - before[side]) / seconds for side in after}
    if commands is not None and commands_after is not None:
        row["idle_redis_commands_per_s"] = (commands_after - commands - 1) / seconds
    return row


def _redis_commands(url: Any) -> int | None:
    if not isinstance(url, str) or not url.startswith("unix://"):
        return None
    import redis

    return int(redis.Redis.from_url(url).info("stats")["total_commands_processed"])


def measure_kill(workers: Workers, first: Any, wait: float) -> dict[str, Any]:
    """SIGKILL the process that holds a message; seconds until another starts it again."""
    payload = new_payload(hold=True)
    send(first, payload)
    deadline = time.monotonic() + 30
    while payload["id"] not in workers.started and time.monotonic() < deadline:
        workers.collect()
        time.sleep(0.002)
    holder = workers.started[payload["id"]][0]["pid"]
    os.kill(holder, signal.SIGKILL)
    killed = time.time()
    deadline = time.monotonic() + wait
    while len(workers.started.get(payload["id"], [])) < 2 and time.monotonic() < deadline:
        workers.collect()
        time.sleep(0.01)
    restarts = workers.started[payload["id"]][1:]
    return {"redelivered_after_s": restarts[0]["started"] - killed if restarts else None}


def measure_restart(workers: Workers, first: Any, server: Any, messages: int) -> dict[str, Any]:
    """Restart the redis-server (SHUTDOWN, then start on its AOF) while messages flow."""
    burst = [new_payload() for _ in range(messages)]
    for payload in burst:
        send(first, payload)
    ids = {p["id"] for p in burst}
    while len(ids & workers.done.keys()) < messages // 4:
        workers.collect()
        time.sleep(0.005)
    stopped = time.time()
    server.stop()
    server.start()
    back = time.time()
    workers.wait_for(ids, 180)
    after = [r["r"][-1] for i in ids for r in workers.done.get(i, []) if r["r"][-1] > back]
    return {
        "restart_down_s": back - stopped,
        "restart_lost": len(ids - workers.done.keys()),
        "restart_doubled": sum(len(workers.done[i]) - 1 for i in ids if i in workers.done),
        "restart_first_after_s": min(after) - back if after else None,
    }


def delete_rabbit_queues(amqp_url: str, prefix: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    for n in range(1, HOPS + 1):
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(f"{prefix}-hop{n}{suffix}")
    connection.close()


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    folder = Path(tempfile.mkdtemp(prefix="nf-bench-brokers-run-"))
    with private_redis_server("brokers") as server:
        # Every process of this run, newsflow's settings included, talks to this server only.
        os.environ["NEWSFLOW_REDIS_URL"] = server.url
        os.environ["NEWSFLOW_HOME"] = str(folder)
        try:
            for kind in args.brokers:
                rows += run_broker(kind, server, folder, args)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return rows


def run_broker(kind: str, server: Any, folder: Path, args: argparse.Namespace) -> list[dict]:
    rows = []
    prefix = f"nf-bench-{os.getpid()}-{kind}"
    url = args.amqp_url if kind == "rabbitmq" else server.url
    broker = make_broker(kind, url, prefix)
    first = declare_chain(broker, prefix, None)[0]
    try:
        for processes in (1, 2):
            row: dict[str, Any] = {"broker": kind, "processes": processes, "threads": THREADS}
            workers = Workers(kind, url, prefix, processes, folder)
            try:
                row.update(measure_flow(workers, first, args.light, args.messages))
                if processes == 2:
                    row.update(measure_kill(workers, first, args.kill_wait))
            finally:
                workers.stop()
            if processes == 2 and kind != "rabbitmq":
                workers = Workers(kind, url, prefix, processes, folder)
                try:
                    row.update(measure_restart(workers, first, server, args.messages))
                finally:
                    workers.stop()
            target = ("127.0.0.1", 5672) if kind == "rabbitmq" else server.url[len("unix://") :]
            idle_url = None if kind == "rabbitmq" else server.url
            row.update(measure_idle(kind, target, prefix, processes, folder, args.idle, idle_url))
            rounded = {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}
            print(json.dumps(rounded), flush=True)
            rows.append(row)
    finally:
        broker.close()
        if kind == "rabbitmq":
            delete_rabbit_queues(args.amqp_url, prefix)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--brokers", nargs="+", default=["rabbitmq", "redis", "newsflow"])
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    parser.add_argument("--messages", type=int, default=2000, help="messages sent at once")
    parser.add_argument("--light", type=int, default=100, help="messages sent one at a time")
    parser.add_argument("--idle", type=float, default=10.0, help="idle seconds counted")
    parser.add_argument(
        "--kill-wait", type=float, default=240.0, help="longest wait for a redelivery (s)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = run(args)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
