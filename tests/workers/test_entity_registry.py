"""The entity registry on the session's Redis, and through the real worker (the
`newsflow entities` command: tests/cli/test_entities_command.py)."""

from __future__ import annotations

import pytest
from redis.crc import key_slot

from pipelines.article import Entity
from tests.workers.helpers import entries, running_worker, wait_for_entries
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead

# An invented German report: no model for German, so no entities and a note.
GERMAN = (
    "Der Bürgermeister von Brackwasser, Tobias Wren, sagte am Dienstag in Hamburg, die "
    "Hafenmauer werde noch vor den Winterstürmen repariert. Die Arbeiten sollen drei Monate "
    "dauern und werden von der Stadt und dem Land gemeinsam bezahlt. Anwohner hatten sich "
    "seit Jahren über die Schäden beklagt, sagte der Sprecher der Hafenbehörde.\n"
)


def entity(name: str, key: str, label: str, mentions: list[str]) -> Entity:
    return Entity(name=name, key=key, label=label, count=len(mentions), mentions=mentions)


@pytest.fixture
def registry(redis_client):
    from workers.state.entity_registry import EntityRegistry

    return EntityRegistry(redis_client, KEYS, marker_ttl=60)


def test_registry_counts_each_article_once_and_keeps_first_seen(registry) -> None:
    """Two articles count twice; a redelivered one counts nothing; first seen stays."""
    lavrov = entity("Sergey V Lavrov", "person:lavrov", "PERSON", ["Sergey V Lavrov", "Lavrov"])
    assert registry.record("a1", [lavrov], "2026-01-01T00:00:00.000Z")
    again = entity("Sergei Lavrov", "person:lavrov", "PERSON", ["Sergei Lavrov"])
    assert registry.record("a2", [again], "2026-01-02T00:00:00.000Z")
    assert not registry.record("a2", [again], "2026-01-03T00:00:00.000Z")
    shown = registry.show("person:lavrov")
    assert shown["articles"] == 2 and shown["mentions"] == 3
    assert shown["name"] == "Sergey V Lavrov" and shown["first_article"] == "a1"
    assert shown["first_seen"] == "2026-01-01T00:00:00.000Z"
    assert shown["variants"] == {"Sergey V Lavrov": 1, "Lavrov": 1, "Sergei Lavrov": 1}
    assert registry.show("person:nobody") is None


def test_alias_learnt_in_one_article_resolves_the_next(registry, redis_client) -> None:
    """ "UN" beside "United Nations" teaches the registry: a later lone "UN" gets its key."""
    un = entity("United Nations", "org:united-nations", "ORG", ["the United Nations", "UN"])
    registry.record("a1", [un], "2026-01-01T00:00:00.000Z")
    [alone] = registry.resolve([entity("UN", "org:un", "ORG", ["UN"])])
    assert alone.key == "org:united-nations"
    assert registry.show("org:un")["key"] == "org:united-nations"
    record = KEYS.entity("org:united-nations")
    variants = KEYS.entity_variants("org:united-nations")
    assert redis_client.exists(record) and redis_client.exists(variants)
    # The hash tag {org:united-nations}: an entity's keys are on one cluster slot.
    slot = key_slot(b"org:united-nations")
    assert key_slot(record.encode()) == key_slot(variants.encode()) == slot


def test_top_lists_by_articles(registry) -> None:
    """`top` ranks by the number of articles naming an entity."""
    kyiv = entity("Kyiv", "gpe:kyiv", "GPE", ["Kyiv"])
    wren = entity("Tobias Wren", "person:wren", "PERSON", ["Tobias Wren"])
    registry.record("a1", [kyiv, wren], "2026-01-01T00:00:00.000Z")
    registry.record("a2", [kyiv], "2026-01-01T00:00:00.000Z")
    assert [(e["key"], e["articles"]) for e in registry.top(5)] == [
        ("gpe:kyiv", 2),
        ("person:wren", 1),
    ]
    assert [e["key"] for e in registry.top(1)] == ["gpe:kyiv"]


def test_non_english_article_is_published_with_no_entities_and_a_note(
    redis_client, intake, tmp_path
) -> None:
    """A German article goes through every stage: published, no entities, a note why."""
    path = tmp_path / "hafen.txt"
    path.write_text(GERMAN, encoding="utf-8")
    with running_worker():
        offer = intake.offer_file(path)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
    assert entries(redis_client, DEAD) == []
    [entry] = entries(redis_client, ARTICLES)
    record = entry["data"]
    assert entry["id"] == offer.article_id and record["entities"] == []
    assert len(record["notes"]) == 1 and "'de'" in record["notes"][0]
    assert redis_client.zcard(KEYS.entities_top) == 0
