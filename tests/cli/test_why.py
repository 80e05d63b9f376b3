"""`newsflow why ID`: what dedup decided for an article, against which others, on the
session's Redis."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import run_cli, session_env
from tests.workers.dedup_helpers import edit_one_sentence, long_eval_articles, new_index


@pytest.fixture(scope="module")
def articles() -> list[str]:
    return long_eval_articles(40)


def test_why_shows_the_decision_and_the_comparisons(redis_client, articles):
    """`newsflow why ID` prints what was decided against which article; unknown ids exit 1."""
    index = new_index()
    index.classify("6000000000000000", articles[3])
    index.classify("6000000000000001", edit_one_sentence(articles[3]))
    env = session_env()
    shown = run_cli("why", "6000000000000001", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "near_duplicate of 6000000000000000" in shown.stdout
    assert "6000000000000000  0.9" in shown.stdout
    as_json = run_cli("why", "6000000000000001", "--json", env=env)
    record = json.loads(as_json.stdout)
    assert record["status"] == "near_duplicate" and record["of"] == "6000000000000000"
    assert record["compared"][0][:1] == ["6000000000000000"] and record["similarity"] >= 0.8
    unknown = run_cli("why", "ffffffffffffffff", env=env)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "no dedup decision kept for ffffffffffffffff" in unknown.stderr
