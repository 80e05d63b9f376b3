"""Players in the results lists of sports pages, which the small model mostly misses.

A local paper's round-up of school games credits each player on a line of its own:
"Heritage (1-0): Armani Sheffield 19 points and 3 steals. Kelli Howard 6 steals." The
model tags few of these names, reads some as organisations ("Kyleigh Trout 1") and
takes surnames alone ("Tolivert 25 points") for nothing at all, while the schools
above them come out as people. The layout says what the words cannot: a name that opens
a credit, followed by a tally and what it counts, is a player, and a name that opens a
line with a record and a colon ("Viera (4-0):") is a team. One such credit could be
chance ("Dow Jones 300 points"), so a piece needs at least :data:`MIN_CREDITS` of them
to be read as a results list. Spans found so take the place of the model's spans they
overlap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc, Span, Token

#: What stands for the word before a player's mention: like a title before a name, the
#: credit says the name is a person's, so a surname named once ("Tolivert") is kept.
CREDITED = "(credited)"
#: Credits a piece must hold to be read as a results list.
MIN_CREDITS = 2
#: Longest player name, in words: "Starven Saint Hilare".
_MAX_NAME_WORDS = 3

#: What a tally after a player's name counts, singular and plural, across sports.
STAT_WORDS = frozenset(
    {"goal", "goals", "assist", "assists", "save", "saves", "point", "points", "rebound"}
    | {"rebounds", "steal", "steals", "block", "blocks", "kill", "kills", "dig", "digs"}
    | {"ace", "aces", "tackle", "tackles", "sack", "sacks", "interception", "interceptions"}
    | {"touchdown", "touchdowns", "yard", "yards", "carry", "carries", "reception"}
    | {"receptions", "hit", "hits", "run", "runs", "rbi", "rbis", "strikeout", "strikeouts"}
    | {"birdie", "birdies", "try", "tries", "wicket", "wickets", "pin", "pins"}
)
#: Last characters of a token after which a credit starts: a team's line ("Viera (4-0):"),
#: the credit before it, or a new line.
_CREDIT_OPENERS = frozenset({":", ".", ";"})
#: Capitalised words that open a sentence, not a name: "The Heritage 3 points".
_ARTICLES = frozenset({"the", "a", "an"})
#: A word of a player's name: capitalised letters with an inner hyphen or apostrophe
#: ("Bean-Laing", "O'Hara"), or an initial ("K.").
_NAME_WORD = re.compile(r"^(?:[A-Z][^\W\d_]*(?:['’-][A-Z]?[^\W\d_]+)*|[A-Z]\.)$")


_TEAM = r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})"
#: A team's line in a results list: its name, its record (wins-losses[-draws], or "NR",
#: not ranked) and a colon.
_TEAM_LINE_RE = re.compile(rf"^{_TEAM} \((?:\d+-\d+(?:-\d+)?|NR)\):", re.MULTILINE)
#: A result: the winner, "d." or "def." (defeated), the loser, maybe the score.
_RESULT_LINE_RE = re.compile(rf"^{_TEAM} d(?:ef)?\. {_TEAM}(?: \d+-\d+)?[ \t]*$", re.MULTILINE)


def results_list_spans(doc: Doc, text: str) -> list[Span]:
    """The players credited in ``doc``'s results lists (PERSON spans) and the teams
    whose lines hold them (ORG); none when the piece (whose text is ``text``) holds
    fewer than :data:`MIN_CREDITS` credits."""
    players = _player_spans(doc)
    if len(players) < MIN_CREDITS:
        return []
    found = [m.span(1) for m in _TEAM_LINE_RE.finditer(text)]
    found += [m.span(n) for m in _RESULT_LINE_RE.finditer(text) for n in (1, 2)]
    teams = (doc.char_span(start, end, label="ORG") for start, end in found)
    return players + [team for team in teams if team is not None]


def _player_spans(doc: Doc) -> list[Span]:
    spans = []
    for token in doc[:-1]:
        if token.like_num and doc[token.i + 1].lower_ in STAT_WORDS:
            start = _name_start(doc, token.i)
            if start is not None:
                name = doc[start : token.i]
                spans.append(doc.char_span(name.start_char, name.end_char, label="PERSON"))
    return [span for span in spans if span is not None]


def _name_start(doc: Doc, tally: int) -> int | None:
    """The first token of the name that opens a credit ending just before ``tally``, or
    None when what comes before is not a name opening a credit."""
    start, words = tally, 0
    while start > 0 and words < _MAX_NAME_WORDS and _name_word(doc[start - 1]):
        start -= 1
        words += 1
        # "Bien-Aime" is three tokens and one word of a name.
        while start > 1 and _inner_hyphen(doc[start - 1]) and _name_word(doc[start - 2]):
            start -= 2
    if start == tally or not _opens_a_credit(doc, start):
        return None
    return start


def _name_word(token: Token) -> bool:
    return bool(_NAME_WORD.match(token.text)) and token.lower_ not in _ARTICLES


def _inner_hyphen(token: Token) -> bool:
    return token.text == "-" and not token.whitespace_ and not token.nbor(-1).whitespace_


def _opens_a_credit(doc: Doc, start: int) -> bool:
    if start == 0:
        return True
    before = doc[start - 1]
    return before.text[-1] in _CREDIT_OPENERS or before.is_space or "\n" in before.whitespace_
