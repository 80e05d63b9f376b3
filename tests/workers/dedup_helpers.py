"""Helpers of the dedup index tests (tests/workers/test_dedup_index.py, tests/cli/test_why.py):
an index on the session's Redis, real articles, and an edited copy of one."""

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


def edit_one_sentence(text: str, words: tuple[str, ...] = ("an", "editor", "later")) -> str:
    """The text with a few words in its middle rewritten, as a correction would."""
    tokens = text.split(" ")
    middle = len(tokens) // 2
    tokens[middle : middle + len(words)] = list(words)
    return " ".join(tokens)
