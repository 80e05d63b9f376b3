"""Places in listings and addresses (issue 14, sixth round): a town written with its
region's postal code is a place however small ("Wantagh, NY"), the code names the region,
and the venue the model runs them into ("NC @ PNC Music Pavilion") is a building, not an
organisation. Invented texts."""

from __future__ import annotations

import pytest

from pipelines.entities.gazetteer import default_gazetteer
from pipelines.entities.missed_places import coded_places, lone_countries
from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import by_key

TOUR_DATES = (
    "The Gravel Choir have added a summer leg.\n\n"
    "Tour Dates\n\n"
    "June 9 – Holmdel, NJ @ Lantern Bank Arts Pavilion\n"
    "June 11 – Wantagh, NY @ Shoreline Amphitheater\n"
    "June 14 – Charlotte, NC @ Riverbend Music Pavilion\n"
    "June 15 – Bristow, VA @ Old Mill Theater\n"
)


def test_towns_and_codes_of_a_listing_are_places(recognizer: EntityRecognizer):
    found = by_key(recognizer(TOUR_DATES))
    places = {key for key in found if key.startswith("gpe:")}

    for town in ("holmdel", "wantagh", "charlotte", "bristow"):
        assert any(town in key for key in places), (town, sorted(found))
    for region in ("new-jersey", "new-york", "north-carolina", "virginia"):
        assert any(region in key for key in places), (region, sorted(found))


def test_venues_run_into_a_code_are_buildings(recognizer: EntityRecognizer):
    entities = recognizer(TOUR_DATES)
    organisations = [e.name for e in entities if e.label == "ORG"]

    assert not any("@" in e.name or e.name.startswith(("NJ ", "NY ", "NC ")) for e in entities)
    assert not any(
        venue in organisations for venue in ("Riverbend Music Pavilion", "Old Mill Theater")
    )


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("June 15 – Bristow, VA @ Old Mill", ["Bristow", "VA"]),
        (
            "offices in Mountain View, CA and Holmdel, N.J. since",
            ["Mountain View", "CA", "Holmdel", "N.J."],
        ),
        ("signed by Dana Smith, QX, the chair", []),  # no region is called QX
        # A city named whole with its code is one place, not a state and a district.
        ("researchers in Washington, D.C., said", ["Washington, D.C."]),
        ("a rally in Washington, DC on Friday", ["Washington, DC"]),
        ("the votes, NO and YES, were", []),  # a lower-case word before the comma
    ],
)
def test_places_with_a_region_code(recognizer: EntityRecognizer, text: str, places: list[str]):
    doc = recognizer.nlp(text)

    assert [span.text for span in coded_places(doc, text, default_gazetteer())] == places


def _lone_countries(text: str) -> list[str]:
    import spacy

    doc = spacy.blank("en")(text)
    return [name for _, (name, _, _) in lone_countries(doc, set(), default_gazetteer())]


def test_a_country_alone_in_a_list_is_a_place():
    """The model tags nothing in "England (Group A): 10th appearance"; a country so
    written is the country (England, Scotland and Wales are countries, not regions)."""
    text = "Qualified teams\n\nEngland (Group A): 10th appearance\nNorway (Group F): third\n"

    assert _lone_countries(text) == ["England", "Norway"]
    assert default_gazetteer().lookup("scotland").kind == "country"


def test_a_country_name_inside_a_name_or_written_as_a_word_is_no_place():
    assert _lone_countries("Chad Pennington threw for Jordan Vell's team.") == []
    text = "Turkey is roasted slowly: the turkey needs four hours at a low heat."
    assert _lone_countries(text) == []
