"""Huge inputs cost bounded work by design: the search for glued versions and NER stop
where an article ends and a huge text (a book, a log) would take minutes. The bounds are
checked by what they leave undone, never by a time."""

from __future__ import annotations

import copy
import dataclasses

from pipelines.clean import versions
from pipelines.clean.lines import LIMITS, Line
from pipelines.entities.recognizer import EntityRecognizer

OLDER = "PORT ALDEN — The tram board met on Friday to discuss the delays on the coast line."
NEWER = "PORT ALDEN — The tram board met on Friday to discuss the long delays on the coast line."


def glued(padding: int = 0) -> Line:
    """A row of two versions of a paragraph, each grown by ``padding`` words."""
    extra = " ".join(["again"] * padding)
    return Line(f"{OLDER} {extra}{NEWER} {extra}".replace("  ", " "))


def test_a_glued_row_is_split():
    row = glued()
    versions.split_glued_versions([row])
    assert row.older_copy == OLDER


def test_a_row_longer_than_the_limit_is_not_searched():
    """Two versions each over half the limit: left whole, unlike the same row shorter."""
    row = glued(padding=LIMITS.glued_max_chars // 10)
    assert len(row.text) > LIMITS.glued_max_chars
    versions.split_glued_versions([row])
    assert row.older_copy is None


def test_the_search_stops_when_the_document_spent_its_comparisons(monkeypatch):
    """The first glued row uses up a small budget: the second is left whole."""
    monkeypatch.setattr(versions, "LIMITS", dataclasses.replace(LIMITS, glued_max_comparisons=1))
    first, second = glued(), glued()
    versions.split_glued_versions([first, second])
    assert first.older_copy == OLDER and second.older_copy is None


def test_ner_reads_only_the_start_of_a_huge_text(recognizer: EntityRecognizer):
    """Past ``max_text_chars`` NER stops at a chunk boundary, and the record says so."""
    opening = (
        "Ilse Brandt, the harbourmaster, closed the northern pier in Port Alden on Monday.\n\n"
    )
    filler = "The repairs went on through the week while the ferries waited offshore.\n\n" * 40
    closing = "Mayor Tomas Vell reopened it on Friday.\n"
    short = copy.copy(recognizer)  # the same model, smaller bounds
    short.max_chunk_chars, short.max_text_chars = 500, 1_000
    text = opening + filler + closing
    found = short.recognize(text)
    names = {entity.name for entity in found.entities}
    assert "Ilse Brandt" in names and "Tomas Vell" not in names
    assert found.note is not None and found.note.startswith("entities: from the first ")
    assert f"of {len(text):,} characters only (NEWSFLOW_NER_MAX_CHARS)" in found.note
    assert "Tomas Vell" in {e.name for e in recognizer.recognize(text).entities}
