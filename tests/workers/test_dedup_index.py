"""The shared dedup index on a real Redis, including copies classified at the same moment."""

from __future__ import annotations

import json
import os
import threading

import pytest
import redis

from tests.conftest import EVAL


@pytest.fixture(scope="module")
def articles() -> list[str]:
    texts = [json.loads(p.read_text())["text"] for p in sorted(EVAL.glob("extraction/*.json"))]
    long_enough = [t for t in texts if len(t.split()) > 300]
    assert len(long_enough) >= 40, f"expected the eval articles in {EVAL}"
    return long_enough[:40]


def new_index():
    from pipelines.dedup import DedupConfig
    from workers.dedup_index import DedupIndex
    from workers.keys import Keys

    client = redis.Redis.from_url(os.environ["NEWSFLOW_REDIS_URL"])
    return DedupIndex(client, Keys("nftest"), DedupConfig())


def race(text_a: str, text_b: str, ids: tuple[str, str]):
    """Classify two texts in two threads with two connections, released at the same instant."""
    barrier = threading.Barrier(2)
    results = {}

    def classify(article_id: str, text: str) -> None:
        index = new_index()
        barrier.wait()
        results[article_id] = index.classify(article_id, text).dedup

    pairs = zip(ids, (text_a, text_b), strict=True)
    threads = [threading.Thread(target=classify, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def edit_one_sentence(text: str) -> str:
    """The text with a few words in its middle rewritten, as a correction would."""
    words = text.split(" ")
    middle = len(words) // 2
    words[middle : middle + 6] = ["an", "editor", "later", "corrected", "this", "figure"]
    return " ".join(words)


def test_racing_exact_copies_yield_one_unique(redis_client, articles):
    """Of two identical texts classified at once, exactly one is unique, the other its duplicate."""
    for round_number, text in enumerate(articles):
        ids = (f"a{round_number:015d}", f"b{round_number:015d}")
        results = race(text, text, ids)
        statuses = sorted(r.status for r in results.values())
        assert statuses == ["duplicate", "unique"], (round_number, results)
        first = next(i for i, r in results.items() if r.status == "unique")
        assert next(r for r in results.values() if r.status == "duplicate").of == first


def test_racing_near_copies_yield_one_unique(redis_client, articles):
    """Of a text and its lightly edited copy classified at once, exactly one is unique."""
    for round_number, text in enumerate(articles):
        ids = (f"c{round_number:015d}", f"d{round_number:015d}")
        results = race(text, edit_one_sentence(text), ids)
        statuses = sorted(r.status for r in results.values())
        assert statuses == ["near_duplicate", "unique"], (round_number, results)
        near = next(r for r in results.values() if r.status == "near_duplicate")
        assert near.similarity >= 0.8
        assert results[near.of].status == "unique"


def test_different_articles_are_all_unique(redis_client, articles):
    """Forty different real articles are all unique."""
    index = new_index()
    decisions = [index.classify(f"e{n:015d}", text).dedup for n, text in enumerate(articles)]
    assert {d.status for d in decisions} == {"unique"}


def test_classifying_again_is_idempotent(redis_client, articles):
    """A redelivered article finds itself in the index, not a copy of itself."""
    index = new_index()
    first = index.classify("f000000000000001", articles[0])
    again = index.classify("f000000000000001", articles[0])
    assert first == again and first.dedup.status == "unique"
    copy = index.classify("f000000000000002", edit_one_sentence(articles[0]))
    assert copy.dedup.of == "f000000000000001" and copy.story == first.story
