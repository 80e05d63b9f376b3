"""The shared dedup index on a real Redis: copies classified at the same moment on separate
connections and by real worker processes, decisions near the threshold, revisions (also
far apart), stories, the window, cluster safety."""

from __future__ import annotations

import os
import threading
import time

import orjson
import pytest
import redis

from tests.workers.dedup_helpers import (
    edit_one_sentence,
    family,
    long_eval_articles,
    new_index,
)
from tests.workers.helpers import entries, wait_for_entries
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead


@pytest.fixture(scope="module")
def articles() -> list[str]:
    return long_eval_articles(40)


def race(texts: list[str], ids: list[str]):
    """Classify texts in threads with a connection each, released at the same instant."""
    barrier = threading.Barrier(len(texts))
    results = {}

    def classify(article_id: str, text: str) -> None:
        index = new_index()
        barrier.wait()
        results[article_id] = index.classify(article_id, text)

    pairs = zip(ids, texts, strict=True)
    threads = [threading.Thread(target=classify, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def assert_one_original(results) -> str:
    """Exactly one unique and every other one in its story. A near duplicate points at the
    unique one, the first seen; an exact copy may point at an earlier exact copy instead."""
    unique = [i for i, d in results.items() if d.dedup.status == "unique"]
    assert len(unique) == 1, results
    for article_id, decision in results.items():
        if article_id != unique[0]:
            assert decision.dedup.of in results.keys() - {article_id}, results
            if decision.dedup.status == "near_duplicate":
                assert decision.dedup.of == unique[0], results
            assert decision.story == results[unique[0]].story == unique[0]
    return unique[0]


def test_racing_exact_copies_yield_one_unique(redis_client, articles):
    """Of two identical texts classified at once, exactly one is unique, the other its duplicate."""
    for n, text in enumerate(articles):
        results = race([text, text], [f"a{n:015d}", f"b{n:015d}"])
        assert_one_original(results)
        assert sorted(r.dedup.status for r in results.values()) == ["duplicate", "unique"]


def test_racing_near_copies_yield_one_unique(redis_client, articles):
    """Of a text and its lightly edited copy classified at once, exactly one is unique."""
    for n, text in enumerate(articles):
        results = race([text, edit_one_sentence(text)], [f"c{n:015d}", f"d{n:015d}"])
        assert_one_original(results)
        near = next(r.dedup for r in results.values() if r.dedup.status == "near_duplicate")
        assert 0.8 <= near.similarity <= 1.0


def test_racing_three_copies_point_at_the_first_seen(redis_client, articles):
    """An original, an exact copy and an edited copy at once: one unique, one story."""
    for n, text in enumerate(articles[:20]):
        texts = [text, text, edit_one_sentence(text)]
        results = race(texts, [f"{c}{n:015d}" for c in "abc"])
        assert_one_original(results)


def test_different_articles_are_all_unique(redis_client, articles):
    """Forty different real articles are all unique, each its own story."""
    index = new_index()
    decisions = [index.classify(f"e{n:015d}", text) for n, text in enumerate(articles)]
    assert {d.dedup.status for d in decisions} == {"unique"}
    assert len({d.story for d in decisions}) == len(articles)


def test_classifying_again_is_idempotent(redis_client, articles):
    """A redelivered article finds itself in the index, not a copy of itself."""
    index = new_index()
    first = index.classify("f000000000000001", articles[0])
    again = index.classify("f000000000000001", articles[0])
    assert first == again and first.dedup.status == "unique"
    copy = index.classify("f000000000000002", edit_one_sentence(articles[0]))
    assert copy.dedup.of == "f000000000000001" and copy.story == first.story
    assert index.classify("f000000000000002", "any other text") == copy


class Crash(Exception):
    pass


def crash(*args, **kwargs):
    raise Crash


@pytest.mark.parametrize("step", ["_sequence", "_earlier"])
def test_a_worker_dying_mid_classify_leaves_one_original(redis_client, articles, step):
    """A copy killed before (or right after) taking its number: a copy classified two minutes
    later does not wait for it, and the redelivered first one agrees on who is first."""
    from structlog.testing import capture_logs

    from workers.state.dedup_index import IndexConfig

    now = [time.time()]
    dying = new_index(clock=lambda: now[0])
    setattr(dying, step, crash)
    with pytest.raises(Crash):
        dying.classify("9000000000000001", articles[4])
    now[0] += 120
    index = new_index(clock=lambda: now[0], index=IndexConfig(seq_wait=0.5))
    with capture_logs() as logged:
        later = index.classify("9000000000000002", articles[4])
    assert [e for e in logged if e["event"] == "dedup_candidates_unfinished"] == []
    redelivered = index.classify("9000000000000001", articles[4])
    assert_one_original({"9000000000000001": redelivered, "9000000000000002": later})


def test_five_outlets_on_one_event_are_one_story(redis_client, seed_articles):
    """The seeds, one event told by several outlets, all get the first one's story id."""
    from workers.stages.dedup import classify_article

    index = new_index()
    decisions = [classify_article(index, article) for article in seed_articles]
    assert {d.story for d in decisions} == {seed_articles[0].id}
    assert {d.dedup.status for d in decisions} == {"unique"}


def test_articles_on_different_events_start_their_own_stories(redis_client):
    """Invented articles with disjoint people and places each start a story."""
    index = new_index()
    people = [["person:adeyemi", "gpe:lagos"], ["person:lindqvist", "gpe:malmo"]]
    for n, names in enumerate(people):
        features = {name: 2.0 for name in names}
        text = f"Report number {n} about {names}"
        decision = index.classify(f"3{n:015d}", text, features=features)
        assert decision.story == f"3{n:015d}"


def test_an_outlet_feature_is_never_listed(redis_client):
    """The outlet (a feature weighing 0.0) gets no list of its own: it would gather every
    article of a site. Two reports from other outlets still make one story."""
    index = new_index()
    features = {"adeyemi": 10.0, "lagos": 8.0, "term:floodgates": 6.0}
    for n, outlet in enumerate(["site:a.example", "site:b.example"]):
        text = f"Report number {n} on Adeyemi, Lagos and the floodgates"
        decision = index.classify(f"6{n:015d}", text, features=features | {outlet: 0.0})
    assert decision.story == f"6{0:015d}"
    listed = {key.decode() for key in redis_client.scan_iter(KEYS.story_feature("*"))}
    assert listed == {KEYS.story_feature(f) for f in features}


def test_the_index_forgets_beyond_its_window(redis_client, articles):
    """A copy two windows later is unique again; every index key expires but the counter."""
    from workers.state.dedup_index import IndexConfig

    now = [time.time()]
    index = new_index(index=IndexConfig(window=3600.0), clock=lambda: now[0])
    index.classify("4000000000000000", articles[1])
    now[0] += 1800
    assert index.classify("4000000000000001", articles[1]).dedup.status == "duplicate"
    now[0] += 2 * 3600 + 120
    assert index.classify("4000000000000002", articles[1]).dedup.status == "unique"
    for key in redis_client.scan_iter(f"{KEYS.prefix}:*"):
        if key != KEYS.dedup_sequence.encode():
            assert redis_client.pttl(key) > 0, key


def test_every_command_touches_one_key(redis_client, articles):
    """Cluster safety: the only script runs on one key, other commands are single-key ones."""
    index = new_index()
    monitor_client = redis.Redis.from_url(os.environ["NEWSFLOW_REDIS_URL"])
    commands: list[str] = []

    def watch() -> None:
        with monitor_client.monitor() as monitor:
            for event in monitor.listen():
                if "stop-watching" in event["command"]:
                    return
                commands.append(event["command"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    time.sleep(0.3)
    features = {"person:kerry": 3.0, "gpe:crimea": 1.0}
    for n, text in enumerate([articles[2], articles[2], edit_one_sentence(articles[2])]):
        index.classify(f"5{n:015d}", text, families=family("x"), features=features)
    redis_client.echo("stop-watching")
    watcher.join(timeout=10)
    names = {c.split()[0].upper() for c in commands}
    single_key = {
        "HGET",
        "HSET",
        "HMGET",
        "HSETNX",
        "PEXPIRE",
        "PEXPIREAT",
        "LPUSH",
        "LTRIM",
        "LRANGE",
        "INCRBY",
        "HEXISTS",
    }
    assert names - single_key <= {"EVALSHA", "EVAL", "SCRIPT", "ECHO", "HELLO"}, names
    scripts = [c.split() for c in commands if c.upper().startswith("EVALSHA")]
    assert scripts and all(words[2] == "1" for words in scripts), scripts[:3]


def test_two_worker_processes_racing_copies_publish_one_original(redis_client, articles):
    """Two real dramatiq worker processes take two copies' dedup messages at the same time."""
    from pipelines.article import Article, Source
    from workers.runtime.supervisor import start_workers, stop_workers
    from workers.stages.dedup import dedup

    keys, rounds = KEYS, 25
    children = start_workers(2, 1, os.environ["NEWSFLOW_REDIS_URL"], log_level="WARNING")
    try:
        for n in range(rounds):
            text = articles[n % len(articles)]
            pair = [(f"7{n:015d}", text), (f"8{n:015d}", edit_one_sentence(text, ("n", str(n))))]
            for article_id, body in pair:
                record = Article(id=article_id, source=Source(type="file"), text=body)
                redis_client.set(keys.work(article_id), orjson.dumps(record.to_record()))
            for article_id, _ in pair:
                dedup.send(article_id)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 2 * rounds, timeout=180)
    finally:
        stop_workers(children)
    published = {e["id"]: e for e in entries(redis_client, ARTICLES)}
    assert len(published) == 2 * rounds and redis_client.xlen(DEAD) == 0
    for n in range(rounds):
        pair = [published[f"7{n:015d}"], published[f"8{n:015d}"]]
        assert sorted(e["status"] for e in pair) == ["near_duplicate", "unique"], n
        original = next(e["id"] for e in pair if e["status"] == "unique")
        assert {e["data"]["story"] for e in pair} == {original}


def test_seeds_through_real_workers_are_one_story_with_a_revision(
    redis_client, intake, seeds, tmp_path
):
    """The five seeds dropped in one folder, through the whole chain on a real dramatiq worker:
    one story id for all, and the two NYT versions (000, 002) linked as revisions."""
    import shutil

    from tests.workers.helpers import running_worker

    for seed in seeds:
        shutil.copy(seed, tmp_path / seed.name)
    with running_worker():
        offers = {s.name[:3]: intake.offer_file(tmp_path / s.name) for s in seeds}
        wait_for_entries(redis_client, [ARTICLES, DEAD], len(seeds), timeout=180)
    records = {e["id"]: e["data"] for e in entries(redis_client, ARTICLES)}
    assert len(records) == len(seeds) and redis_client.xlen(DEAD) == 0
    assert len({r["story"] for r in records.values()}) == 1
    nyt = [records[offers["000"].article_id], records[offers["002"].article_id]]
    links = {(r["id"], r["dedup"]["revision_of"]) for r in nyt if r["dedup"]["revision_of"]}
    assert links in ({(nyt[1]["id"], nyt[0]["id"])}, {(nyt[0]["id"], nyt[1]["id"])})
    others = [r for r in records.values() if r not in nyt]
    assert all(r["dedup"]["revision_of"] is None for r in others)
    assert {r["dedup"]["status"] for r in records.values()} == {"unique"}


# -- near the threshold --------------------------------------------------------------------
