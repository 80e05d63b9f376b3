"""Helpers of the dedup index tests (tests/workers/test_dedup_index.py, test_dedup_versions.py,
tests/cli/test_why.py): an index on the session's Redis, real articles, a folder's source
families, and an edited copy of one."""

from __future__ import annotations

import json
import os

import redis

from tests.conftest import shared_files


def long_eval_articles(count: int = 40) -> list[str]:
    """The first ``count`` human-made bodies of the extraction set longer than 300 words."""
    paths = shared_files("eval", "extraction", pattern="*.json")
    texts = [json.loads(p.read_text())["text"] for p in paths]
    long_enough = [t for t in texts if len(t.split()) > 300]
    assert len(long_enough) >= count, f"expected {count} long eval articles in {paths[0].parent}"
    return long_enough[:count]


def new_index(**options):  # type: ignore[no-untyped-def]
    """A dedup index of the session's Redis on a connection of its own."""
    from pipelines.dedup.minhash import DedupConfig
    from workers.keys import Keys
    from workers.state.dedup_index import DedupIndex

    client = redis.Redis.from_url(os.environ["NEWSFLOW_REDIS_URL"])
    return DedupIndex(client, Keys("nftest"), DedupConfig(), **options)


def family(folder: str) -> list[str]:
    """The source families of a file in the inbox folder ``folder``."""
    from pipelines.article import Source
    from pipelines.dedup.stories import family_keys

    return family_keys(Source(type="file", path=f"/inbox/{folder}/x.txt"), None, None)


def edit_one_sentence(text: str, words: tuple[str, ...] = ("an", "editor", "later")) -> str:
    """The text with a few words in its middle rewritten, as a correction would."""
    tokens = text.split(" ")
    middle = len(tokens) // 2
    tokens[middle : middle + len(words)] = list(words)
    return " ".join(tokens)


def misjudged_copies(
    texts: list[str], wanted: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Copies of real articles on which the signature estimate alone gets the threshold
    wrong: (original, copy) pairs of exact Jaccard in [0.80, 0.85) estimated below 0.8,
    and pairs in [0.75, 0.80) estimated at 0.8 or more; up to ``wanted`` of each."""
    import random

    from pipelines.dedup import minhash as dedup

    config = dedup.DedupConfig()
    above: list[tuple[str, str]] = []
    below: list[tuple[str, str]] = []
    for n, text in enumerate(texts):
        compact = dedup.compact_signature(dedup.signature(text, config))
        words = text.split(" ")
        for attempt in range(12):
            rng = random.Random(f"{n}-{attempt}")
            # Each replaced word changes about 5 shingles: aim between 0.75 and 0.85.
            edits = round(len(words) * rng.uniform(0.021, 0.032))
            copy = words[:]
            for at in rng.sample(range(len(words)), edits):
                copy[at] = f"edited{at}"
            copy_text = " ".join(copy)
            exact = dedup.jaccard(text, copy_text, config.shingle_size)
            estimate = dedup.estimate_compact_similarity(
                compact, dedup.compact_signature(dedup.signature(copy_text, config))
            )
            if 0.8 <= exact < 0.85 and estimate < 0.8 and len(above) < wanted:
                above.append((text, copy_text))
                break
            if 0.75 <= exact < 0.8 and estimate >= 0.8 and len(below) < wanted:
                below.append((text, copy_text))
                break
    return above, below
