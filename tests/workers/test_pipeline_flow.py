"""The stages run by a real dramatiq Worker on a real Redis, fed through the real intake."""

from __future__ import annotations

import shutil

import pytest

from tests.workers.helpers import entries, running_worker, settle, wait_for_entries
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead


def test_seeds_become_clean_unique_articles(redis_client, intake, seeds, tmp_path):
    """Each seed text is published once, clean, with its people as single PERSON entities."""
    for seed in seeds:
        shutil.copy(seed, tmp_path / seed.name)
    with running_worker():
        offers = [intake.offer_file(tmp_path / s.name) for s in seeds]
        wait_for_entries(redis_client, [ARTICLES, DEAD], len(seeds))
    published = entries(redis_client, ARTICLES)
    assert entries(redis_client, DEAD) == []
    assert sorted(e["id"] for e in published) == sorted(o.article_id for o in offers)
    for entry in published:
        record = entry["data"]
        assert record["schema"] == 1 and record["id"] == entry["id"]
        assert "Next Story" not in record["text"]
        assert "Twitter Facebook Reddit Pinterest Email" not in record["text"]
        people = {e["key"]: e for e in record["entities"] if e["label"] == "PERSON"}
        for key in ("person:kerry", "person:lavrov", "person:putin"):
            assert key in people, f"{key} missing in {record['source']['path']}"


def test_dropping_same_file_twice_adds_nothing(redis_client, intake, seeds, tmp_path):
    """The same content under the same name is taken once; under a new name it is a duplicate."""
    first = tmp_path / "first.txt"
    shutil.copy(seeds[1], first)
    with running_worker():
        original = intake.offer_file(first)
        again = intake.offer_file(first)
        # First-seen means first processed: let the original finish before the copy.
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
        copy = tmp_path / "copy.txt"
        shutil.copy(seeds[1], copy)
        duplicate = intake.offer_file(copy)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 2)
        settle(redis_client, [ARTICLES, DEAD])
    assert original.queued and not again.queued and duplicate.queued
    by_id = {e["id"]: e for e in entries(redis_client, ARTICLES)}
    assert len(by_id) == 2
    assert by_id[original.article_id]["status"] == "unique"
    dup = by_id[duplicate.article_id]["data"]["dedup"]
    assert dup == {
        "status": "duplicate",
        "of": original.article_id,
        "similarity": 1.0,
        "revision_of": None,
    }


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary"),
        ("report.pdf", b"%PDF-1.4 something", "unsupported file type .pdf"),
        ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article"),
    ],
)
def test_bad_input_goes_to_dead_with_reason(redis_client, intake, tmp_path, name, content, reason):
    """Unreadable inputs end in `dead` with a one-line reason naming the stage."""
    path = tmp_path / name
    path.write_bytes(content)
    with running_worker():
        offer = intake.offer_file(path)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
    [dead] = entries(redis_client, DEAD)
    assert dead["id"] == offer.article_id and dead["stage"] == "extract"
    assert reason in dead["error"] and "\n" not in dead["error"]
    assert dead["source"]["path"] == str(path.resolve())
    assert redis_client.xlen(ARTICLES) == 0


def test_oversized_file_is_refused_unread(redis_client, services, tmp_path):
    """A file over the size cap goes to `dead` at intake, without being read."""
    from workers.inputs.intake import Intake
    from workers.stages.chain import start

    small_cap = Intake(services.client, services.keys, services.outcomes, 100, start)
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 1000)
    offer = small_cap.offer_file(path)
    [dead] = entries(redis_client, DEAD)
    assert not offer.queued and dead["stage"] == "intake" and "too large" in dead["error"]


def test_transient_failure_retries_then_goes_to_dead(redis_client):
    """A stage that keeps failing is retried by dramatiq, then buried with its last error."""
    from workers.stages.entities import entities

    redis_client.set(KEYS.work("0123456789abcdef"), b"{not json")
    with running_worker():
        entities.send_with_options(
            args=("0123456789abcdef",), max_retries=2, min_backoff=10, max_backoff=50
        )
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1, timeout=60)
    [dead] = entries(redis_client, DEAD)
    assert dead["stage"] == "entities"
    assert dead["error"].startswith("gave up after 3 attempts")
    assert dead["attempts"] == "3"


def test_redelivered_messages_publish_once(redis_client, intake, seeds, tmp_path):
    """Replaying every stage's message for a finished article adds no second entry."""
    from workers.stages.dedup import dedup
    from workers.stages.entities import entities
    from workers.stages.extract import extract
    from workers.stages.publish import publish

    path = tmp_path / "a.txt"
    shutil.copy(seeds[3], path)
    with running_worker():
        offer = intake.offer_file(path)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
        [entry] = entries(redis_client, ARTICLES)
        source = entry["data"]["source"]
        extract.send(offer.article_id, source, "2026-01-01T00:00:00.000Z")
        for stage in (entities, dedup, publish):
            stage.send(offer.article_id)
        settle(redis_client, [ARTICLES, DEAD], quiet=3)
    assert redis_client.xlen(ARTICLES) == 1 and redis_client.xlen(DEAD) == 0


def test_exhausted_retries_bury_the_stored_source(redis_client):
    """When a later stage gives up, the dead entry carries the input's source, not the article."""
    import orjson

    from pipelines.article import Article, Source
    from workers.stages.dedup import dedup

    source = Source(type="file", path="/srv/inbox/broken.txt")
    broken = Article(id="00000000000000aa", source=source, text=None)  # type: ignore[arg-type]
    redis_client.set(KEYS.work(broken.id), orjson.dumps(broken.to_record()))
    with running_worker():
        dedup.send_with_options(args=(broken.id,), max_retries=1, min_backoff=10, max_backoff=50)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1, timeout=60)
    [dead] = entries(redis_client, DEAD)
    assert dead["stage"] == "dedup" and dead["error"].startswith("gave up after 2 attempts")
    assert dead["source"] == {
        "type": "file",
        "path": "/srv/inbox/broken.txt",
        "url": None,
        "feed": None,
    }
