"""Professional clubs, which the small model splits, misses or reads as places and things.

"the New York Islanders" comes out as a place and a nationality, "the Pittsburgh
Penguins" as nothing, "Sabres" as a person and "Chargers" as a product. The clubs of the
four North American major leagues and the best-known European football clubs are a
short, closed list that changes once in years, so a list does better than any rule: a
club's full name ("Minnesota Wild") is an organisation wherever it is written, and its
nickname alone ("Wild", "Sabres") is one in sports copy (a text naming a club in full,
a league, or several results), where the nickname is what a reader calls the club.
Spans found so take the place of the model's spans they overlap.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from pipelines.entities.teams import MIN_SCORES, SCORE_RE

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc, Span

# fmt: off
#: Home and nickname of the NFL, NBA, NHL and MLB clubs, former names still in archives
#: included ("Oakland Raiders", "Washington Redskins").
_NORTH_AMERICAN = (
    # NFL
    ("Arizona", "Cardinals"), ("Atlanta", "Falcons"), ("Baltimore", "Ravens"),
    ("Buffalo", "Bills"), ("Carolina", "Panthers"), ("Chicago", "Bears"),
    ("Cincinnati", "Bengals"), ("Cleveland", "Browns"), ("Dallas", "Cowboys"),
    ("Denver", "Broncos"), ("Detroit", "Lions"), ("Green Bay", "Packers"),
    ("Houston", "Texans"), ("Indianapolis", "Colts"), ("Jacksonville", "Jaguars"),
    ("Kansas City", "Chiefs"), ("Las Vegas", "Raiders"), ("Oakland", "Raiders"),
    ("Los Angeles", "Chargers"), ("San Diego", "Chargers"), ("Los Angeles", "Rams"),
    ("St. Louis", "Rams"), ("Miami", "Dolphins"), ("Minnesota", "Vikings"),
    ("New England", "Patriots"), ("New Orleans", "Saints"), ("New York", "Giants"),
    ("New York", "Jets"), ("Philadelphia", "Eagles"), ("Pittsburgh", "Steelers"),
    ("San Francisco", "49ers"), ("Seattle", "Seahawks"), ("Tampa Bay", "Buccaneers"),
    ("Tennessee", "Titans"), ("Washington", "Commanders"), ("Washington", "Redskins"),
    # NBA
    ("Atlanta", "Hawks"), ("Boston", "Celtics"), ("Brooklyn", "Nets"),
    ("Charlotte", "Hornets"), ("Chicago", "Bulls"), ("Cleveland", "Cavaliers"),
    ("Dallas", "Mavericks"), ("Denver", "Nuggets"), ("Detroit", "Pistons"),
    ("Golden State", "Warriors"), ("Houston", "Rockets"), ("Indiana", "Pacers"),
    ("Los Angeles", "Clippers"), ("LA", "Clippers"), ("L.A.", "Clippers"),
    ("Los Angeles", "Lakers"),
    ("Memphis", "Grizzlies"), ("Miami", "Heat"), ("Milwaukee", "Bucks"),
    ("Minnesota", "Timberwolves"), ("New Orleans", "Pelicans"), ("New York", "Knicks"),
    ("Oklahoma City", "Thunder"), ("Orlando", "Magic"), ("Philadelphia", "76ers"),
    ("Phoenix", "Suns"), ("Portland", "Trail Blazers"), ("Sacramento", "Kings"),
    ("San Antonio", "Spurs"), ("Toronto", "Raptors"), ("Utah", "Jazz"),
    ("Washington", "Wizards"),
    # NHL
    ("Anaheim", "Ducks"), ("Arizona", "Coyotes"), ("Boston", "Bruins"),
    ("Buffalo", "Sabres"), ("Calgary", "Flames"), ("Carolina", "Hurricanes"),
    ("Chicago", "Blackhawks"), ("Colorado", "Avalanche"), ("Columbus", "Blue Jackets"),
    ("Dallas", "Stars"), ("Detroit", "Red Wings"), ("Edmonton", "Oilers"),
    ("Florida", "Panthers"), ("Los Angeles", "Kings"), ("Minnesota", "Wild"),
    ("Montreal", "Canadiens"), ("Nashville", "Predators"), ("New Jersey", "Devils"),
    ("New York", "Islanders"), ("New York", "Rangers"), ("Ottawa", "Senators"),
    ("Philadelphia", "Flyers"), ("Pittsburgh", "Penguins"), ("San Jose", "Sharks"),
    ("Seattle", "Kraken"), ("St. Louis", "Blues"), ("Tampa Bay", "Lightning"),
    ("Toronto", "Maple Leafs"), ("Utah", "Mammoth"), ("Vancouver", "Canucks"),
    ("Vegas", "Golden Knights"), ("Washington", "Capitals"), ("Winnipeg", "Jets"),
    # MLB
    ("Arizona", "Diamondbacks"), ("Atlanta", "Braves"), ("Baltimore", "Orioles"),
    ("Boston", "Red Sox"), ("Chicago", "Cubs"), ("Chicago", "White Sox"),
    ("Cincinnati", "Reds"), ("Cleveland", "Guardians"), ("Cleveland", "Indians"),
    ("Colorado", "Rockies"), ("Detroit", "Tigers"), ("Houston", "Astros"),
    ("Kansas City", "Royals"), ("Los Angeles", "Angels"), ("Los Angeles", "Dodgers"),
    ("Miami", "Marlins"), ("Milwaukee", "Brewers"), ("Minnesota", "Twins"),
    ("New York", "Mets"), ("New York", "Yankees"), ("Oakland", "Athletics"),
    ("Philadelphia", "Phillies"), ("Pittsburgh", "Pirates"), ("San Diego", "Padres"),
    ("San Francisco", "Giants"), ("Seattle", "Mariners"), ("St. Louis", "Cardinals"),
    ("Tampa Bay", "Rays"), ("Texas", "Rangers"), ("Toronto", "Blue Jays"),
    ("Washington", "Nationals"),
)
#: European football clubs by their full names only: their short names ("Chelsea",
#: "Barcelona", "Villa") are places and people as often as clubs.
_FOOTBALL = (
    "Manchester United", "Manchester City", "Tottenham Hotspur", "West Ham United",
    "Newcastle United", "Leeds United", "Leicester City", "Aston Villa", "Crystal Palace",
    "Wolverhampton Wanderers", "Nottingham Forest", "Brighton & Hove Albion",
    "Sheffield United", "Norwich City", "Real Madrid", "Atletico Madrid",
    "Atlético Madrid", "Bayern Munich", "Borussia Dortmund", "Paris Saint-Germain",
    "Inter Milan", "AC Milan", "Ajax Amsterdam", "Celtic Glasgow",
)
# fmt: on
#: Leagues and conferences whose name marks a text as sports copy.
_LEAGUES_RE = re.compile(r"\b(?:NFL|NBA|NHL|MLB|AFC|NFC|WNBA|MLS|Premier League)\b")


@cache
def _full_name_re() -> re.Pattern[str]:
    names = {f"{home} {nickname}" for home, nickname in _NORTH_AMERICAN} | set(_FOOTBALL)
    return _alternation(names)


@cache
def _nickname_re() -> re.Pattern[str]:
    return _alternation({nickname for _, nickname in _NORTH_AMERICAN})


def _alternation(names: set[str]) -> re.Pattern[str]:
    # Longest first, so that "Red Sox" wins over a shorter name at the same place.
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")


def club_spans(doc: Doc, text: str) -> list[Span]:
    """The clubs written in ``doc`` (whose text is ``text``), as ORG spans: full names
    everywhere, nicknames alone in sports copy."""
    spans = [_span(doc, match) for match in _full_name_re().finditer(text)]
    full = [span for span in spans if span is not None]
    if not (full or _LEAGUES_RE.search(text) or len(SCORE_RE.findall(text)) >= MIN_SCORES):
        return full
    covered = {i for span in full for i in range(span.start, span.end)}
    nicknames = [_span(doc, match) for match in _nickname_re().finditer(text)]
    return full + [
        span
        for span in nicknames
        if span is not None and span.start not in covered and not _inside_a_name(span)
    ]


def _inside_a_name(span: Span) -> bool:
    """A nickname beside another capitalised word is part of some other name: "Magic
    Johnson", "the Nittany Lions", "the Magic Box"."""
    doc = span.doc
    neighbours = [doc[span.start - 1]] if span.start else []
    neighbours += [doc[span.end]] if span.end < len(doc) else []
    return any(token.is_title and not token.is_stop for token in neighbours)


def _span(doc: Doc, match: re.Match[str]) -> Span | None:
    # None when the name does not fall on token edges ("Jets'" is fine, "49ersfan" not).
    return doc.char_span(match.start(), match.end(), label="ORG")
