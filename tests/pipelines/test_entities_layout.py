"""Entities told by the page's layout and a name's own words (issue 14, fourth round):
datelines that name their region in short, other stories' headlines on Title Case lines,
"X, a village", sports clubs, and compass words before no region. Invented texts and
mentions throughout."""

from __future__ import annotations

import pytest

from pipelines.entities.gazetteer import default_gazetteer
from pipelines.entities.headlines import listed_lines
from pipelines.entities.merge import merge_mentions
from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import by_key, only


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def test_a_dateline_with_its_region_in_short_is_one_place(recognizer: EntityRecognizer) -> None:
    """ "ST. ALDEN, N.Y. —" names one town, though too small for the gazetteer; the model's
    "ST" and "ALDEN" give way to it."""
    entities = recognizer("ST. ALDEN, N.Y. — A ferry ran aground near the harbour on Tuesday.")
    assert only(entities, "gpe:st-alden").label == "GPE"
    assert "gpe:st" not in by_key(entities) and "gpe:alden" not in by_key(entities)


def test_a_town_before_a_village_noun_is_a_place(recognizer: EntityRecognizer) -> None:
    """ "Millbrook, a village southwest of Ithaca" and "Ashgrove, a town in Kent" are places,
    whatever the model read in them; "Pell, a city official" stays a person."""
    entities = recognizer(
        "Karl Dorn, 55, of Millbrook, a village southwest of Ithaca, pleaded guilty on Monday. "
        "Ms. Ruth Pell of Ashgrove, a town in Kent, said the bakery would close. "
        "Ruth Pell, a city official, said so too."
    )
    assert only(entities, "gpe:millbrook").label == "GPE"
    assert only(entities, "gpe:ashgrove").label == "GPE"
    assert only(entities, "person:pell").label == "PERSON"


def test_other_stories_headlines_name_only_what_the_body_names(
    recognizer: EntityRecognizer,
) -> None:
    """A Title Case line between paragraphs is a link to another story: its "Man Shot" is
    a misreading unless the body names it too; its places stay, and a line of names is
    no headline."""
    entities = recognizer(
        "Police said the driver was arrested on Friday.\n\n"
        "Man Shot at Harbour Cafe Dies at Hospital\n\n"
        "The driver, Owen Fitch, was released on bail.\n\n"
        "Help Shape the Future of Public Transit in Leeds\n\n"
        "Fitch said he would appeal.\n\n"
        "Ingrid Calloway, Tomas Vell"
    )
    names = {entity.name for entity in entities}
    assert "Man Shot" not in names and "Future of Public Transit" not in names
    assert only(entities, "gpe:leeds").label == "GPE"
    assert only(entities, "person:fitch").name == "Owen Fitch"
    assert only(entities, "person:calloway").label == "PERSON"


def test_a_town_before_based_is_a_place(recognizer: EntityRecognizer) -> None:
    """ "a Sugar Land-based provider": a known town before "-based" is a place, though too
    small to be found elsewhere without a cue; a name the gazetteer does not know, or a
    lower-case word, before "-based" is not made one."""
    text = (
        "The figures come from Harbourline, a Sugar Land-based provider of car data, and"
        " from a Tarnwick-based start-up that sells cloud-based tools."
    )
    entities = recognizer(text)
    assert only(entities, "gpe:sugar-land").label == "GPE"
    assert not any("Tarnwick" in e.name and e.label == "GPE" for e in entities), entities


def test_names_only_in_a_list_of_features_are_no_entities(recognizer: EntityRecognizer) -> None:
    """A deal's bullet points ("Tidewater Engine for faster apps", "Kestrel Crown with
    haptic feedback") name a product's parts, which the model reads as organisations: a
    name only there is none; a maker the prose names stays, and so do countries listed."""
    text = (
        "The Marlow Pulse 3 is the best smartwatch we tested this year, and Harrowgate Audio"
        " makes its speakers.\n\nBuy Now\n\nMarlow Pulse 3\n\n"
        "Optical heart sensor\nKestrel Crown with haptic feedback\n"
        "Tidewater Engine for faster apps\nUp to 18 hours of battery life\n\n"
        "Qualified so far:\nNorway (Group B): third appearance\n"
        "Chile (Group C): first appearance\nGhana (Group D): fifth appearance\n"
    )
    entities = recognizer(text)
    names = {entity.name for entity in entities}
    assert not names & {"Tidewater Engine", "Crown", "Kestrel Crown"}, names
    assert only(entities, "org:harrowgate-audio").label == "ORG"
    for country in ("norway", "chile", "ghana"):
        assert only(entities, f"gpe:{country}").label == "GPE"


def test_a_list_is_three_short_lines_in_a_row_with_no_sentence_or_score() -> None:
    text = (
        "Optical heart sensor\nKestrel Crown\nTidewater Engine\n\n"
        "Two lines only\nare no list\n\n"
        "Viera 3, West Shore 1\nKelby 2, Alden 0\nMarsh 1, Tarn 1\n\n"
        "The pier reopened.\nThe ferry ran.\nThe cafe closed.\n"
    )
    assert [text[start:end] for start, end in listed_lines(text)] == [
        "Optical heart sensor",
        "Kestrel Crown",
        "Tidewater Engine",
    ]


@pytest.mark.parametrize("club", ["FC Alden", "Brackwater United", "Carrow State"])
def test_a_clubs_words_make_it_an_organisation(club: str, gazetteer) -> None:
    """ "FC", "United" and "State" (a university's teams) name clubs, which the model
    often reads as people."""
    [entity] = merge_mentions([(club, "PERSON"), (club, "PERSON")], gazetteer)
    assert entity.label == "ORG"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Eastern Equine Encephalitis", "LOC"),  # a disease, not a region
        ("West Division", "LOC"),  # of a league
        ("West Midlands", "GPE"),
    ],
)
def test_a_compass_word_and_one_name_make_a_region(name: str, label: str, gazetteer) -> None:
    """A compass word and one capitalised name read as a location is a region; more words,
    or a league's division, are not."""
    [entity] = merge_mentions([(name, "LOC"), (name, "LOC")], gazetteer)
    assert entity.label == label


def test_a_surname_misread_as_an_unknown_place_joins_its_person(gazetteer) -> None:
    """ "Fleck" read as a place the gazetteer does not know is P.J. Fleck's surname; one
    written after "in" stays a place apart, one written so once of four times does not."""
    [fleck] = merge_mentions([("P.J. Fleck", "PERSON"), ("Fleck", "GPE", "that")], gazetteer)
    assert (fleck.label, fleck.count) == ("PERSON", 2)
    apart = merge_mentions([("Ora Fenwick", "PERSON"), ("Fenwick", "GPE", "in")], gazetteer)
    assert sorted(e.label for e in apart) == ["GPE", "PERSON"]
    # Once after "between" of many mentions: "the call between Marwick and Ortiz".
    surname = [("Marwick", "GPE", word) for word in ("yet", "between", "with", "when")]
    [marwick] = merge_mentions([("Lena Marwick", "PERSON"), *surname], gazetteer)
    assert (marwick.label, marwick.count) == ("PERSON", 5)


def test_a_state_in_the_ap_abbreviation_is_keyed_as_the_state(
    recognizer: EntityRecognizer,
) -> None:
    """ "Calif." in a dateline and "California" in the text are one place: the AP's state
    abbreviations are spellings of the state in the gazetteer."""
    entities = recognizer(
        "FRESNO, Calif. (AP) — Orchard owners across California asked the water board on "
        "Monday for more time to meet the new limits."
    )
    keys = by_key(entities)
    assert "gpe:calif" not in keys
    assert only(entities, "gpe:california").label == "GPE"


def test_a_name_never_runs_from_one_line_to_the_next(recognizer: EntityRecognizer) -> None:
    """A deals list's button and the next product's name are one span to the model ("Buy
    Now\\n\\nApple AirPods Pro\\n\\nActive"); each line's part is read on its own, and a
    paragraph's first common word ("Active noise cancellation") is no name."""
    text = (
        "Kestrel Buds with Charging Case\n\n$89.00\n\nAvailable from Amazon\n"
        "We may earn a commission\n\nBuy Now\n\nApple AirPods Pro\n\n"
        "Active noise cancellation keeps the train out."
    )
    assert any("\n" in span.text for span in recognizer.nlp(text).ents)  # the premise
    mentions = [m for entity in recognizer(text) for m in entity.mentions]
    assert "Apple AirPods Pro" in mentions
    assert not any("Buy Now" in m or "Active" in m or "\n" in m for m in mentions)
