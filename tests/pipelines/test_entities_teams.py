"""Teams named by their city in sports copy (issue 14, sixth round): in a text of results,
a town or state written as a team is the team; a country so written is its national
side, read as the country; outside sports copy a place stays a place. Invented texts."""

from __future__ import annotations

from pipelines.entities.recognizer import EntityRecognizer
from tests.pipelines.entity_helpers import by_key

ROUNDUP = (
    "Harbour Hawks 4, Ferrymen 1: Tomas Vell scored twice and Minnesota beat Buffalo for a"
    " third straight win. Minnesota improved to 9-4-2.\n\n"
    "Gulls 3, Anchors 2: Ines Marwick had a goal and an assist, Columbus beat Montreal, and"
    " Lena Ortiz scored for Ottawa in a 5-3 loss the night before.\n\n"
    "In the afternoon game, Spain beat Russia 2-1."
)


def test_places_written_as_teams_in_results_are_teams(recognizer: EntityRecognizer):
    labels = {e.name: e.label for e in recognizer(ROUNDUP)}

    for team in ("Minnesota", "Buffalo", "Columbus", "Montreal", "Ottawa"):
        assert labels.get(team) == "ORG", (team, labels)
    assert labels.get("Spain") == "GPE" and labels.get("Russia") == "GPE"


def test_outside_sports_copy_a_place_stays_a_place(recognizer: EntityRecognizer):
    text = (
        "Minnesota beat Buffalo to the new battery plant, which will open in 2026 and employ"
        " 900 people; Columbus lost its bid after the state cut its offer."
    )
    keys = by_key(recognizer(text))

    assert {"gpe:minnesota", "gpe:buffalo", "gpe:columbus"} <= set(keys), sorted(keys)
