"""An article's mentions tidied into names and grouped by name.

A mention (a span's text, its label, the word before it) is tidied into a name: a
possessive's owner that is a known place is a place mention of its own ("Vietnam's
Communist Party"), two known places run together are two, a company's name run on into
another is cut at its legal form, and a phrase with no capital is no name. Mentions are
then grouped by folded name (spellings of one place share a group), counting the words
before them that :mod:`pipelines.entities.labels` decides labels with.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.keys import PLACE_LABELS, place_core, without_legal_form
from pipelines.entities.names import clean_surface, is_name, is_persons_name, normalise_name
from pipelines.entities.people_names import given_names
from pipelines.entities.results_lists import CREDITED
from pipelines.entities.titles import is_title, without_trailing_titles

#: Labels kept; dates, times, numbers, money, percentages, ordinals... are dropped.
KEPT_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)

_INNER_POSSESSIVE_RE = re.compile(r"['’]s\s+(?=[A-Z])")
#: Words before a place: a name mostly written after them is a place ("at Hollins Ford").
_PLACE_PREPOSITIONS = frozenset(
    {"in", "near", "outside", "inside", "at", "between", "through", "around", "across"}
)
#: The same without "at": "an analyst at Harcourt Securities" is at a company.
_ORG_PLACE_PREPOSITIONS = _PLACE_PREPOSITIONS - {"at"}

# Named storms: the model reads "Storm Maren" as a person.
_EVENT_RE = re.compile(r"^(?:Tropical\s+)?(?:Storm|Hurricane|Typhoon|Cyclone|Tornado)\s+[A-Z]")

# A company's legal form inside a span, more name after it: two names the model ran on.
_LEGAL_FORM_INSIDE_RE = re.compile(
    r"^(\S.*?\s(?:Inc|Corp|Co|Ltd|LLC|PLC|plc|GmbH|AG|S\.A)\.?),?\s+"
    r"(?!(?:Inc|Corp|Co|Ltd|LLC|PLC|Limited|Corporation|Company)\b)([A-Z].*)$"
)
#: The word before a person's name who leads what the word after it names: "the Trump
#: administration", "the Assad regime" are a person's, though "the" stands before them.
LEADING = "(leading)"

#: The word before a place that the words around it name as one ("a Wantagh man",
#: "Carrowby, a village"), whatever stands before it.
PLACED = "(placed)"
#: Words before a place however it is used: "from Polwarth", "the mayor of Addison", "to
#: Elkton", a listing's "Elkton, Wantagh"; a dateline or a listing's line starts with it
#: (no word before).
_PLACE_CUES = (
    _PLACE_PREPOSITIONS
    | {"from", "of", "to", "into", "onto", "toward", "towards"}
    | {"", ",", PLACED}
)

#: Lower-case words that join the words of a name; a name never ends in one.
JOINING_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "at", "to", "de", "&"})

#: A mention: (text, label) or (text, label, the lower-cased word before it).
Mention = tuple[str, str] | tuple[str, str, str]


@dataclass(slots=True)
class MentionGroup:
    """The mentions of one folded name."""

    first: int
    count: int = 0
    forms: Counter[str] = field(default_factory=Counter)  # normalised name -> mentions
    surfaces: dict[str, int] = field(default_factory=dict)  # surface -> first position
    votes: Counter[str] = field(default_factory=Counter)
    after_the: int = 0  # mentions right after "the": an institution, not a person or town
    after_in: int = 0  # mentions right after "in", "at", "near"...: a place, not a person
    after_in_not_at: int = 0  # the same less "at": a place, not a company
    after_title: int = 0  # mentions right after "Ms.", "Mayor"... or credited: a person
    after_place_cue: int = 0  # mentions where a place is written: after "from", "of"...

    def add(self, position: int, surface: str, name: str, label: str, before: str) -> None:
        self.count += 1
        self.forms[name] += 1
        self.surfaces.setdefault(surface, position)
        self.votes[label] += 1
        self.after_the += before == "the" or surface.lower().startswith("the ")
        self.after_in += before in _PLACE_PREPOSITIONS
        self.after_place_cue += before in _PLACE_CUES
        self.after_in_not_at += before in _ORG_PLACE_PREPOSITIONS
        self.after_title += before in (CREDITED, LEADING) or (bool(before) and is_title(before))

    @property
    def tokens(self) -> int:
        return max(len(form.split()) for form in self.forms)

    @property
    def single_token(self) -> bool:
        """One token and not an acronym: where ORG is the model's fall-back."""
        return self.tokens == 1 and not pick_name(self.forms).isupper()


def pick_name(forms: Counter[str]) -> str:
    """The fullest form: most tokens, then longest, then most frequent, then not ALL CAPS."""
    order = {form: i for i, form in enumerate(forms)}
    return max(
        forms,
        key=lambda f: (len(f.split()), len(f), forms[f], not f.isupper(), -order[f]),
    )


@dataclass(frozen=True, slots=True)
class _Normalised:
    surface: str
    name: str
    folded: str
    owner_place: str | None  # "Vietnam" of "Vietnam's Communist Party": a place mention too
    owner: str | None = None  # the possessive's owner, whatever it is


def _normalised(text: str, label: str, gazetteer: Gazetteer | None) -> _Normalised | None:
    """A mention tidied into a name, None for one that is not a name."""
    surface = _cut_short(clean_surface(text))
    name = normalise_name(surface, label)
    owner, owned = _owner_and_owned(name)
    owner_place = owner if owner and known_place(owner, gazetteer) else None
    if label == "PERSON" or owner_place:  # "Punjab's Bhatinda": the owner is another entity
        name = owned
    if label in PLACE_LABELS:
        name = place_core(name, gazetteer)
    elif label == "ORG":
        name = without_trailing_titles(name)
    if not name or not is_name(name) or not _has_capital(name):
        return None
    if label == "PERSON" and not is_persons_name(name):
        return None
    folded = fold(name)
    return _Normalised(surface, name, folded, owner_place, owner) if folded else None


def _owner_and_owned(name: str) -> tuple[str | None, str]:
    """("Vietnam", "Communist Party") for "Vietnam's Communist Party"; (None, name) else."""
    parts = _INNER_POSSESSIVE_RE.split(name)
    return (parts[-2], parts[-1]) if len(parts) > 1 else (None, name)


def _person_owner(normalised: _Normalised) -> str | None:
    """The owner of a "person" written as a possessive when the owner is the person: its
    first word a given name and the owned part's not ("Jeff Bezos's Blue Origin"; not
    "Google's Sundar Pichai", nor a place's "Britain's Prince Andrew")."""
    owner = normalised.owner
    if owner is None or normalised.owner_place or not is_name(owner):
        return None
    names = given_names()
    if not names.starts_with_given_name(owner) or names.starts_with_given_name(normalised.name):
        return None
    return owner


def _organisation_owner(normalised: _Normalised, organisations: set[str]) -> str | None:
    """The owner of an organisation written as a possessive when the text names the
    owner as an organisation on its own ("NASA's Office of the Inspector General" beside
    "NASA"), and the owned part is a name of two words or more; a company whose name has
    the possessive in it ("McDonald's Corporation") is named with it everywhere."""
    owner = normalised.owner
    if owner is None or normalised.owner_place:
        return None
    owned = _owner_and_owned(normalised.name)[1]
    return owner if fold(owner) in organisations and len(owned.split()) >= 2 else None


def _cut_short(name: str) -> str:
    """The owner of a possessive span the model cut short, whose owned part ends in a
    joining word ("Rock and Roll Hall of Fame's Class of"); else the name."""
    owner, owned = _owner_and_owned(name)
    return owner if owner and owned.split()[-1] in JOINING_WORDS else name


def known_place(name: str, gazetteer: Gazetteer | None) -> bool:
    return gazetteer is not None and gazetteer.lookup(fold(name)) is not None


def _place_pair(name: str, gazetteer: Gazetteer | None) -> tuple[str, str] | None:
    """Two known places run together in one span ("Russia Washington"), or None. A name
    the gazetteer knows whole ("New York") is one place."""
    words = name.split()
    if gazetteer is None or len(words) < 2 or known_place(name, gazetteer):
        return None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if known_place(first, gazetteer) and known_place(second, gazetteer):
            return first, second
    return None


def _run_together(
    normalised: _Normalised, before: str, gazetteer: Gazetteer | None
) -> list[tuple[str, str, str, str]] | None:
    """The names the model ran together in one "organisation" span, each (surface, name,
    label, word before), or None: two places ("Russia Washington"), a company and what it
    sponsors ("The Dutta Corp. Fair Hill International")."""
    name = normalised.name
    if places := _place_pair(name, gazetteer):
        return [(place, place, "GPE", "") for place in places]
    if company := _LEGAL_FORM_INSIDE_RE.match(name):
        pieces = filter(None, (_normalised(part, "ORG", gazetteer) for part in company.groups()))
        return [(piece.surface, piece.name, "ORG", before) for piece in pieces]
    return None


def _has_capital(name: str) -> bool:
    """A name has a capitalised word; "switch keyboard", "the immigration department" are
    misread phrases."""
    return any(word[0].isupper() for word in name.split())


def _group_key(name: str, folded: str, gazetteer: Gazetteer | None) -> str:
    """Spellings of one place ("U.S.", "US", "United States") share a group."""
    place = gazetteer.lookup(folded) if gazetteer is not None else None
    if place is not None and not (place.kind == "city" and name.isupper()):
        return fold(place.name)
    return without_legal_form(folded)  # "DACA" is no spelling of Dhaka ("Daca")


def group_mentions(
    mentions: Iterable[Mention], gazetteer: Gazetteer | None = None
) -> dict[str, MentionGroup]:
    groups: dict[str, MentionGroup] = {}
    seen: dict[tuple[str, str], _Normalised | None] = {}  # names repeat a lot
    mentions = list(mentions)
    organisations = {fold(normalise_name(m[0], "ORG")) for m in mentions if m[1] == "ORG"}
    for position, (text, label, *before) in enumerate(mentions):
        if label not in KEPT_LABELS:
            continue
        if _EVENT_RE.match(text):
            label = "EVENT"
        if (text, label) not in seen:
            seen[text, label] = _normalised(text, label, gazetteer)
        normalised = seen[text, label]
        if normalised is None:
            continue
        word_before = before[0] if before else ""
        if label == "ORG" and (pieces := _run_together(normalised, word_before, gazetteer)):
            for surface, name, piece_label, piece_before in pieces:
                _add(groups, position, surface, name, fold(name), piece_label, piece_before,
                     gazetteer)  # fmt: skip
            continue
        if label == "ORG" and (owner := _organisation_owner(normalised, organisations)):
            # "NASA's Office of the Inspector General" where NASA is named on its own too.
            _add(groups, position, owner, owner, fold(owner), label, word_before, gazetteer)
            owned = _owner_and_owned(normalised.name)[1]
            _add(groups, position, owned, owned, fold(owned), label, "", gazetteer)
            continue
        if label == "PERSON" and (owner := _person_owner(normalised)):
            # "Jeff Bezos's Blue Origin" read as one person: the person, then what they own.
            _add(groups, position, owner, owner, fold(owner), label, word_before, gazetteer)
            label, word_before = "ORG", ""
        if normalised.owner_place:
            owner = normalised.owner_place
            _add(groups, position, owner, owner, fold(owner), "GPE", "", gazetteer)
        _add(groups, position, normalised.surface, normalised.name, normalised.folded, label,
             word_before, gazetteer)  # fmt: skip
    return groups


def _add(
    groups: dict[str, MentionGroup],
    position: int,
    surface: str,
    name: str,
    folded: str,
    label: str,
    before: str,
    gazetteer: Gazetteer | None,
) -> None:
    key = _group_key(name, folded, gazetteer)
    group = groups.get(key)
    if group is None:
        group = groups[key] = MentionGroup(first=position)
    group.add(position, surface, name, label, before)
