"""Professional clubs (issue 14, seventh round): a club's full name is one organisation
wherever it is written, its nickname alone is one in sports copy and joins the full name
when the text has it; a nickname inside another name is not the club. Invented texts
about real clubs."""

from __future__ import annotations

from pipelines.entities.clubs import club_spans
from pipelines.entities.recognizer import EntityRecognizer


def test_a_full_club_name_is_one_organisation_wherever_it_is_written(
    recognizer: EntityRecognizer,
):
    text = (
        "Ines Marwick scored in overtime to lift the New York Islanders past the New Jersey"
        " Devils, the Winnipeg Jets beat the St. Louis Blues, and a late goal lifted the"
        " Philadelphia Flyers over the Pittsburgh Penguins on Tuesday."
    )
    entities = {e.name: e for e in recognizer(text)}

    for club in ("Winnipeg Jets", "St. Louis Blues", "Pittsburgh Penguins", "New York Islanders"):
        assert entities.get(club) is not None and entities[club].label == "ORG", sorted(entities)
    assert "New York" not in entities and "Winnipeg" not in entities, sorted(entities)


def test_a_nickname_in_sports_copy_is_the_club_and_joins_its_full_name(
    recognizer: EntityRecognizer,
):
    text = (
        "Wild 4, Sabres 1: Ines Marwick scored twice for the Minnesota Wild, who improved"
        " to 9-4-2. The Sabres have lost five straight and fell to 7-9-3.\n\n"
        "Wild coach Tomas Vell said the Sabres played hard."
    )
    entities = {e.name: e for e in recognizer(text)}

    wild = entities.get("Minnesota Wild")
    assert wild is not None and wild.label == "ORG", sorted(entities)
    assert "Wild" in wild.mentions and "Wild" not in entities, wild
    assert entities.get("Sabres") is not None and entities["Sabres"].label == "ORG"


def test_a_nickname_outside_sports_copy_is_no_club_but_a_full_name_is():
    import spacy

    blank = spacy.blank("en")
    text = (
        "Rangers closed the park trail after the storm, and the Jets of water from the"
        " broken main flooded the underpass, the city said on Tuesday."
    )
    assert club_spans(blank(text), text) == []
    text = "The storm cut power to the Seattle Seahawks' stadium for an hour."
    spans = club_spans(blank(text), text)
    assert [(span.text, span.label_) for span in spans] == [("Seattle Seahawks", "ORG")]


def test_a_nickname_inside_another_name_is_not_the_club(recognizer: EntityRecognizer):
    text = (
        "NBA: Lakers 112, Thunder 107: the Lakers won their fifth straight, and Magic Johnson,"
        " watching courtside, called it the best week of the season. The Nittany Lions"
        " lost 24-17 at home in the late game, their third loss in a row at 3-4."
    )
    entities = {e.name: e for e in recognizer(text)}

    assert entities.get("Lakers") is not None and entities["Lakers"].label == "ORG"
    assert entities.get("Thunder") is not None and entities["Thunder"].label == "ORG"
    assert "Magic" not in entities and "Lions" not in entities, sorted(entities)
    assert entities.get("Magic Johnson") is not None, sorted(entities)
    assert entities["Magic Johnson"].label == "PERSON"


def test_a_short_name_after_its_place_joins_the_paper(recognizer: EntityRecognizer):
    text = (
        "The Los Angeles Times reported the deal first. The Times said the studio would"
        " keep its Burbank lot for another decade."
    )
    times = [e for e in recognizer(text) if "Times" in e.mentions]

    assert len(times) == 1 and times[0].name == "Los Angeles Times", times
