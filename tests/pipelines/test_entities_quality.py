"""The named-entity stage after issue 4: more titles, events, transliteration, places from the
gazetteer, language detection, and the quality floors on the hand gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import default_gazetteer
from pipelines.entities.keys import entity_key, transliteration_fold, variant_keys
from pipelines.entities.labels import repair_label
from pipelines.entities.language import detect_language, primary_subtag
from pipelines.entities.merge import merge_mentions
from pipelines.entities.names import initials, normalise_name
from pipelines.entities.recognizer import EntityRecognizer, skip_reason

# --- issue 4: titles, events, prefixes, transliteration, places, language, the gold -------

GOLD_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "entities_gold" / "gold.json"

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
    from pipelines.entities.mentions import group_mentions

    return list(group_mentions(mentions).values())


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


def _gold_texts(shared: Path) -> dict[str, str]:
    from pipelines.entities.scoring import gold_texts

    return gold_texts(GOLD_PATH, shared)


def test_quality_floors_on_the_hand_gold(recognizer: EntityRecognizer, shared: Path) -> None:
    """On the hand gold, dev and held-out apart: floors a little under what this code
    reaches (dev 106 documents: PERSON 0.960/0.925, ORG 0.786/0.815, GPE 0.937/0.969;
    held-out 70: PERSON 0.852/0.843, ORG 0.555/0.696, GPE 0.853/0.941, after issue 14's
    twelfth round; each round's figures are in benchmarks/README.md; the check set's
    pages of the gold need its cache, which tests do not have). No person is given
    two keys across documents (Yanukovych/Yanukovich had two before issue 4); the people
    the model reads once as a person and once as an organisation or place in one text
    (seven, two of them a bare surname that two people of the text have) stay a known
    weakness.
    """
    from pipelines.entities.scoring import SPLITS, Score, score_document, split_of

    gold = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
    scores = {split: Score() for split in SPLITS}
    for doc, text in _gold_texts(shared).items():
        score_document(scores[split_of(gold[doc])], doc, gold[doc], recognizer(text))
    floors = {
        "dev": {"PERSON": (0.94, 0.90), "ORG": (0.76, 0.79), "GPE": (0.90, 0.95)},
        "held-out": {"PERSON": (0.83, 0.82), "ORG": (0.53, 0.67), "GPE": (0.83, 0.93)},
    }
    for split, score in scores.items():
        for label, (precision, recall) in floors[split].items():
            achieved = score.labels[label]
            assert achieved.precision >= precision and achieved.recall >= recall, (split, label)
    dev = scores["dev"]
    # The byline "Ingrid Calloway" the model reads as a facility joins "Mayor Calloway".
    assert not any("calloway" in person.lower() for person in dev.split_people)
    # Seven on dev 106 (eight before the eleventh round joined "Zelensky" and "Volodymyr
    # Zelenskiy"), "NPR ’s Feng" (an ORG read across a spaced possessive) among them.
    assert len(dev.split_people) <= 7, dev.split_people
    assert len(dev.failed_checks) <= 1, dev.failed_checks
    people_split = [name for name in dev.key_splits if name.startswith("PERSON")]
    assert people_split == []
    for name in ("GPE:Kyiv", "GPE:United States", "GPE:Luhansk", "PERSON:Viktor Yanukovych"):
        assert len(dev.keys[name]) == 1, (name, dev.keys[name])


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
    from pipelines.entities import gazetteer as module

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
