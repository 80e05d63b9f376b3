"""Dedup quality on real text, through the real index on a private Redis.

The labelled set of ``dedup_labelled_set.py`` (the eval articles and their generated
copies) is classified in stream order by ``DedupIndex``; the script prints precision and
recall per class (duplicate, near_duplicate, revision, unique), recall per copy recipe,
whether each copy points at its original, how the copies near the threshold were called
(by exact Jaccard: [0.80, 0.85) should be near duplicates, [0.75, 0.80) should not), and
how the most similar pairs of different articles (same topic) were judged.

Then revisions far apart: every article in one folder, the originals, ``--between``
unrelated articles of that folder, then the revisions; revision recall is printed without
story features and with the distinctive-term features (``story_features`` without
entities: no NER, so a lower bound of what the stage finds with entities).

Story quality is measured by benchmarks/bench_stories.py.

    .venv/bin/python benchmarks/bench_dedup_quality.py [--threshold 0.8] [--between 300]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dedup_labelled_set import Item, build, fillers, same_topic_pairs
from benchmarks.private_redis import private_redis
from pipelines.article import Source
from pipelines.dedup.minhash import (
    DedupConfig,
    compact_signature,
    estimate_compact_similarity,
    signature,
)
from pipelines.dedup.stories import StoryConfig, family_keys, story_features
from workers.keys import Keys
from workers.state.dedup_index import DedupIndex

CLASSES = ("duplicate", "near_duplicate", "revision", "unique")


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
    report_near_line(items, results)
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


def report_near_line(items: list[Item], results: dict) -> None:
    """Copies whose exact Jaccard to their original is near the threshold: the calls an
    estimate alone gets wrong most often."""
    print("\nnear the threshold, by exact Jaccard to the original: copies called a copy")
    copies = [i for i in items if i.similarity is not None and i.label != "duplicate"]
    called = {i.article_id for i in copies if results[i.article_id].dedup.of is not None}
    for low in (0.70, 0.75, 0.80, 0.85):
        group = [i for i in copies if low <= i.similarity < low + 0.05]
        hits = sum(i.article_id in called for i in group)
        print(f"  [{low:.2f}, {low + 0.05:.2f}): {hits}/{len(group)} called near_duplicate")
    above = [i for i in copies if 0.80 <= i.similarity < 0.85]
    below = [i for i in copies if 0.75 <= i.similarity < 0.80 and i.label != "near_duplicate"]
    found = sum(i.article_id in called for i in above)
    false = sum(i.article_id in called for i in below)
    print(
        f"  near_duplicate in [0.80, 0.85): recall {found / max(1, len(above)):.4f} "
        f"({found}/{len(above)}), precision {found / max(1, found + false):.4f} counting the "
        f"{false} of {len(below)} copies in [0.75, 0.80) called a copy"
    )


def run_revisions_between(client: redis.Redis, config: DedupConfig, between: int) -> None:
    """Revisions with ``between`` other articles of their folder indexed in between: every
    article in one folder, the originals first, then the fillers, then the revisions."""
    items = build(config)
    originals = [i for i in items if i.kind == "original"]
    revisions = [i for i in items if i.kind == "revision"]
    others = [
        Item(f"{0x4000_0000_0000_0000 + n:016x}", text, "", "filler", "unique")
        for n, text in enumerate(fillers(between))
    ]
    source = Source(type="file", path="/bench/one-outlet/article.txt")
    families = family_keys(source, None, None)
    story = StoryConfig()
    print(f"\nrevisions with {between} articles of the same folder in between:")
    for with_features in (False, True):
        index = DedupIndex(client, Keys(f"between{int(with_features)}"), config)
        results = {}
        for item in originals + others + revisions:
            features = story_features([], item.text, story) if with_features else None
            results[item.article_id] = index.classify(
                item.article_id, item.text, families=families, features=features
            )
        report_revisions(revisions, others, results, with_features)


def report_revisions(
    revisions: list[Item], others: list[Item], results: dict, features: bool
) -> None:
    labelled = [i for i in revisions if i.label == "revision"]
    found = sum(results[i.article_id].dedup.revision_of == i.original for i in labelled)
    wrong = sum(
        results[i.article_id].dedup.revision_of not in (None, i.original) for i in revisions
    )
    fillers_linked = sum(results[i.article_id].dedup.revision_of is not None for i in others)
    how = (
        "families, bands and story features (distinctive terms, no NER)"
        if features
        else ("families and bands, no story features")
    )
    print(
        f"  {how}: revision recall {found / max(1, len(labelled)):.4f} "
        f"({found}/{len(labelled)}); revision_of another article {wrong}; "
        f"fillers given a revision_of {fillers_linked}"
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument(
        "--between", type=int, default=300, help="same-folder articles before the revisions"
    )
    args = parser.parse_args()
    with private_redis("quality") as client:
        run_dedup(client, DedupConfig(threshold=args.threshold))
        run_revisions_between(client, DedupConfig(threshold=args.threshold), args.between)


if __name__ == "__main__":
    main()
