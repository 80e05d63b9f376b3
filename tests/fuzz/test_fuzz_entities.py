"""Fuzzing the entities stage's rules: whatever names, titles, places, punctuation and
headline-like lines a text strings together, the recognizer returns well-formed entities
and never raises (an exception here would send a good article to ``dead``)."""

from __future__ import annotations

import functools

from hypothesis import example, given
from hypothesis import strategies as st

from pipelines.entities.mentions import KEPT_LABELS
from pipelines.entities.recognizer import EntityRecognizer
from tests.fuzz.budget import fuzz

#: Pieces the context rules look at: roles and titles, places with directions and region
#: words, datelines, products, clubs, share rows, possessives, brackets; and plain words.
PIECES = [
    "Harbourmaster",
    "Mayor",
    "Ms.",
    "Secretary of State",
    "Tomas Vell",
    "Ingrid Calloway",
    "in",
    "of",
    "at",
    "near",
    "and",
    ",",
    "the town of",
    ", a village southwest of",
    "southern",
    "Eastern",
    "Greater",
    "Ukraine",
    "Donetsk",
    "London",
    "region",
    "Oblast",
    "BUFFALO, N.Y. —",
    "FRESNO, Calif. (AP) —",
    "Mich.",
    "Yobe North",
    "West Midlands",
    "the Chrome browser",
    "16-inch MacBook Pro",
    "Xbox One",
    "Hang Seng Index",
    "(SHCOMP",
    "FC Porto",
    "Manchester United",
    "Penn State",
    "Davis Cup",
    "St. Mary's Hospital",
    "Twitter Facebook Reddit Pinterest Email",
    "Next Story",
    "IPO",
    "RRP",
    "ATTEND",
    "Vietnam's Communist Party",
    "Hall of Fame's Class of",
    "said",
    "on Tuesday",
    ".",
    "Al-",
    "de",
    "bin",
    "Jr.",
    "24/7",
    "AC/DC",
    "NATO",
    "'s",
    "’",
    "(",
    ")",
    "—",
    ":",
    "Hollins Ford",
    "Lewis Leathers",
    "Autonomous Region",
    "Inner Mongolia",
    "\n",
]
text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60).map(" ".join)


@functools.cache
def recognizer() -> EntityRecognizer:
    return EntityRecognizer()


@fuzz(short=60)
@example("Harbourmaster Tomas Vell said in southern Ukraine and Donetsk .", None)
@example("BUFFALO, N.Y. — \n Next Story \n ( Hollins Ford 's", "Next Story")
@given(text, st.one_of(st.none(), text))
def test_any_text_gives_well_formed_entities(body: str, title: str | None) -> None:
    for entity in recognizer()(body, title):
        assert entity.label in KEPT_LABELS
        assert entity.name.strip() and entity.count >= 1 and entity.mentions
        assert entity.key.startswith(entity.label.lower() + ":")
