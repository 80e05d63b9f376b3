"""People the small model reads as organisations, told by the name's own words and the
words around it: a given name first and no common word last ("Diego Schwartzman"), or a
person's name written in a list of people or before a comma and a role ("Eric Robinson and
Boone Jenner", "Binyah Kesselly, chairman of the board").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.labels import COMPASS_WORDS, HEAD_LABELS
from pipelines.entities.lexicon import Lexicon
from pipelines.entities.mentions import known_place
from pipelines.entities.names import without_trailing_figures
from pipelines.entities.people_names import given_names
from pipelines.entities.titles import is_title

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Span

#: Words before a name that make it no person's: a place's cues and an article.
_NOT_BEFORE_A_PERSON = frozenset({"in", "at", "near", "outside", "a", "an"})


def person_read_as_organisation(
    ent: Span, before: str, beside_people: bool, lexicon: Lexicon, gazetteer: Gazetteer | None
) -> bool:
    """Whether the model's "organisation" ``ent`` (after the word ``before``; in one list
    with a person when ``beside_people``) is a person."""
    named = _named_as_a_person(ent.text, before, lexicon, gazetteer)
    return named or _written_as_a_person(ent, beside_people, gazetteer)


def _named_as_a_person(
    name: str, before: str, lexicon: Lexicon, gazetteer: Gazetteer | None
) -> bool:
    """An "organisation" named as a person is ("Diego Schwartzman", "Jeanine Pirro"): not
    one that starts with a place ("Indiana House", "West Ham"), is written where a place
    is ("in Forest Hill") or after an article ("a Forest Hill hotel"). A tally after it
    in a results list ("Kyleigh Trout 1") is no part of it."""
    name = without_trailing_figures(name, "PERSON")
    words = name.split()
    if not words or before in _NOT_BEFORE_A_PERSON or words[0].lower() in COMPASS_WORDS:
        return False
    first = words[0]
    if known_place(first, gazetteer) or known_place(name, gazetteer):
        return False
    return given_names().person_shaped(name, lexicon)


def _written_as_a_person(ent: Span, beside_people: bool, gazetteer: Gazetteer | None) -> bool:
    """An "organisation" written as a person's name (two or three capitalised words, no
    place first and none a company's, venue's or craft's word) in a list of people or
    before a role ("Eric Robinson and Boone Jenner", "Binyah Kesselly, chairman of")."""
    words = [token.text for token in ent]
    if not 2 <= len(words) <= 3 or known_place(words[0], gazetteer):
        return False
    if not all(_NAME_WORD_RE.match(word) and word.lower() not in HEAD_LABELS for word in words):
        return False
    return beside_people or _described_as_a_person(ent)


_NAME_WORD_RE = re.compile(r"^[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*$")
#: Words between a name's comma and the role that describes it: "Rowan Ashby, an analyst".
_BEFORE_A_ROLE = frozenset({"a", "an", "the", "its", "their"})


def _described_as_a_person(ent: Span) -> bool:
    """Whether the name is followed by a comma and a role in lower case, an article and
    one more word allowed before it ("Shannon Cross, an analyst at", "Binyah Kesselly,
    chairman of", "Rowan Ashby, a senior lecturer"): a person's apposition."""
    after = [token.text for token in ent.doc[ent.end : ent.end + 4]]
    if not after or after[0] != ",":
        return False
    words = after[1:]
    if words and words[0].lower() in _BEFORE_A_ROLE:
        words = words[1:]
    return any(w.islower() and is_title(w) for w in words[:2])
