"""Helpers shared by the named-entity tests: picking one entity by its key. (The seed texts
come from tests/conftest.py: the `seeds` fixture, or `shared_files` at collection time.)"""

from __future__ import annotations

from pipelines.article import Entity


def by_key(entities: list[Entity]) -> dict[str, list[Entity]]:
    found: dict[str, list[Entity]] = {}
    for entity in entities:
        found.setdefault(entity.key, []).append(entity)
    return found


def only(entities: list[Entity], key: str) -> Entity:
    matches = by_key(entities).get(key, [])
    assert len(matches) == 1, f"{key}: {matches}"
    return matches[0]
