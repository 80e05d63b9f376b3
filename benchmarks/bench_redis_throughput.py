"""How many articles per second one Redis sustains for newsflow's pattern, and what an inbox
file's bytes in flight cost (NEWSFLOW_INPUT_TRANSPORT=redis against path).

Starts its own redis-server (workers.runtime.embedded.EmbeddedRedis, on a unix socket in a
temporary folder; never a Redis that is already running). ``--clients`` processes then
take eval pages, written as files of an inbox, through the Redis calls of every stage with
the project's own code and scripts (``workers.services.Services``), the pure work (trafilatura,
spaCy) done once beforehand (see bench_redis_memory.py, whose helpers are used):

* intake: ``Intake.offer_file`` (seen set, claim, the file's bytes under its input key);
* four stage messages (extract, entities, dedup, publish), each sent, taken and acknowledged
  by a small Lua script doing what dramatiq's dispatch script does (HSET + RPUSH, LPOP +
  SADD, SREM + HDEL): its heartbeat and maintenance are left out;
* extract: the input's bytes read (GET), the work key stored; entities: the registry's
  ``resolve`` and ``record``; dedup: ``DedupIndex.classify``; publish: ``Outcomes.publish``
  (marker, stream entry, work key and input bytes deleted in one script).

It reports articles/s, Redis commands per article (INFO commandstats, a script's inner
commands counted as well) and the server's CPU (INFO cpu) over the run: at 100 % of one core
Redis is saturated, so the articles/s it sustains is the measured rate over its CPU share.
With ``--transport`` it also reports per eval page the bytes in flight (MEMORY USAGE of the
input key) and the time to get an input's bytes in the extract stage, from Redis or from the
file. Nothing is asserted.

    .venv/bin/python benchmarks/bench_redis_throughput.py --clients 4 --articles 2000
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import redis
import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_redis_memory import EVAL, Base, load_bases, private_redis, variant

from pipelines.article import Article, Source, input_id, utc_timestamp
from pipelines.dedup import stories
from workers.inputs.read import InputReader
from workers.services import Services
from workers.settings import Settings

STAGES = ("extract", "entities", "dedup", "publish")

# KEYS: messages hash, queue. ARGV: message id, message.
_SEND = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return redis.call('RPUSH', KEYS[2], ARGV[1])"
# KEYS: queue, acks, messages hash.
_TAKE = """
local id = redis.call('LPOP', KEYS[1])
if not id then return false end
redis.call('SADD', KEYS[2], id)
return redis.call('HGET', KEYS[3], id)
"""
_ACK = "redis.call('SREM', KEYS[2], ARGV[1]) return redis.call('HDEL', KEYS[1], ARGV[1])"


def settings_for(url: str, transport: str = "redis") -> Settings:
    return Settings(redis_url=url, prefix="bench", input_transport=transport)  # type: ignore[arg-type]


def client_run(url: str, folder: str, bases: list[Base], start: int, count: int, out: Any) -> None:
    """One client process: ``count`` inputs, numbered from ``start``, through every stage."""
    client = redis.Redis.from_url(url)
    services = Services(settings_for(url), client)
    send, take, ack = (client.register_script(s) for s in (_SEND, _TAKE, _ACK))
    keys = services.keys
    acks = f"{keys.dramatiq_namespace}:__acks__.bench{start}"

    def message(stage: str, article_id: str) -> None:
        queue = keys.dramatiq_queue(f"{stage}{start}")  # a queue per client: no one else takes
        body = orjson.dumps({"actor_name": stage, "args": [article_id], "message_id": article_id})
        send(keys=[keys.dramatiq_messages(stage), queue], args=[article_id + stage, body])
        take(keys=[queue, acks + stage, keys.dramatiq_messages(stage)])
        ack(keys=[keys.dramatiq_messages(stage), acks + stage], args=[article_id + stage])

    paths = []
    for number in range(start, start + count):
        base = bases[number % len(bases)]
        text, entities = variant(base, number, 1, 2)
        path = Path(folder, f"{number}.html")
        path.write_bytes(f"<html><body><p>{number}</p>{text}</body></html>".encode())
        paths.append((path, text, entities, base))
    began = time.perf_counter()
    for path, text, entities, base in paths:
        offer = services.intake(lambda *_: None).offer_file(path)
        article_id = offer.article_id
        source = Source(type="file", path=str(path))
        message("extract", article_id)
        client.get(keys.input_bytes(article_id))
        client.exists(keys.work(article_id))
        article = Article(
            id=article_id,
            source=source,
            title=base.title,
            language=base.language,
            text=text,
            ingested_at=utc_timestamp(),
        )
        _store(services, article)
        message("entities", article_id)
        client.get(keys.work(article_id))
        article.entities = services.entity_registry.resolve(entities)
        services.entity_registry.record(article_id, article.entities, utc_timestamp())
        _store(services, article)
        message("dedup", article_id)
        client.get(keys.work(article_id))
        index = services.dedup_index
        decision = index.classify(
            article_id,
            article.text,
            families=stories.family_keys(article.source, None, article.title),
            features=stories.story_features(article.entities, article.text, index.story_config),
        )
        article.dedup, article.story = decision.dedup, decision.story
        _store(services, article)
        message("publish", article_id)
        client.get(keys.work(article_id))
        services.outcomes.publish(article)
    out.put((count, time.perf_counter() - began))


def _store(services: Services, article: Article) -> None:
    services.client.set(
        services.keys.work(article.id),
        orjson.dumps(article.to_record()),
        ex=services.settings.work_ttl,
    )


def server_figures(client: redis.Redis) -> tuple[float, int]:
    """The server's CPU seconds (user + system) and commands run so far."""
    cpu = client.info("cpu")
    stats = client.info("commandstats")
    return cpu["used_cpu_user"] + cpu["used_cpu_sys"], sum(s["calls"] for s in stats.values())


def throughput(args: argparse.Namespace, bases: list[Base]) -> None:
    with private_redis() as client:
        url = _url(client)
        folder = Path(tempfile.mkdtemp(prefix="nf-bench-throughput-"))
        try:
            per_client = args.articles // args.clients
            results: multiprocessing.Queue[tuple[int, float]] = multiprocessing.Queue()
            cpu_before, commands_before = server_figures(client)
            wall = time.perf_counter()
            processes = [
                multiprocessing.Process(
                    target=client_run,
                    args=(url, str(folder), bases, n * per_client, per_client, results),
                )
                for n in range(args.clients)
            ]
            for process in processes:
                process.start()
            done = [results.get() for _ in processes]
            for process in processes:
                process.join()
            wall = time.perf_counter() - wall
            cpu_after, commands_after = server_figures(client)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        articles = sum(count for count, _ in done)
        slowest = max(seconds for _, seconds in done)
        rate = articles / slowest
        cpu_share = (cpu_after - cpu_before) / wall
        commands = (commands_after - commands_before) / articles
        print(
            f"{args.clients} clients, {articles} articles in {slowest:.1f}s: {rate:,.0f} articles/s"
        )
        print(f"Redis commands per article: {commands:.0f}; ops/s: {commands * rate:,.0f}")
        print(f"Redis CPU over the run: {cpu_share:.0%} of one core")
        print(f"=> one Redis saturates at about {rate / cpu_share:,.0f} articles/s")
        leftover = list(client.scan_iter(match="bench:input:*"))
        print(f"input keys left after every outcome: {len(leftover)}")


def transport(limit: int) -> None:
    """Per eval page: bytes in flight in Redis, and the time to get them in extract."""
    pages = sorted(EVAL.glob("*.html"))[:limit]
    with private_redis() as client:
        services = Services(settings_for(_url(client)), client)
        reader = InputReader(services.settings.max_bytes, lambda: services.fetcher)
        in_flight, from_redis, from_file = [], [], []
        for page in pages:
            data = page.read_bytes()
            source = Source(type="file", path=str(page))
            article_id = input_id(str(page), data)
            key = services.keys.input_bytes(article_id)
            client.set(key, data, ex=3600)
            in_flight.append(int(client.memory_usage(key, samples=0) or 0))
            began = time.perf_counter()
            reader.read(source, article_id, client.get(key))
            from_redis.append(time.perf_counter() - began)
            began = time.perf_counter()
            reader.read(source, article_id)
            from_file.append(time.perf_counter() - began)
    print(f"{len(pages)} eval pages")
    print(
        f"bytes in flight per input (redis): median {statistics.median(in_flight):,.0f} B,"
        f" mean {statistics.mean(in_flight):,.0f} B, max {max(in_flight):,} B; path: 0 B"
    )
    print(
        f"getting the bytes in extract: redis median {statistics.median(from_redis) * 1e3:.2f} ms,"
        f" path median {statistics.median(from_file) * 1e3:.2f} ms"
    )


def _url(client: redis.Redis) -> str:
    path = client.connection_pool.connection_kwargs["path"]
    return f"unix://{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=40, help="eval pages extracted as bases")
    parser.add_argument("--transport", action="store_true", help="also bytes in flight, per page")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if args.transport:
        transport(10_000)
    throughput(args, load_bases(args.pages))


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
