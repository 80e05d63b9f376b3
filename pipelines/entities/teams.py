"""Teams named by their city in sports copy: "Minnesota beat Buffalo", "scored for Ottawa".

Results pages and roundups call a team by its city or state, and the model reads a
place. In a text with several results in it (scores such as "4-1" or records such as
"8-8-4"), a place written as the subject or object of a result ("Columbus beat
Montreal", "to lift Florida", "scored for Detroit") is the team, an organisation.
A town or state mostly written so in the text is the team (a country so written is its
national side, still read as the country: :mod:`pipelines.entities.merge`); elsewhere a
place stays a place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipelines.entities.folding import fold

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Span

#: A score or a record: "5-4", "14-0-1".
SCORE_RE = re.compile(r"(?<![\d-])\d{1,3}-\d{1,3}(?:-\d{1,3})?(?![\d-])")
#: A text with at least this many scores and records is sports copy.
MIN_SCORES = 3
#: Verbs after a team: "Minnesota beat Buffalo", "Columbus improved to 8-8-4".
_AFTER_A_TEAM = frozenset(
    {"beat", "beats", "defeated", "defeats", "edged", "topped", "downed", "blanked", "routed"}
    | {"rallied", "outlasted", "held", "improved", "fell", "lost", "won", "clinched", "trailed"}
)
#: Words before a team: "beat Buffalo", "to lift Florida", "rallied past Detroit".
_BEFORE_A_TEAM = frozenset(
    {"beat", "beats", "defeated", "edged", "topped", "downed", "blanked", "routed", "lift"}
    | {"lead", "past", "over", "against", "outlasted"}
)
#: Words before "for" and a team: "scored for Ottawa", "a goal for Detroit".
_SCORED = frozenset({"scored", "goal", "goals", "assist", "assists", "saves", "points"})


def team_names(ents: Sequence[Span], text: str) -> Counter[str]:
    """How often each place (folded name) of the model's is written as a team in sports
    copy: the merge makes a place mostly written so an organisation."""
    if len(SCORE_RE.findall(text)) < MIN_SCORES:
        return Counter()
    return Counter(fold(ent.text) for ent in ents if ent.label_ == "GPE" and _in_a_result(ent))


def _in_a_result(ent: Span) -> bool:
    doc, start, end = ent.doc, ent.start, ent.end
    before = doc[start - 1].lower_ if start >= 1 else ""
    after = doc[end].lower_ if end < len(doc) else ""
    if before in _BEFORE_A_TEAM or after in _AFTER_A_TEAM:
        return True
    return before == "for" and start >= 2 and doc[start - 2].lower_ in _SCORED
