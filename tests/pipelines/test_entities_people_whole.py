"""One person, one entity (issue 14, eleventh round): a surname the model read apart from
its given name, as a town, in another romanisation or as the name of what the person
leads is still the person's. Invented names and texts throughout."""

from __future__ import annotations

import pytest

from pipelines.entities.context import EVERYDAY_WORD
from pipelines.entities.gazetteer import default_gazetteer
from pipelines.entities.mentions import LEADING, PLACED
from pipelines.entities.merge import merge_mentions
from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import spans_on


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer()


def _mentions(recognizer: EntityRecognizer, text: str, spans: list[tuple[str, str]]):
    """(text, label, word before) of the mentions kept of the given (text, label) spans,
    set on the model's own Doc of ``text``: the spans the small model gives on some pages."""
    from pipelines.entities.context import entity_mentions

    ents = spans_on(recognizer, text, spans)
    found = entity_mentions(ents, text, recognizer.lexicon, recognizer.gazetteer)
    return [mention for _, mention in found]


def test_a_given_name_before_a_surname_read_alone_joins_it(recognizer) -> None:
    """ "Anders Halvorsen" of which the model read only "Halvorsen", as an organisation, is
    a person; a given name that is a common word ("Mark") or a place ("Paris"), or one
    after another capitalised word, is left out of the name."""
    text = "Anders Halvorsen made 30 saves for the Vipers, and Wenke Rask scored twice."
    found = _mentions(recognizer, text, [("Halvorsen", "ORG"), ("Rask", "GPE")])
    assert [m[:2] for m in found] == [("Anders Halvorsen", "PERSON"), ("Wenke Rask", "PERSON")]
    for text in (
        "On Friday Mark Halvorsen made 30 saves.",
        "On Friday Paris Halvorsen made 30 saves.",
        "The Vipers Anders Halvorsen line-up made 30 saves.",
    ):
        assert [m[:2] for m in _mentions(recognizer, text, [("Halvorsen", "ORG")])] == [
            ("Halvorsen", "ORG")
        ]


def test_a_leaders_name_before_what_they_lead_is_theirs(recognizer, gazetteer) -> None:
    """ "the Halvorsen administration" names a person, though "the" stands before the name
    (which makes a one-word "person" such as "the Duma" an organisation)."""
    text = "Doctors said the Halvorsen administration had cut the clinic's budget."
    [mention] = _mentions(recognizer, text, [("Halvorsen", "PERSON")])
    assert mention == ("Halvorsen", "PERSON", LEADING)
    [entity] = merge_mentions([mention], gazetteer)
    assert (entity.key, entity.label) == ("person:halvorsen", "PERSON")
    # The premise: after a bare "the", the same one-word "person" is an organisation.
    [other] = merge_mentions([("Halvorsen", "PERSON", "the")], gazetteer)
    assert other.label == "ORG"


def test_a_surname_read_as_a_town_joins_its_person(gazetteer) -> None:
    """ "Preston" read as the town, never written after "in", is Tamsin Preston's surname;
    written after "in" it stays the town, and a country ("Jordan") stays the country."""
    assert gazetteer.lookup("preston").kind == "city"  # the premise
    [person] = merge_mentions(
        [("Tamsin Preston", "PERSON"), ("Preston", "GPE", "said"), ("Preston", "GPE", "when")],
        gazetteer,
    )
    assert (person.key, person.count) == ("person:preston", 3)
    apart = merge_mentions(
        [("Tamsin Preston", "PERSON"), ("Preston", "GPE", "in"), ("Preston", "GPE", "when")],
        gazetteer,
    )
    assert sorted(e.key for e in apart) == ["gpe:preston", "person:preston"]
    country = merge_mentions(
        [("Tamsin Jordan", "PERSON"), ("Jordan", "GPE", "with"), ("Jordan", "GPE", "when")],
        gazetteer,
    )
    assert sorted(e.key for e in country) == ["gpe:jordan", "person:jordan"]


def test_a_surname_spelt_as_another_towns_name_joins_its_person(gazetteer) -> None:
    """A surname the gazetteer knows as an old spelling of a city ("Daca", Dhaka) is the
    person's, matched as written, not by the city it names."""
    assert gazetteer.lookup("daca").name == "Dhaka"  # the premise
    [person] = merge_mentions([("Ilinca Daca", "PERSON"), ("Daca", "GPE", "per")], gazetteer)
    assert (person.name, person.count) == ("Ilinca Daca", 2)


def test_a_surname_in_another_romanisation_joins_its_person(gazetteer) -> None:
    """ "Kovalenky" and "Oleksandr Kovalenkiy" are one person, as their keys already say."""
    [person] = merge_mentions(
        [("Oleksandr Kovalenkiy", "PERSON"), ("Kovalenky", "PERSON", "said")], gazetteer
    )
    assert (person.name, person.count) == ("Oleksandr Kovalenkiy", 2)


def test_a_place_nowhere_written_as_one_is_no_place(gazetteer) -> None:
    """A one-word "place" that is no town and that the text never writes where a place
    is written ("on Lucasfilm", "its Siri") is dropped; written after "in" or "from", or
    opening a line (a dateline), it stays, and so does a town the gazetteer knows only as
    a smaller one ("a Kalamazoo man") or a name of two words."""
    assert gazetteer.lookup("lucasfilm") is None  # the premise: no place anyone knows
    assert merge_mentions([("Lucasfilm", "GPE", "on"), ("Siri", "GPE", "its")], gazetteer) == []
    for before in ("in", "from", ""):
        mentions = [("Brackwater", "GPE", "the"), ("Brackwater", "GPE", before)]
        [kept] = merge_mentions(mentions, gazetteer)
        assert kept.label == "GPE", before
    assert gazetteer.lookup("kalamazoo") is None and gazetteer.knows_town("kalamazoo")
    for name in ("Kalamazoo", "Walnut Grove"):
        [kept] = merge_mentions([(name, "GPE", "a")], gazetteer)
        assert (kept.name, kept.label) == (name, "GPE")


def test_what_no_persons_name_holds_makes_no_person(gazetteer) -> None:
    """A "person" with a colon, a dash between words or a comma in it is a credit line or
    a row of links ("Photo: Creativa", "Win, Mac"); a suffix after a comma is a name's."""
    mentions = [
        ("Top Image: Creativa - FastCo", "PERSON"),
        ("Win, Mac", "PERSON"),
        ("Rowan Ashby, Jr.", "PERSON"),
        ("Rowan Ashby, Jr.", "PERSON"),
    ]
    assert [e.name for e in merge_mentions(mentions, gazetteer)] == ["Rowan Ashby, Jr."]


def test_a_word_in_capitals_before_a_persons_name_is_no_part_of_it(gazetteer) -> None:
    """ "COO Prusch" and "READ Hoenig" (a link's shouted word) name Prusch and Hoenig, who
    join their full names; initials before a surname ("TJ Marlow") are the name's."""
    entities = merge_mentions(
        [
            ("Dana Prusch", "PERSON"),
            ("COO Prusch", "PERSON"),
            ("Erik Hoenig", "PERSON"),
            ("READ Hoenig", "PERSON"),
            ("TJ Marlow", "PERSON"),
        ],
        gazetteer,
    )
    assert sorted((e.name, e.count) for e in entities) == [
        ("Dana Prusch", 2),
        ("Erik Hoenig", 2),
        ("TJ Marlow", 1),
    ]


def test_a_town_before_its_people_or_named_a_village_is_a_place(recognizer, gazetteer) -> None:
    """ "a Carrowby man", "Carrowby police" and "Carrowby, a village" name the town where
    nothing before it does: it stays a place."""
    for text, label in (
        ("A Carrowby man was charged on Friday.", "GPE"),
        ("On Friday Carrowby police charged a man.", "GPE"),
        ("They met in Brackwater. Carrowby, a village near the coast, flooded.", "PERSON"),
    ):
        [mention] = _mentions(recognizer, text, [("Carrowby", label)])
        assert mention == ("Carrowby", "GPE", PLACED), text
        [entity] = merge_mentions([mention], gazetteer)
        assert (entity.name, entity.label) == ("Carrowby", "GPE")


def test_a_titles_word_in_lower_case_is_no_title(recognizer, gazetteer) -> None:
    """ "a major Second Amendment case" names no Major: the law stays a law, while "Major
    Tom Hale" keeps the title's word before the name."""
    text = "She argued a major Second Amendment case before Major Tom Hale retired."
    found = _mentions(recognizer, text, [("Second Amendment", "LAW"), ("Tom Hale", "PERSON")])
    assert found == [("Second Amendment", "LAW", EVERYDAY_WORD), ("Tom Hale", "PERSON", "major")]
    [law] = merge_mentions([found[0]], gazetteer)
    assert law.label == "LAW"
    # The premise: after the title's word, a name alone is taken for a person's.
    [misread] = merge_mentions([("Second Amendment", "LAW", "major")], gazetteer)
    assert misread.label == "PERSON"


def test_a_name_in_a_list_of_people_is_a_person(recognizer) -> None:
    """ "Tamsin Lowry and Tarn Ambery scored": a name of two capitalised words the model
    read as an organisation, written in one list with a person, is a person; an
    organisation's name listed so keeps its label when a word of it says what it is
    ("Harbour Freight Company") or it starts with a place ("Glasgow Rovers")."""
    text = "Tamsin Lowry and Tarn Ambery scored for the Vipers, and Ilse Varga, Harbour"
    text += " Freight Company and Glasgow Rovers sent flowers."
    spans = [("Tamsin Lowry", "PERSON"), ("Tarn Ambery", "ORG"), ("Ilse Varga", "PERSON")]
    spans += [("Harbour Freight Company", "ORG"), ("Glasgow Rovers", "ORG")]
    found = [m[:2] for m in _mentions(recognizer, text, spans)]
    assert found == [
        ("Tamsin Lowry", "PERSON"),
        ("Tarn Ambery", "PERSON"),
        ("Ilse Varga", "PERSON"),
        ("Harbour Freight Company", "ORG"),
        ("Glasgow Rovers", "ORG"),
    ]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Tarn Ambery, chairman of the port board, said the pier would reopen.", "PERSON"),
        ("Tarn Ambery, an analyst at Brackwater Research, said the pier would reopen.", "PERSON"),
        ("Tarn Ambery, the company that runs the pier, said it would reopen.", "ORG"),
        ("Tarn Ambery, Chairman Ilse Varga said, would reopen the pier.", "ORG"),
    ],
)
def test_a_name_before_a_role_is_a_person(recognizer, text: str, label: str) -> None:
    """ "Tarn Ambery, chairman of the port board": a name the model read as an organisation
    and followed by a comma and a role in lower case is a person; an organisation followed
    by its own description ("the company that") or by a titled person ("Chairman Ilse
    Varga") is not."""
    assert [m[:2] for m in _mentions(recognizer, text, [("Tarn Ambery", "ORG")])] == [
        ("Tarn Ambery", label)
    ]
