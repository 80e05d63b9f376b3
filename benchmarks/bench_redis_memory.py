"""Redis memory per article, by key family, through the real write paths.

Starts its own redis-server (workers.runtime.embedded.EmbeddedRedis, on a unix socket in a
temporary folder; never a Redis that is already running), then takes N articles through
the same calls the intake and the stages make, with the project's own scripts and
settings (``workers.services.Services``):

* intake: ``Intake.offer_url`` (canonical URL, seen set, claim); the dramatiq message it
  would send is not kept (a message lives in Redis only until acknowledged: its size is
  reported apart);
* extract: ``LineStats.history`` and ``record`` on the article's lines, the work key;
* entities: ``EntityRegistry.resolve`` and ``record``, the work key;
* dedup: ``DedupIndex.classify`` with the stage's families and story features, the work key;
* publish: ``Outcomes.publish`` (stream entry, done marker, work key deleted); one input in
  ``--dead-every`` goes to ``Outcomes.bury`` from extract instead.

Articles are the eval pages' real extracted texts (``pipelines.extract``) and entities
(spaCy, ``pipelines.entities``), cycled: after the first round each text's words are
shuffled within each line (same size, new shingles: a unique article), one in 20 is kept as
it is (a copy: dedup's duplicate path), each article has its own URL on one of 40 sites,
and ``--new-entities`` of its entities are renamed to entities never seen before (the
registry's long tail). At each size it prints bytes per article by key family (``MEMORY
USAGE`` of every key, or of a random sample of up to 2,000 keys of a large family), the
``used_memory`` delta, and each family's TTL. Nothing is asserted.

    .venv/bin/python benchmarks/bench_redis_memory.py --sizes 10000 100000 [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import dramatiq
import orjson
import redis
import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.private_redis import private_redis
from pipelines.article import Article, Entity, Source, utc_timestamp
from pipelines.dedup import stories
from pipelines.extract.extractor import extract
from workers.services import Services
from workers.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction"
SITES = 40
SAMPLE = 2000  # keys measured per family; larger families are extrapolated

#: Key families, by the shape of the key (workers/keys.py), most specific first.
FAMILIES = [
    ("articles stream", r"articles$"),
    ("dead stream", r"dead$"),
    ("done markers", r"done:"),
    ("seen set", r"seen$"),
    ("claims", r"claim:"),
    ("work keys", r"work:"),
    ("deliveries", r"deliveries:"),
    ("dedup docs", r"dedup:doc:"),
    ("dedup bands", r"dedup:band:"),
    ("dedup families", r"dedup:family:"),
    ("dedup sequence", r"dedup:seq$"),
    ("story features", r"story:feature:"),
    ("line counts", r"lines:[0-9a-f]+:(cur|prev)$"),
    ("lines recorded", r"lines:recorded:"),
    ("entity hashes", r"entity:\{[^}]*\}$"),
    ("entity variants", r"entity:\{[^}]*\}:variants$"),
    ("entities top", r"entities:top$"),
    ("entity aliases", r"entities:aliases$"),
    ("entities counted", r"entities:counted:"),
    ("dramatiq", r"dramatiq:"),
]


@dataclass(frozen=True, slots=True)
class Base:
    """One eval page as the stages leave it: text, metadata and entities."""

    text: str
    title: str | None
    published: str | None
    sitename: str | None
    language: str | None
    entities: list[Entity]


def load_bases(limit: int | None) -> list[Base]:
    """The eval pages extracted and their entities recognised, as the stages do."""
    from pipelines.entities.recognizer import EntityRecognizer  # spaCy: slow to import

    recognizer = EntityRecognizer()
    bases = []
    for page in sorted(EVAL.glob("*.html"))[:limit]:
        try:
            found = extract(page.read_bytes(), "html")
        except Exception:  # a page without an article is not a record
            continue
        recognition = recognizer.recognize(found.text, found.title, found.language)
        bases.append(
            Base(
                found.text,
                found.title,
                found.published,
                found.sitename,
                found.language,
                recognition.entities,
            )
        )
    return bases


def variant(base: Base, number: int, rounds: int, new_entities: int) -> tuple[str, list[Entity]]:
    """The ``number``-th article's text and entities (see the module docstring)."""
    text = base.text
    if rounds > 0 and number % 20:
        shuffler = random.Random(number)
        lines = []
        for line in text.split("\n"):
            words = line.split(" ")
            shuffler.shuffle(words)
            lines.append(" ".join(words))
        text = "\n".join(lines)
    entities = [replace(e, mentions=list(e.mentions)) for e in base.entities]
    for entity in entities[-new_entities:] if new_entities else []:
        entity.key = f"{entity.key}-{number}"
        entity.name = f"{entity.name} {number}"
        entity.mentions = [f"{m} {number}" for m in entity.mentions]
    return text, entities


def store_work(services: Services, article: Article) -> None:
    """What a stage stores for the next one (workers/stages/base.py ``_store``)."""
    services.client.set(
        services.keys.work(article.id),
        orjson.dumps(article.to_record()),
        ex=services.settings.work_ttl,
    )


def take_one(services: Services, base: Base, number: int, args: argparse.Namespace) -> int:
    """One input through intake and every stage; returns its work key's largest size."""
    site = f"site{number % SITES}.example"
    url = f"https://{site}/news/{number // SITES}/{number}-story.html?utm_source=feed"
    offer = services.intake(lambda *_: None).offer_url(url)
    article_id = offer.article_id
    source = Source(type="url", url=url.split("?")[0])
    if number % args.dead_every == 0:
        reason = f"HTTP 404 for {source.url}: the page is gone, check the link"
        services.outcomes.bury(article_id, "extract", reason, source, attempts=1)
        return 0
    rounds = number // len(args.bases)
    text, entities = variant(base, number, rounds, args.new_entities)
    lines = text.split("\n")
    source_name = f"site:{site}"
    services.line_stats.history(source_name, article_id, lines)
    services.line_stats.record(source_name, article_id, lines)
    article = Article(
        id=article_id,
        source=source,
        url=source.url,
        title=base.title,
        published=base.published,
        sitename=base.sitename,
        language=base.language,
        text=text,
        ingested_at=utc_timestamp(),
    )
    store_work(services, article)
    registry = services.entity_registry
    article.entities = registry.resolve(entities)
    registry.record(article_id, article.entities, utc_timestamp())
    store_work(services, article)
    index = services.dedup_index
    decision = index.classify(
        article_id,
        article.text,
        families=stories.family_keys(article.source, article.url, article.title),
        features=stories.story_features(article.entities, article.text, index.story_config),
    )
    article.dedup, article.story = decision.dedup, decision.story
    store_work(services, article)
    work_bytes = int(services.client.memory_usage(services.keys.work(article_id)) or 0)
    article.processed_at = utc_timestamp()
    services.outcomes.publish(article)
    return work_bytes


def family_of(key: str, prefix: str) -> str:
    rest = key.removeprefix(prefix + ":")
    for name, pattern in FAMILIES:
        if re.match(pattern, rest):
            return name
    return "other"


def measure(client: redis.Redis, prefix: str) -> dict[str, dict[str, Any]]:
    """Per family: keys, bytes (every key, or a sample extrapolated) and a sampled TTL."""
    keys: dict[str, list[bytes]] = defaultdict(list)
    for key in client.scan_iter(match=f"{prefix}:*", count=5000):
        keys[family_of(key.decode(), prefix)].append(key)
    sampler = random.Random(0)
    figures = {}
    for family, members in sorted(keys.items()):
        sample = members if len(members) <= SAMPLE else sampler.sample(members, SAMPLE)
        pipe = client.pipeline(transaction=False)
        for key in sample:
            pipe.memory_usage(key, samples=0)
        sizes = [int(s or 0) for s in pipe.execute()]
        ttl = client.ttl(sample[0])
        figures[family] = {
            "keys": len(members),
            "bytes": round(sum(sizes) * len(members) / len(sample)),
            "ttl": "none" if ttl == -1 else f"{ttl} s",
        }
    return figures


def message_bytes(article_id: str) -> int:
    """The size of one extract message as dramatiq keeps it until it is acknowledged."""
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name="extract",
        actor_name="extract",
        args=(
            article_id,
            {"type": "url", "url": "https://site1.example/news/1/1-story.html"},
            utc_timestamp(),
            None,
        ),
        kwargs={},
        options={},
    )
    return len(message.encode()) + len(message.message_id)


def report(size: int, figures: dict[str, dict[str, Any]], used: int, work: list[int]) -> None:
    print(f"\n{size:,} articles: used_memory delta {used / size:,.0f} bytes per article")
    print(f"  {'family':18} {'keys':>9} {'MB':>9} {'B/article':>10}  TTL")
    total = 0
    for family, row in sorted(figures.items(), key=lambda kv: -kv[1]["bytes"]):
        total += row["bytes"]
        per, mb = row["bytes"] / size, row["bytes"] / 1e6
        print(f"  {family:18} {row['keys']:>9,} {mb:>9.1f} {per:>10,.1f}  {row['ttl']}")
    print(f"  {'total':18} {'':>9} {total / 1e6:>9.1f} {total / size:>10,.1f}")
    if work:
        print(
            f"  in flight only: work key {sum(work) / len(work):,.0f} B, "
            f"a dramatiq message ~{message_bytes('0' * 16):,} B (both deleted at the end)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--limit", type=int, default=None, help="eval pages to use")
    parser.add_argument("--new-entities", type=int, default=2)
    parser.add_argument("--dead-every", type=int, default=33)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    # One `queued` line per input would cost more than the Redis calls measured.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    started = time.monotonic()
    args.bases = load_bases(args.limit)
    print(
        f"{len(args.bases)} eval articles extracted with entities "
        f"in {time.monotonic() - started:.0f} s"
    )
    results = []
    with private_redis("memory", persist=False) as client:
        settings = Settings(prefix="bench")
        services = Services(settings, client)
        baseline = int(client.info("memory")["used_memory"])
        work: list[int] = []
        done = 0
        for size in sorted(args.sizes):
            started = time.monotonic()
            # A few inputs at a time, as worker threads take them: the index is built for it.
            with ThreadPoolExecutor(args.threads) as pool:
                numbers = range(done, size)
                bases = [args.bases[n % len(args.bases)] for n in numbers]
                taken = pool.map(lambda n, b: take_one(services, b, n, args), numbers, bases)
                work += [w for n, w in zip(numbers, taken, strict=True) if w and n % 100 == 0]
            done = size
            seconds = time.monotonic() - started
            used = int(client.info("memory")["used_memory"]) - baseline
            figures = measure(client, settings.prefix)
            report(size, figures, used, work)
            print(f"  ({seconds:.0f} s, stream cap {settings.stream_maxlen:,})")
            total = sum(row["bytes"] for row in figures.values())
            results.append(
                {
                    "articles": size,
                    "used_memory_delta": used,
                    "families": figures,
                    "total_bytes": total,
                }
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
