"""Federal judicial districts and their prosecutors' offices (issue 14, twelfth round): an
organisation named whole, not "the Western District" as a place. Invented texts."""

from __future__ import annotations

import spacy

from pipelines.entities.courts import district_spans
from pipelines.entities.recognizer import EntityRecognizer


def test_an_office_named_after_its_district_is_one_organisation(recognizer: EntityRecognizer):
    text = (
        "Dorian Pelt, 41, of Lockport, pleaded guilty on Tuesday to mailing threats to a"
        " county clerk, the U.S. Attorney's Office for the Western District of New York said"
        " in a statement. Pelt faces up to five years in prison when he is sentenced in"
        " March, prosecutors in New York said."
    )
    entities = recognizer(text)
    names = {e.name: e.label for e in entities}

    assert names.get("U.S. Attorney's Office for the Western District of New York") == "ORG", names
    assert not any("District" in e.name and e.label == "GPE" for e in entities), names
    assert names.get("New York") == "GPE", names  # the state named on its own stays a place


def test_a_district_alone_is_an_organisation(recognizer: EntityRecognizer):
    text = (
        "Maren Stokes, the U.S. attorney for the Southern District of New York, said the"
        " Harbour Freight Company had hidden its losses from investors for three years."
    )
    names = {e.name: e.label for e in recognizer(text)}

    assert names.get("Southern District of New York") == "ORG", names
    assert "Southern District" not in names, names


def test_only_a_compass_word_district_of_a_whole_state_is_a_district():
    blank = spacy.blank("en")
    text = (
        "The school district of Brackwater, the District of Columbia, the Eastern District"
        " of Kelby, the Middle District of Florida and the Northern District of West Virginia"
        " all sent letters; the Western District of Virginian farms did not."
    )
    found = [(span.text, span.label_) for span in district_spans(blank(text))]

    assert found == [
        ("Middle District of Florida", "ORG"),
        ("Northern District of West Virginia", "ORG"),
    ]
