"""People the small model reads as organisations, and companies it reads as people
(issue 14, sixth round, from 16 more dev texts): a name whose first word is a given name
and whose last word is no common word is a person's; a name ending in a company's word
("Productions", "Inc.") is an organisation's, in a venue's or a craft's a building or a
product. Invented texts."""

from __future__ import annotations

import pytest

from pipelines.entities.gazetteer import default_gazetteer
from pipelines.entities.labels import repair_label
from pipelines.entities.lexicon import load_lexicon
from pipelines.entities.mentions import MentionGroup
from pipelines.entities.merge import merge_mentions
from pipelines.entities.people_names import given_names
from pipelines.entities.recognizer import EntityRecognizer

PEOPLE_READ_AS_ORGANISATIONS = (
    "In the second set, Diego Castellanos broke serve twice before Jo-Wilfried Mbaye "
    "levelled the match. The singer Britney Okafor was seen at the studio, where Jeanine "
    "Pirro-Lund filmed an interview."
)


def model_labels(recognizer: EntityRecognizer, text: str) -> dict[str, str]:
    return {ent.text: ent.label_ for ent in recognizer.nlp(text).ents}


def test_people_the_model_reads_as_organisations_are_people(recognizer: EntityRecognizer):
    misread = ["Diego Castellanos", "Jo-Wilfried Mbaye", "Jeanine Pirro-Lund"]
    # The premise: the model itself calls them organisations.
    assert all(model_labels(recognizer, PEOPLE_READ_AS_ORGANISATIONS)[n] == "ORG" for n in misread)

    labels = {e.name: e.label for e in recognizer(PEOPLE_READ_AS_ORGANISATIONS)}

    assert all(labels[name] == "PERSON" for name in misread), labels


def test_companies_named_like_people_stay_organisations(recognizer: EntityRecognizer):
    text = "The studio Tequila Works and Dick Clark Productions signed with a Forest Hill hotel."
    assert model_labels(recognizer, text)["Dick Clark Productions"] == "PERSON"

    labels = {e.name: e.label for e in recognizer(text)}

    assert labels["Dick Clark Productions"] == "ORG"
    assert labels.get("Tequila Works") != "PERSON" and labels.get("Forest Hill") != "PERSON"


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Diego Castellanos", True),
        ("Jo-Wilfried Mbaye", True),  # given names joined by a hyphen
        ("Anna J. Szymanska", True),  # an initial in the middle
        ("Tequila Works", False),  # no given name
        ("Morgan Motor", False),  # the last word is a common word
        ("Howard", False),  # one word
        ("Diego Castellanos Ruiz Vega", False),  # four words: a title, a list
        ("DIEGO CASTELLANOS", False),  # shouted: a heading, not read here
    ],
)
def test_person_shaped_names(recognizer: EntityRecognizer, name: str, person: bool):
    lexicon = load_lexicon(recognizer.nlp.path)

    assert given_names().person_shaped(name, lexicon) is person


def test_the_given_names_cover_many_languages():
    names = given_names().names
    assert len(names) > 10_000
    assert {"Diego", "Nikolaj", "Jeanine", "Aleksander", "Colton"} <= names
    assert {"Johnson", "Nowak", "Hill"} <= given_names().surnames


@pytest.mark.parametrize(
    ("name", "words_only"),
    [
        ("Event Horizon", True),  # common words, no given name, no surname
        ("Quick Start Guide", True),
        ("Grocery Store", True),
        ("Magic Johnson", False),  # a surname last
        ("Forest Hill", False),
        ("Grace Harbour", False),  # a given name first
        ("Tequila Zelnick", False),  # no common word last
        ("Horizon", False),  # one word
        ("Event 2020", False),  # not all words
    ],
)
def test_names_of_common_words_only(recognizer: EntityRecognizer, name: str, words_only: bool):
    lexicon = load_lexicon(recognizer.nlp.path)

    assert given_names().common_words_only(name, lexicon) is words_only


def test_things_the_model_reads_as_people_are_no_people(recognizer: EntityRecognizer):
    """A title or a product of common words the model calls a person is no person; a
    person named with a word ("Magic Johnson") stays one."""
    text = (
        "The Grocery Store sold out of Tomb Raider on Friday, and Magic Johnson, who was"
        " there, said the Quick Start Guide was missing."
    )
    assert model_labels(recognizer, text)["Tomb Raider"] == "PERSON"  # the premise

    people = {e.name for e in recognizer(text) if e.label == "PERSON"}

    assert people == {"Magic Johnson"}, people


@pytest.mark.parametrize(
    ("name", "label", "repaired"),
    [
        ("Dick Clark Productions", "PERSON", "ORG"),  # a company named after its founder
        ("Orla Brennan Holdings", "PERSON", "ORG"),
        ("Marrow Gaming", "PERSON", "ORG"),  # a trade: an esports team, a game studio
        ("Tamsin Works", "PERSON", "ORG"),
        ("Quillon Esports", "PERSON", "ORG"),
        ("Lantern Music Pavilion", "ORG", "FAC"),  # a venue
        ("Hubble Space Telescope", "ORG", "FAC"),
        ("Polar Exploration Rover", "ORG", "PRODUCT"),  # a craft
        ("Group A", "ORG", "EVENT"),  # a part of a competition
        ("Path C", "PERSON", "EVENT"),
        ("Group Hartmann", "ORG", "ORG"),  # a name after the word, not a letter
    ],
)
def test_last_words_of_companies_venues_and_craft(name: str, label: str, repaired: str):
    group = MentionGroup(first=0)
    group.add(0, name, name, label, "the")

    assert repair_label(label, name, [group], default_gazetteer()) == repaired


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        # The model reads the whole possessive as one person: the owner is the person.
        (
            "Marta Kowalczyk’s Tidewater Freight",
            {("Marta Kowalczyk", "PERSON"), ("Tidewater Freight", "ORG")},
        ),
        # A company's or a place's person: the owned part is the person.
        ("Orbital’s Diego Castellanos", {("Diego Castellanos", "PERSON")}),
        ("Britain’s Prince Andrew", {("Britain", "GPE"), ("Prince Andrew", "PERSON")}),
    ],
)
def test_a_persons_possessive_names_the_person_and_what_they_own(mention, expected):
    entities = merge_mentions([(mention, "PERSON")], default_gazetteer())

    assert {(e.name, e.label) for e in entities} == expected
