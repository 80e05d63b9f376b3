"""Titles and roles before a person's name: the words that are no part of the name.

Titles ("Mr", "Prime Minister") are stripped from the front of any mention; those that are
also the start of other names ("General Motors", "Queen Mary University") only from a
mention labelled PERSON. A lower-case role before a person's name ("Fisheries officer")
goes too, but not a name's own particle ("Charles de Gaulle"). Plain word lists, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.entities.outlets import NEWS_HEADS

# Titles stripped from the front of any mention, and those (ambiguous: "General Motors",
# "Queen Mary University") stripped only from a mention labelled PERSON.
_TITLES = (
    "mr",
    "mrs",
    "ms",
    "mx",
    "dr",
    "prof",
    "professor",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "vice president",
    "prime minister",
    "deputy prime minister",
    "foreign minister",
    "defense minister",
    "defence minister",
    "finance minister",
    "minister",
    "secretary of state",
    "secretary general",
    "secretary-general",
    "secretary",
    "chancellor",
    "ambassador",
    "sir",
    "dame",
    "rev",
    "reverend",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "adm",
    "mayor",
    "premier",
    "sheikh",
    "councillor",
    "councilor",
    "councilman",
    "councilwoman",
    "alderman",
    "commissioner",
    "attorney general",
    "inspector general",
    "inspector-general",
    "foreign secretary",
    "home secretary",
    "defense secretary",
    "defence secretary",
    "interior minister",
    "state senator",
    "hon",
    "rt hon",
    "rt",
    "mp",
)
_PERSON_TITLES = (
    "general",
    "colonel",
    "captain",
    "admiral",
    "major",
    "king",
    "queen",
    "prince",
    "princess",
    "lord",
    "lady",
    "judge",
    "justice",
    "saint",
    "pope",
    "miss",
    "speaker",
    "chairman",
    "chairwoman",
    "chief",
    "coach",
    "spokesman",
    "spokeswoman",
    "leader",
    "senate leader",
    "senate president",
    "ceo",
    # Occupations written like titles before a name ("Harbourmaster Tomas Vell"); none is
    # a common first name (Mason, Hunter, Taylor... are left out).
    "deputy",
    "acting",
    "assistant",
    "chief executive",
    "chief inspector",
    "detective",
    "inspector",
    "superintendent",
    "constable",
    "sergeant",
    "sheriff",
    "officer",
    "fire officer",
    "coroner",
    "headteacher",
    "headmaster",
    "headmistress",
    "harbourmaster",
    "harbormaster",
    "postmaster",
    "director",
    "editor",
    "correspondent",
    "reporter",
    "analyst",
    "economist",
    "strategist",
    "trader",
    "lawyer",
    "attorney",
    "solicitor",
    "barrister",
    "engineer",
    "architect",
    "lecturer",
    "researcher",
    "scientist",
    "meteorologist",
    "forecaster",
    "agronomist",
    "hydrologist",
    "historian",
    "nurse",
    "doctor",
    "surgeon",
    "pastor",
    "bishop",
    "archbishop",
    "rabbi",
    "imam",
    "cardinal",
    "founder",
    "co-founder",
    "spokesperson",
    "negotiator",
    "organiser",
    "organizer",
    "supervisor",
    "warden",
    "skipper",
    "firefighter",
    "paramedic",
)


def _title_re(titles: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    return re.compile(rf"^(?:(?:{alternatives})\.?\s+)+", re.IGNORECASE)


_TITLE_RE = _title_re(_TITLES)
_PERSON_TITLE_RE = _title_re(_TITLES + _PERSON_TITLES)
# Lower-case words that belong to a person's name ("Charles de Gaulle", "Osama bin Laden");
# any other lower-case word in a PERSON span is a role before the name ("Fisheries officer").
_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "der", "den", "des", "du", "do", "dos", "das", "van"}
    | {"von", "la", "le", "bin", "ibn", "binti", "al", "el", "ul", "y", "e", "ter", "ten", "zu"}
)
_PARTICLE_PREFIX_RE = re.compile(r"^(?:al|el|ul|ad|as|ash|at|az|ben|bin|d|l)[-’']")


def without_titles(name: str, person: bool) -> str:
    """A name less the titles before it; a person's name also less the titles only people
    have ("General Tomas Vell"). Empty when the name is only titles."""
    titles = _PERSON_TITLE_RE if person else _TITLE_RE
    return titles.sub("", name + " ").strip()


def is_title(word: str) -> bool:
    """Whether a word is a title that goes before a person's name ("ms.", "Mayor")."""
    return bool(_PERSON_TITLE_RE.match(word + " "))


def is_whole_title(words: str) -> bool:
    """Whether the words are a title and nothing else ("Secretary of State")."""
    match = _PERSON_TITLE_RE.match(words + " ")
    return match is not None and match.end() == len(words) + 1


def without_trailing_titles(name: str) -> str:
    """An organisation's name less a title written after it: "House of Representatives
    Speaker" (before the speaker's name) is the House of Representatives. Titles after
    "of" or "the" are the office's own name ("Office of the Inspector General"), and so
    is an outlet's last word ("The Hollywood Reporter")."""
    tokens = name.split()
    if tokens and tokens[-1].lower() in NEWS_HEADS:
        return name
    kept = list(tokens)
    while len(kept) > 1 and is_title(kept[-1]):
        kept.pop()
    return name if kept and kept[-1].lower() in ("the", "of") else " ".join(kept)


def without_role(name: str) -> str:
    """A person's name less a role written before it in lower case: "Fisheries officer
    Callum Rennie" is Callum Rennie ("Charles de Gaulle" keeps its particle)."""
    tokens = name.split()
    last_lower = max((i for i, token in enumerate(tokens[:-1]) if _is_role_word(token)), default=-1)
    return " ".join(tokens[last_lower + 1 :]) if last_lower >= 0 else name


def _is_role_word(token: str) -> bool:
    return (
        token[0].islower()
        and token.lower() not in _NAME_PARTICLES
        and not _PARTICLE_PREFIX_RE.match(token)
    )
