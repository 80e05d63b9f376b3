"""The federal judicial districts of the United States and the prosecutors' offices named
after them, which the small model cuts into a place and a stray word.

"the U.S. Attorney's Office for the Western District of New York" comes out of the model
as "the Western District", a place, and nothing for the office; "the U.S. attorney for the
Southern District of New York" as "the Southern District", a place. Such a district (a
compass word, "District of" and a state) is the court's and the prosecutors' territory, named
as an institution: the office and the district are one organisation, whose span takes the
place of the model's spans inside it. The state inside stays a place wherever the text names it
on its own.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from pipelines.entities.gazetteer import us_states

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc, Span

#: The compass words of the districts' names ("Middle District of Florida").
_DISTRICT_SIDES = ("Northern", "Southern", "Eastern", "Western", "Central", "Middle")
#: The office of the United States attorney for a district, written before it.
_OFFICE = r"(?:U\.S\.|US|United States) Attorney['’]?s Office (?:for|in) the "


@cache
def _district_re() -> re.Pattern[str]:
    """A district, its office before it if written: the state's name whole, longest first
    ("West Virginia" before "Virginia")."""
    states = sorted(us_states(), key=len, reverse=True)
    district = rf"(?:{'|'.join(_DISTRICT_SIDES)}) District of (?:{'|'.join(states)})(?![\w-])"
    return re.compile(rf"(?:{_OFFICE})?{district}".replace(" ", r"\s+"))


def district_spans(doc: Doc) -> list[Span]:
    """The judicial districts of ``doc``, with their prosecutors' office where it is written
    before them, as ORG spans."""
    matches = _district_re().finditer(doc.text)
    spans = (doc.char_span(*match.span(), label="ORG") for match in matches)
    return [span for span in spans if span is not None]
