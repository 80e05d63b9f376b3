"""Scoring entities against hand annotations: precision/recall per label, per entity.

The gold (tests/fixtures/entities_gold/gold.json) lists, per document and label, the
distinct entities; an entry is a name or a list of spellings of one entity. A predicted
entity matches a gold one of its label when one of its mentions names it: the same
folded name, or for people the same surname with a compatible first name.

A document is "dev" (rules were tuned on it) or "held-out" (annotated before the code it
measures), and may list checks: a mention and the key, and for a person the name, that
its entity must have ("southern Ukraine" is Ukraine's, "Harbourmaster Tomas Vell" is
Tomas Vell).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pipelines.article import Entity
from pipelines.entities.folding import fold
from pipelines.entities.names import first_names_compatible, normalise_name, person_parts

SCORED_LABELS = ("PERSON", "ORG", "GPE")

#: The splits of the gold; a document without a "split" field is dev.
SPLITS = ("dev", "held-out")

GoldDoc = Mapping[str, object]  # label -> entries, "split" -> str, "checks" -> [{...}]


@dataclass(slots=True)
class LabelScore:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


@dataclass(slots=True)
class Score:
    labels: dict[str, LabelScore] = field(
        default_factory=lambda: {label: LabelScore() for label in SCORED_LABELS}
    )
    split_people: list[str] = field(default_factory=list)  # "doc: name" per split person
    keys: dict[str, set[str]] = field(default_factory=dict)  # gold entity -> predicted keys
    checks: int = 0
    failed_checks: list[str] = field(default_factory=list)  # "doc: mention -> key (got ...)"

    @property
    def key_splits(self) -> dict[str, set[str]]:
        """Gold entities given more than one key across the documents."""
        return {name: keys for name, keys in self.keys.items() if len(keys) > 1}


def split_of(gold: GoldDoc) -> str:
    """The document's split: "dev" unless the gold says "held-out"."""
    return "held-out" if gold.get("split") == "held-out" else "dev"


def entry_spellings(entry: str | list[str]) -> list[str]:
    """The spellings of a gold entry: a name, or a list whose first item is canonical."""
    return [entry] if isinstance(entry, str) else list(entry)


def _names(entity: Entity) -> list[str]:
    names = [normalise_name(m, entity.label) for m in entity.mentions] + [entity.name]
    return [name for name in names if name]


def matches(entity: Entity, label: str, spellings: list[str]) -> bool:
    """Whether the predicted entity names the gold entity (any label for people's splits)."""
    if label == "PERSON":
        wanted = [person_parts(s) for s in spellings]
        return any(
            surname == gold_surname and first_names_compatible(first, gold_first)
            for first, surname in map(person_parts, _names(entity))
            for gold_first, gold_surname in wanted
        )
    folded = {fold(normalise_name(s)) for s in spellings}
    return any(fold(name) in folded for name in _names(entity))


def _check_failure(check: Mapping[str, str], entities: list[Entity]) -> str | None:
    """Why the check fails, or None: every entity with the mention must have the key
    (and name), and some entity must have the key (the model may leave "eastern" out)."""
    key, name = check["key"], check.get("name")
    having = [e for e in entities if check["mention"] in e.mentions]
    keyed = [e for e in entities if e.key == key]
    wrong = [e for e in having or keyed if e.key != key or (name and e.name != name)]
    if keyed and not wrong:
        return None
    got = ", ".join(f"{e.key} {e.name!r}" for e in wrong) or "no such entity"
    return f"{check['mention']} -> {key} {name or ''} (got {got})"


def score_document(score: Score, doc: str, gold: GoldDoc, entities: Iterable[Entity]) -> None:
    """Add one document's counts to ``score``."""
    entities = list(entities)
    checks = cast("list[dict[str, str]]", gold.get("checks", []))
    for check in checks:
        score.checks += 1
        if (failure := _check_failure(check, entities)) is not None:
            score.failed_checks.append(f"{doc}: {failure}")
    for label in SCORED_LABELS:
        counts = score.labels[label]
        predicted = [e for e in entities if e.label == label]
        entries = [
            entry_spellings(entry) for entry in cast("list[str | list[str]]", gold.get(label, []))
        ]
        counts.predicted += len(predicted)
        counts.gold += len(entries)
        counts.true_positives += sum(
            any(matches(e, label, spellings) for spellings in entries) for e in predicted
        )
        for spellings in entries:
            hits = [e for e in predicted if matches(e, label, spellings)]
            counts.found += bool(hits)
            score.keys.setdefault(f"{label}:{spellings[0]}", set()).update(e.key for e in hits)
            if label == "PERSON" and sum(matches(e, label, spellings) for e in entities) > 1:
                score.split_people.append(f"{doc}: {spellings[0]}")


def gold_texts(gold_path: Path, shared: Path, samples: Path | None = None) -> dict[str, str]:
    """Document id -> text for every document of the gold, read where it lies:
    "seeds/<name>" is a seed text and "extraction/<id>" an eval page's human-made body in
    ``shared``; "samples/<name>" is one of the project's invented ``samples`` (by default
    samples/ of the project holding the gold) and "fixture/<name>" an invented text in
    texts/ beside the gold. A "checkset/<page id>" document is a page of the benchmarks'
    check set, which only they read (from its cache, through the extract stage)."""
    samples = samples or gold_path.resolve().parents[3] / "samples"
    texts = {}
    for doc in json.loads(gold_path.read_text(encoding="utf-8")):
        kind, _, name = doc.partition("/")
        if kind == "seeds":
            texts[doc] = (shared / f"{doc}.txt").read_text(encoding="utf-8")
        elif kind == "extraction":
            page = shared / "eval" / "extraction" / f"{name}.json"
            texts[doc] = json.loads(page.read_text(encoding="utf-8"))["text"]
        elif kind == "samples":
            texts[doc] = (samples / f"{name}.txt").read_text(encoding="utf-8")
        elif kind == "fixture":
            texts[doc] = (gold_path.parent / "texts" / f"{name}.txt").read_text(encoding="utf-8")
    return texts
