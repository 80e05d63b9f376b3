"""Dedup and story quality on real text, through the real index on a private Redis.

Part 1, dedup: the labelled set of ``dedup_labelled_set.py`` (the eval articles and their
generated copies) is classified in stream order by ``DedupIndex``; the script prints
precision and recall per class (duplicate, near_duplicate, revision, unique), recall per
copy recipe, whether each copy points at its original, and how the most similar pairs of
different articles (same topic) were judged.

Part 2, stories: the eval articles and the five seeds, with their entities from the real
entities stage, are classified in three random orders. ``STORY_GROUPS`` lists the eval
articles that report one event from different outlets, labelled by hand from their URLs
and first lines (the seeds are one more group). The script prints pairwise precision
(pairs put in one story that belong together) and recall, and every false merge.
Articles in ``RELATED`` cover a neighbouring event (a roundup, an analysis, another day of
the same hearings): pairs involving them are left out of the counts.

    .venv/bin/python benchmarks/bench_dedup_quality.py [--threshold 0.8] [--skip-stories]
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dedup_labelled_set import SHARED, Item, build, eval_articles, same_topic_pairs
from pipelines.article import Article, Source
from pipelines.dedup.minhash import (
    DedupConfig,
    compact_signature,
    estimate_compact_similarity,
    signature,
)
from pipelines.dedup.stories import family_keys
from workers.keys import Keys
from workers.runtime.embedded import EmbeddedRedis
from workers.stages.dedup import classify_article
from workers.state.dedup_index import DedupIndex

CLASSES = ("duplicate", "near_duplicate", "revision", "unique")

#: Eval articles (file-name prefixes) reporting one event from different outlets.
STORY_GROUPS = {
    "europa-water-plumes": ["14cc2a", "686bb1", "f344ca"],
    "steelers-browns-fight": ["08f793", "7ab16a"],
    "feather-duvet-lung": ["a078b3", "bd673b", "7bb1ca", "9eef81"],
    "doobie-brothers-reunion": ["9cb822", "ac1bfd", "35b158"],
    "us-china-phase-one-deal": ["39d5c4", "702d1d"],
    "wework-ny-attorney-general": ["06e512", "1ace8c"],
    "home-depot-earnings": ["513745", "f8ff62"],
    "taylor-swift-big-machine": ["70cb2d", "eb62ac"],
    "sweden-drops-assange-case": ["c7e39a", "dc7ccc"],
    "south-dakota-meth-campaign": ["156770", "776a1c", "3f65af"],
    "omar-threat-guilty-plea": ["6ebac0", "7a457a"],
    "nasa-lunar-lander-contracts": ["c50845", "d1c57d"],
    "china-plague-cases": ["432362", "8b1945", "ba4dfe", "ea25dd"],
    "fort-worth-girl-rescued": ["2c4680", "51d066"],
    "davis-cup-finals-opening": ["0d4612", "88c328"],
    "prince-andrew-interview": ["1f765c", "87bf60"],
    "stadia-launch": ["680c28", "8267ac"],
}
RELATED = [
    "6a72de",
    "fde930",
    "55bb63",
    "42aad1",
    "c00962",
    "042bb7",
    "7a664e",
    "82b6d7",
    "c90731",
    "04a671",
    "b6906c",
    "7916ec",
    "a1fca1",
]


@contextmanager
def private_redis():
    home = Path(tempfile.mkdtemp(prefix="nf-bench-quality-"))
    server = EmbeddedRedis(home)
    server.start()
    try:
        yield redis.Redis.from_url(server.url)
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def predicted(decision) -> str:
    if decision.dedup.status == "unique" and decision.dedup.revision_of:
        return "revision"
    return decision.dedup.status


def run_dedup(client: redis.Redis, config: DedupConfig) -> None:
    items = build(config)
    index = DedupIndex(client, Keys("quality"), config)
    results = {}
    for item in items:
        source = Source(type="file", path=f"{item.folder}/{item.article_id}.txt")
        results[item.article_id] = index.classify(
            item.article_id, item.text, families=family_keys(source, None, None)
        )
    report_classes(items, results)
    report_recipes(items, results)
    report_links(items, results)
    report_same_topic(items, results)


def report_classes(items: list[Item], results: dict) -> None:
    confusion = Counter((item.label, predicted(results[item.article_id])) for item in items)
    print(f"\n{len(items)} articles: {Counter(i.label for i in items)}")
    print(f"{'class':<15}{'precision':>10}{'recall':>8}{'support':>9}")
    for name in CLASSES:
        tp = confusion[(name, name)]
        said = sum(n for (_, p), n in confusion.items() if p == name)
        real = sum(n for (t, _), n in confusion.items() if t == name)
        print(
            f"{name:<15}{tp / said if said else float('nan'):>10.4f}"
            f"{tp / real if real else float('nan'):>8.4f}{real:>9}"
        )
    print("confusion (label -> predicted):", dict(sorted(confusion.items())))


def report_recipes(items: list[Item], results: dict) -> None:
    print("\nper recipe: label counts, predictions, exact Jaccard range")
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    for kind, group in sorted(by_kind.items()):
        labels = Counter(i.label for i in group)
        said = Counter(predicted(results[i.article_id]) for i in group)
        sims = [i.similarity for i in group if i.similarity is not None]
        span = f"{min(sims):.3f}..{max(sims):.3f}" if sims else "-"
        print(
            f"  {kind:<13} n={len(group):<4} labels={dict(labels)} predicted={dict(said)} J={span}"
        )


def report_links(items: list[Item], results: dict) -> None:
    """Copies marked duplicate or near duplicate: do they point at their own original?"""
    family = {i.article_id: i.original or i.article_id for i in items}
    wrong, right = [], 0
    for item in items:
        decision = results[item.article_id].dedup
        if decision.of is None:
            continue
        if family.get(decision.of) == family[item.article_id]:
            right += 1
        else:
            wrong.append((item.article_id, item.kind, decision.of, decision.similarity))
    print(
        f"\nlinks to the right original: {right}; to a distinct article: {len(wrong)} {wrong[:10]}"
    )
    revisions = [(i, results[i.article_id].dedup.revision_of) for i in items]
    bad = [(i.article_id, r) for i, r in revisions if r and family.get(r) != family[i.article_id]]
    print(f"revision_of pointing at a distinct article: {len(bad)} {bad[:10]}")


def report_same_topic(items: list[Item], results: dict) -> None:
    pairs = same_topic_pairs(items, 30)
    worst = 0.0
    for _, a, b in pairs:
        sigs = [compact_signature(signature(i.text, DedupConfig())) for i in (a, b)]
        worst = max(worst, estimate_compact_similarity(*sigs))
    statuses = Counter(results[i.article_id].dedup.status for _, a, b in pairs for i in (a, b))
    cosines = f"{pairs[-1][0]:.2f}..{pairs[0][0]:.2f}"
    print(
        f"\n30 same-topic pairs of different articles (word cosine {cosines}): highest "
        f"estimated Jaccard {worst:.3f}; their statuses {dict(statuses)}"
    )


def story_articles() -> list[Article]:
    from pipelines.entities.recognizer import EntityRecognizer
    from pipelines.extract.extractor import extract

    recognizer, out = EntityRecognizer(), []
    for n, (name, url, text) in enumerate(eval_articles(min_words=0)):
        article = Article(id=f"{n:016x}", source=Source(type="url", url=url), text=text, url=url)
        article.entities = recognizer(text, None, None)
        out.append((name, article))
    for n, path in enumerate(sorted((SHARED / "seeds").glob("*.txt"))):
        found = extract(path.read_bytes(), "text")
        source = Source(type="file", path=f"/seeds/outlet-{n}/{path.name}")
        article = Article.from_extracted(f"{0xA000 + n:016x}", source, found, None)
        article.entities = recognizer(article.text, article.title, None)
        out.append((f"seed-{path.name[:3]}", article))
    return out


def group_of(name: str) -> str | None:
    if name.startswith("seed-"):
        return "seeds-crimea-talks"
    return next((g for g, prefixes in STORY_GROUPS.items() if name[:6] in prefixes), None)


def run_stories(client: redis.Redis, orders: int) -> None:
    named = story_articles()
    for order in range(orders):
        shuffled = named[:]
        random.Random(order).shuffle(shuffled)
        client.flushdb()
        index = DedupIndex(client, Keys("stories"), DedupConfig())
        story = {name: classify_article(index, article).story for name, article in shuffled}
        report_story_pairs(order, story)


def report_story_pairs(order: int, story: dict[str, str]) -> None:
    tp = fp = fn = 0
    false_merges = []
    for a, b in itertools.combinations(sorted(story), 2):
        if a[:6] in RELATED or b[:6] in RELATED:
            continue
        together = story[a] == story[b]
        labelled = group_of(a) is not None and group_of(a) == group_of(b)
        tp += together and labelled
        fn += labelled and not together
        if together and not labelled:
            fp += 1
            false_merges.append((a[:6], b[:6]))
    groups = Counter(group_of(n) for n in story if group_of(n))
    kept = sum(1 for g in groups if len({story[n] for n in story if group_of(n) == g}) == 1)
    print(
        f"order {order}: same-story pairs precision {tp / max(1, tp + fp):.3f} "
        f"recall {tp / max(1, tp + fn):.3f} (tp={tp} fp={fp} fn={fn}); "
        f"groups kept whole {kept}/{len(groups)}; false merges {false_merges}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--orders", type=int, default=3, help="random orders for stories")
    parser.add_argument("--skip-stories", action="store_true")
    args = parser.parse_args()
    with private_redis() as client:
        run_dedup(client, DedupConfig(threshold=args.threshold))
        if not args.skip_stories:
            print("\nstories (eval articles + seeds, entities from the real entities stage):")
            run_stories(client, args.orders)


if __name__ == "__main__":
    main()
