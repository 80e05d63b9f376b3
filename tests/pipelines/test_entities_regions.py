"""Regions by their English names: the gazetteer's names of first-level regions, and a
region's status ("Autonomous Region") as no part of its name. Invented sentences."""

from __future__ import annotations

import pytest

from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import Place, default_gazetteer
from pipelines.entities.merge import merge_mentions


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def test_a_region_is_known_by_its_english_name_and_its_own(gazetteer) -> None:
    """ISO 3166-2 names a region in its own language ("Bayern"); English news writes
    "Bavaria". Both are one place, named in English."""
    bavaria = Place("Bavaria", "region")
    assert gazetteer.lookup(fold("Bavaria")) == bavaria
    assert gazetteer.lookup(fold("Bayern")) == bavaria


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Yunnan", "Yunnan"),  # "Yunnan Sheng": a province's generic word dropped
        ("Xinjiang", "Xinjiang"),  # "Xinjiang Uygur Zizhiqu"
        ("Inner Mongolia", "Inner Mongolia"),  # "Nei Mongol Zizhiqu", in English
        ("Nei Mongol", "Inner Mongolia"),
        ("Gujarat", "Gujarat"),  # "Gujarāt": the marks were all that kept it out
        ("Hokkaido", "Hokkaido"),  # a Japanese prefecture
        ("Tigray", "Tigray"),  # an Ethiopian regional state, "Tigrai"
    ],
)
def test_regions_english_news_names(gazetteer, written: str, canonical: str) -> None:
    assert gazetteer.lookup(fold(written)) == Place(canonical, "region")


def test_prefectures_elsewhere_are_no_regions(gazetteer) -> None:
    """Guinea's prefectures are districts, some named like people: "Lola" is no place."""
    assert gazetteer.lookup(fold("Lola")) is None


def test_mentions_of_a_region_in_either_language_are_one_entity(gazetteer) -> None:
    """ "floods in Bavaria ... the Bayern state government": one entity, the English name."""
    entities = merge_mentions([("Bavaria", "GPE", "in"), ("Bayern", "GPE", "the")], gazetteer)
    assert [(e.key, e.name, e.label) for e in entities] == [("gpe:bavaria", "Bavaria", "GPE")]


@pytest.mark.parametrize(
    ("written", "short", "key"),
    [
        ("Inner Marsh Autonomous Region", "Inner Marsh", "gpe:inner-marsh"),
        ("Port Selden Special Administrative Region", "Port Selden", "gpe:port-selden"),
    ],
)
def test_a_regions_status_is_no_part_of_its_name(
    gazetteer, written: str, short: str, key: str
) -> None:
    """ "the Inner Marsh Autonomous Region ... in Inner Marsh": one place, one key."""
    entities = merge_mentions([(written, "GPE", "the"), (short, "GPE", "in")], gazetteer)
    assert [e.key for e in entities] == [key]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("the West Midlands", "GPE"),  # a region of England, read as a location
        ("South Tarrowshire", "GPE"),  # invented: known to no gazetteer
        ("East Asia", "LOC"),  # part of a continent; these three stay as they were
        ("the North Sea", "LOC"),
        ("South Atlantic", "LOC"),
    ],
)
def test_a_compass_word_and_a_name_is_a_region(gazetteer, name: str, label: str) -> None:
    [entity] = merge_mentions([(name, "LOC", "in")], gazetteer)
    assert entity.label == label


@pytest.fixture(scope="module")
def recognizer():
    from pipelines.entities.recognizer import EntityRecognizer

    return EntityRecognizer()


@pytest.mark.parametrize(
    "sentence",
    [
        "Water stood a metre deep in the harbour district of Carrowby on Tuesday night.",
        "Rescue teams reached the village of Hollin Moss before dawn, officials said.",
        "The ferry sails twice a day to the island of Skerrin Mor in summer.",
    ],
)
def test_a_name_after_town_of_is_a_place(recognizer, sentence: str) -> None:
    """ "the town of X", "the harbour district of X": X names a place, whatever the model
    read in an unknown name (a person, a building, a company)."""
    place = sentence.split(" of ")[1].split(" on ")[0].split(" before ")[0].split(" in ")[0]
    labels = {e.name: e.label for e in recognizer(sentence)}
    assert labels.get(place) == "GPE", labels


def test_a_town_before_its_region_is_a_place(recognizer) -> None:
    """A list of companies and where they are ("Bramwell Aero, Kent, Washington"): the
    model reads the town as a person; before a comma and a region, a town the gazetteer
    knows is a place. A country before another ("Republic of Ireland, Northern Ireland")
    is no town, and the model's longer name stays whole."""
    text = (
        "The agency picked two firms:\n\nBramwell Aero, Kent, Washington\n"
        "Orrin Labs, Louisville, Colorado\n\n"
        "Path B: Slovakia, Republic of Ireland, Northern Ireland"
    )
    assert ("Kent", "PERSON") in [(e.text, e.label_) for e in recognizer.nlp(text).ents]
    entities = {e.key: e for e in recognizer(text)}
    assert entities["gpe:kent"].label == "GPE" and "person:kent" not in entities
    assert "gpe:louisville" in entities
    mentions = [m for e in entities.values() for m in e.mentions]
    assert "Republic of Ireland" in mentions and "Republic of" not in mentions


def test_the_names_listed_before_counties_are_places(recognizer) -> None:
    """ "Cass, Kalamazoo and Van Buren counties": the model reads some names as people, and
    "Orange and Riverside" as one organisation; each is a county, a place. A name alone
    before "counties" that is no known place, or a party, is none ("Trump counties",
    "Democratic counties")."""
    text = (
        "Cases were reported in Berrien, Cass, Kalamazoo and Van Buren counties. "
        "Fires burned in Orange and Riverside counties on Monday."
    )
    model = {e.text: e.label_ for e in recognizer.nlp(text).ents}
    assert model["Van Buren"] == "PERSON" and model["Orange and Riverside"] == "ORG"  # premise
    keys = {e.key: e.label for e in recognizer(text)}
    for county in ("berrien", "cass", "kalamazoo", "van-buren", "orange", "riverside"):
        assert keys.get(f"gpe:{county}") == "GPE", (county, keys)
    assert not any(key.startswith("person:") or key.startswith("org:") for key in keys)
    politics = "Biden flipped several Trump counties; turnout fell in Democratic counties."
    keys = {e.key: e.label for e in recognizer(politics)}
    assert "gpe:trump" not in keys and "gpe:democratic" not in keys, keys
