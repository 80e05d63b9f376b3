"""Results lists of sports pages (issue 14, eighth round): a name opening a credit with a
tally and what it counts is a player, a name opening a line with a record, or opposed to
another in a result line, a team; one credit alone makes no list. Invented round-ups."""

from __future__ import annotations

import spacy

from pipelines.entities.recognizer import EntityRecognizer
from pipelines.entities.results_lists import results_list_spans

ROUND_UP = (
    "GIRLS SOCCER\n\n"
    "Saltings d. Brackwater 3-1\n\n"
    "Saltings (4-1): Maren Osk 2 goals, 1 assist. T. Vellacott 1 goal. Odalys Fenn-Ward 6"
    " saves.\n\n"
    "Brackwater (2-3): Quillon 1 goal. Ilse Harrowgate Pike 4 saves.\n\n"
    "BOYS BASKETBALL\n\n"
    "Millbridge (NR): Dace Orrin 21 points and 7 rebounds. Tobiah Lusk 9 points."
)


def test_players_and_teams_of_a_round_up(recognizer: EntityRecognizer):
    entities = {e.name: e.label for e in recognizer(ROUND_UP)}

    players = ["Maren Osk", "T. Vellacott", "Odalys Fenn-Ward", "Quillon", "Dace Orrin"]
    players += ["Ilse Harrowgate Pike", "Tobiah Lusk"]
    for player in players:
        assert entities.get(player) == "PERSON", (player, entities)
    for team in ("Saltings", "Brackwater", "Millbridge"):
        assert entities.get(team) == "ORG", (team, entities)
    # What the tallies count is no name, and no tally is part of one.
    assert not any(word in name for name in entities for word in ("goal", "saves", " 2", "21"))


def test_one_credit_makes_no_results_list():
    blank = spacy.blank("en")
    text = "Markets: Dow Jones 300 points down by noon, and the Brackwater (4-1): no change."
    assert results_list_spans(blank(text), text) == []


def test_a_credit_must_open_its_sentence():
    """A tally after a name in running text ("gave Maren Osk 2 goals") is no credit: the
    name does not open it."""
    blank = spacy.blank("en")
    text = "The coach gave Maren Osk 2 goals of credit. She said Tobiah Lusk 9 points was fair."
    assert results_list_spans(blank(text), text) == []
    text = "Saltings (4-1): Maren Osk 2 goals. Tobiah Lusk 9 points."
    spans = results_list_spans(blank(text), text)
    assert sorted((s.text, s.label_) for s in spans) == [
        ("Maren Osk", "PERSON"),
        ("Saltings", "ORG"),
        ("Tobiah Lusk", "PERSON"),
    ]
