"""Helpers shared by the named-entity tests: picking one entity by its key, and a text's
Doc with the spans a test gives. (The seed texts come from tests/conftest.py: the `seeds`
fixture, or `shared_files` at collection time.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.article import Entity

if TYPE_CHECKING:
    from spacy.tokens import Span

    from pipelines.entities.recognizer import EntityRecognizer


def by_key(entities: list[Entity]) -> dict[str, list[Entity]]:
    found: dict[str, list[Entity]] = {}
    for entity in entities:
        found.setdefault(entity.key, []).append(entity)
    return found


def only(entities: list[Entity], key: str) -> Entity:
    matches = by_key(entities).get(key, [])
    assert len(matches) == 1, f"{key}: {matches}"
    return matches[0]


def spans_on(recognizer: EntityRecognizer, text: str, spans: list[tuple[str, str]]) -> list[Span]:
    """The given (words, label) spans, each at its first place in ``text``, on the model's
    own Doc of it: the spans the small model gives on some pages, where it gives them."""
    doc = recognizer.nlp.make_doc(text)
    ents = []
    for words, label in spans:
        start = text.index(words)
        ents.append(doc.char_span(start, start + len(words), label=label))
    doc.ents = ents
    return list(doc.ents)
