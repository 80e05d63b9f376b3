"""Helpers shared by the named-entity tests: the seed texts beside the repository, and picking
one entity by its key."""

from __future__ import annotations

from pathlib import Path

from pipelines.article import Entity

# Real news texts shared beside the repository; read in place, never copied in.
SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEEDS = sorted(SEED_DIR.glob("*.txt"))


def by_key(entities: list[Entity]) -> dict[str, list[Entity]]:
    found: dict[str, list[Entity]] = {}
    for entity in entities:
        found.setdefault(entity.key, []).append(entity)
    return found


def only(entities: list[Entity], key: str) -> Entity:
    matches = by_key(entities).get(key, [])
    assert len(matches) == 1, f"{key}: {matches}"
    return matches[0]
