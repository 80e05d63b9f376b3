"""Merging an article's mentions into one :class:`Entity` per real-world entity.

Mentions are grouped by folded name; a person's full names cluster by surname with
compatible first names, and a bare surname joins the one such cluster; an acronym joins
the one longer name whose initials it spells. Each entity's label is the mentions' vote,
repaired by the gazetteer, the words before its mentions and the name's last word; the
mentions of one name agree ("Ingrid Calloway" read as a facility is "Mayor Calloway"). A
one-word "person" named once and after no title is a misread word and dropped.

Pure Python and linear in the number of mentions: every step is a dict look-up keyed on a
folded name or a surname, never a comparison of all pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipelines.article import Entity
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.names import (
    PLACE_LABELS,
    clean_surface,
    entity_key,
    first_names_compatible,
    fold,
    given_names,
    initials,
    is_name,
    is_title,
    normalise_name,
    person_parts,
    place_core,
    without_legal_form,
    without_trailing_titles,
)

#: Labels kept; dates, times, numbers, money, percentages, ordinals... are dropped.
KEPT_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)

#: Tie-break of the label vote, most preferred first.
LABEL_PRIORITY = (
    "PERSON",
    "GPE",
    "ORG",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
)
_PRIORITY = {label: rank for rank, label in enumerate(LABEL_PRIORITY)}

# Labels of a bare name that is not a person's surname, even when a person has it.
_NOT_A_SURNAME = frozenset({"GPE", "LOC", "FAC", "NORP"})

_INNER_POSSESSIVE_RE = re.compile(r"['’]s\s+(?=[A-Z])")
#: Words before a place: a name mostly written after them is a place ("at Hollins Ford").
_PLACE_PREPOSITIONS = frozenset(
    {"in", "near", "outside", "inside", "at", "between", "through", "around", "across"}
)
#: The same without "at": "an analyst at Harcourt Securities" is at a company.
_ORG_PLACE_PREPOSITIONS = _PLACE_PREPOSITIONS - {"at"}

# The last word of a name says what kind of thing it names ("Davis Cup", "Quay Street",
# "Kelder Reservoir"), whatever label the model gave it; these kinds are never people or
# organisations. (Only ORG and PERSON are relabelled, and not a place the gazetteer knows.)
_HEAD_LABELS = {
    **dict.fromkeys(
        ("cup", "final", "finals", "championship", "championships", "tournament", "games"),
        "EVENT",
    ),
    **dict.fromkeys(
        ("olympics", "festival", "induction", "awards", "prix", "marathon", "summit"), "EVENT"
    ),
    **dict.fromkeys(("election", "elections", "war", "crisis", "expo", "show"), "EVENT"),
    **dict.fromkeys(
        ("street", "road", "avenue", "boulevard", "lane", "square", "bridge", "centre"), "FAC"
    ),
    **dict.fromkeys(
        ("center", "hospital", "airport", "station", "stadium", "arena", "auditorium"), "FAC"
    ),
    **dict.fromkeys(("prison", "jail", "hotel", "tower", "building", "terminal"), "FAC"),
    **dict.fromkeys(
        ("river", "lake", "reservoir", "sea", "ocean", "bay", "mountain", "mountains"), "LOC"
    ),
    **dict.fromkeys(("valley", "canal", "forest", "desert", "peninsula", "gulf"), "LOC"),
    **dict.fromkeys(("charter", "treaty", "constitution", "amendment"), "LAW"),
    # Stock indexes ("Hang Seng Index", "Shanghai Composite"): traded, not organisations;
    # editions of a product ("Chromecast Ultra", "MacBook Pro").
    **dict.fromkeys(("index", "composite", "pro", "ultra", "mini", "max", "lite"), "PRODUCT"),
}
#: Words of a sports club's name: "FC Porto", "Manchester United", "Penn State" are
#: organisations, though the model reads many as people; no person's name has them.
_CLUB_WORDS = frozenset({"fc", "afc", "cf", "united", "state"})
_CLUB_PREFIXES = frozenset({"fc", "afc", "cf"})
#: Last words of a compass-named thing that is no region: "the West Division" of a league.
_NOT_REGION_HEADS = frozenset({"division", "conference"})
# A model number as the last word: "Stadia RDR2", "Galaxy S10", "Airbus A380".
_MODEL_NUMBER_RE = re.compile(r"\s[A-Za-z]+\d+[A-Za-z]?$")
# Named storms: the model reads "Storm Maren" as a person.
_EVENT_RE = re.compile(r"^(?:Tropical\s+)?(?:Storm|Hurricane|Typhoon|Cyclone|Tornado)\s+[A-Z]")
_ACRONYM_RE = re.compile(r"^(?:[A-Z]\.?){2,6}$")
# A company's legal form inside a span, more name after it: two names the model ran on.
_LEGAL_FORM_INSIDE_RE = re.compile(
    r"^(\S.*?\s(?:Inc|Corp|Co|Ltd|LLC|PLC|plc|GmbH|AG|S\.A)\.?),?\s+"
    r"(?!(?:Inc|Corp|Co|Ltd|LLC|PLC|Limited|Corporation|Company)\b)([A-Z].*)$"
)
#: Lower-case words that join the words of a name; a name never ends in one.
_JOINING_WORDS = frozenset({"of", "and", "for", "the", "in", "on", "at", "to", "de", "&"})
#: Lower-case words that organisations' names have ("Reporters without Borders", "Banco
#: de la Nación"); any other ("Jewels after Jewels") makes a title, not a name.
_NAME_JOINERS = _JOINING_WORDS | frozenset(
    {"by", "with", "without", "from", "against", "upon", "under", "over", "a", "an", "or"}
    | {"du", "des", "la", "le", "les", "da", "di", "del", "della", "do", "dos", "das", "y"}
    | {"e", "et", "und", "von", "van", "der", "den", "het", "al", "el", "bin", "per", "pour"}
)
_COMPASS_WORDS = frozenset(
    {"north", "south", "east", "west", "central", "northeast", "northwest", "southeast"}
    | {"southwest", "north-east", "north-west", "south-east", "south-west"}
)
#: After a compass word, parts of the world that are no region of a country.
_CONTINENTS_AND_OCEANS = frozenset(
    {"africa", "america", "americas", "asia", "europe", "oceania", "antarctica", "pole"}
    | {"atlantic", "pacific", "arctic", "antarctic", "mediterranean", "caribbean", "baltic"}
)

#: A mention: (text, label) or (text, label, the lower-cased word before it).
Mention = tuple[str, str] | tuple[str, str, str]


@dataclass(slots=True)
class _Group:
    """The mentions of one folded name."""

    first: int
    count: int = 0
    forms: Counter[str] = field(default_factory=Counter)  # normalised name -> mentions
    surfaces: dict[str, int] = field(default_factory=dict)  # surface -> first position
    votes: Counter[str] = field(default_factory=Counter)
    after_the: int = 0  # mentions right after "the": an institution, not a person or town
    after_in: int = 0  # mentions right after "in", "at", "near"...: a place, not a person
    after_in_not_at: int = 0  # the same less "at": a place, not a company
    after_title: int = 0  # mentions right after "Ms.", "Mayor"...: a person

    def add(self, position: int, surface: str, name: str, label: str, before: str) -> None:
        self.count += 1
        self.forms[name] += 1
        self.surfaces.setdefault(surface, position)
        self.votes[label] += 1
        self.after_the += before == "the" or surface.lower().startswith("the ")
        self.after_in += before in _PLACE_PREPOSITIONS
        self.after_in_not_at += before in _ORG_PLACE_PREPOSITIONS
        self.after_title += bool(before) and is_title(before)

    @property
    def tokens(self) -> int:
        return max(len(form.split()) for form in self.forms)

    @property
    def single_token(self) -> bool:
        """One token and not an acronym: where ORG is the model's fall-back."""
        return self.tokens == 1 and not _pick_name(self.forms).isupper()


def vote_label(votes: Mapping[str, int], single_token: bool = False) -> str:
    """The majority label; ties go PERSON > GPE > ORG > the rest.

    The small model's ORG is its fall-back for a capitalised word it does not know
    ("Crimea" is ORG in most contexts, GPE after "in"): for a single-token name that is
    not an acronym, one GPE or LOC vote outweighs any number of ORG votes.
    """
    if single_token and votes.get("ORG") and any(votes.get(p) for p in PLACE_LABELS):
        votes = {label: n for label, n in votes.items() if label != "ORG"}
    return min(votes, key=lambda label: (-votes[label], _PRIORITY.get(label, len(_PRIORITY))))


def _pick_name(forms: Counter[str]) -> str:
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


def _normalised(text: str, label: str, gazetteer: Gazetteer | None) -> _Normalised | None:
    """A mention tidied into a name, None for one that is not a name."""
    surface = _cut_short(clean_surface(text))
    name = normalise_name(surface, label)
    owner, owned = _owner_and_owned(name)
    owner_place = owner if owner and _known_place(owner, gazetteer) else None
    if label == "PERSON" or owner_place:  # "Punjab's Bhatinda": the owner is another entity
        name = owned
    if label in PLACE_LABELS:
        name = place_core(name, gazetteer)
    elif label == "ORG":
        name = without_trailing_titles(name)
    if not name or not is_name(name) or not _has_capital(name):
        return None
    folded = fold(name)
    return _Normalised(surface, name, folded, owner_place) if folded else None


def _owner_and_owned(name: str) -> tuple[str | None, str]:
    """("Vietnam", "Communist Party") for "Vietnam's Communist Party"; (None, name) else."""
    parts = _INNER_POSSESSIVE_RE.split(name)
    return (parts[-2], parts[-1]) if len(parts) > 1 else (None, name)


def _cut_short(name: str) -> str:
    """The owner of a possessive span the model cut short, whose owned part ends in a
    joining word ("Rock and Roll Hall of Fame's Class of"); else the name."""
    owner, owned = _owner_and_owned(name)
    return owner if owner and owned.split()[-1] in _JOINING_WORDS else name


def _known_place(name: str, gazetteer: Gazetteer | None) -> bool:
    return gazetteer is not None and gazetteer.lookup(fold(name)) is not None


def _place_pair(name: str, gazetteer: Gazetteer | None) -> tuple[str, str] | None:
    """Two known places run together in one span ("Russia Washington"), or None. A name
    the gazetteer knows whole ("New York") is one place."""
    words = name.split()
    if gazetteer is None or len(words) < 2 or _known_place(name, gazetteer):
        return None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if _known_place(first, gazetteer) and _known_place(second, gazetteer):
            return first, second
    return None


def _has_capital(name: str) -> bool:
    """A name has a capitalised word; "switch keyboard", "the immigration department" are
    misread phrases."""
    return any(word[0].isupper() for word in name.split())


def _group_key(folded: str, gazetteer: Gazetteer | None) -> str:
    """Spellings of one place ("U.S.", "US", "United States") share a group."""
    place = gazetteer.lookup(folded) if gazetteer is not None else None
    return fold(place.name) if place is not None else without_legal_form(folded)


def _group_mentions(
    mentions: Iterable[Mention], gazetteer: Gazetteer | None = None
) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    seen: dict[tuple[str, str], _Normalised | None] = {}  # names repeat a lot
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
        if label == "ORG" and (places := _place_pair(normalised.name, gazetteer)):
            for place in places:  # "Russia Washington": two places the model ran together
                _add(groups, position, place, place, fold(place), "GPE", "", gazetteer)
            continue
        if label == "ORG" and (company := _LEGAL_FORM_INSIDE_RE.match(normalised.name)):
            # "The Dutta Corp. Fair Hill International": the company, then what it sponsors
            for piece in filter(None, (_normalised(p, label, gazetteer) for p in company.groups())):
                _add(groups, position, piece.surface, piece.name, piece.folded, label,
                     word_before, gazetteer)  # fmt: skip
            continue
        if normalised.owner_place:
            owner = normalised.owner_place
            _add(groups, position, owner, owner, fold(owner), "GPE", "", gazetteer)
        _add(groups, position, normalised.surface, normalised.name, normalised.folded, label,
             word_before, gazetteer)  # fmt: skip
    return groups


def _add(
    groups: dict[str, _Group],
    position: int,
    surface: str,
    name: str,
    folded: str,
    label: str,
    before: str,
    gazetteer: Gazetteer | None,
) -> None:
    key = _group_key(folded, gazetteer)
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(first=position)
    group.add(position, surface, name, label, before)


def repair_label(label: str, name: str, groups: list[_Group], gazetteer: Gazetteer | None) -> str:
    """The voted label corrected by the name's last word, its context and the gazetteer.

    A "person" or "organisation" whose last word names a kind of thing ("Davis Cup",
    "Quay Street") is that kind (see ``_HEAD_LABELS``); a club's words ("FC Porto",
    "Manchester United", "Penn State") make an organisation. A one-word "person" mostly written
    after "the" ("the Duma") is an organisation; a person or organisation mostly written
    after "in", "near"... ("in Brackwater", "at Hollins Ford") a place; a name the
    gazetteer knows is a GPE unless it is a person's name here ("Jackson" with "Michael
    Jackson" stays a person) or a city mostly written after "the"; a location named by a
    compass word and a name ("the West Midlands") is a region, a GPE.
    """
    place = gazetteer.lookup(fold(name)) if gazetteer is not None else None
    head = _kind_by_words(name, gazetteer)
    if head and label in ("ORG", "PERSON") and place is None:
        return head if head != "WORK_OF_ART" or label == "ORG" else label
    alone = len(groups) == 1  # not a person's full name with its bare surname
    count = sum(group.count for group in groups)
    mostly_after_the = 2 * sum(group.after_the for group in groups) > count
    if label == "PERSON" and alone and groups[0].tokens == 1 and mostly_after_the:
        return "ORG"
    if label not in ("PERSON", "NORP") and alone and 2 * groups[0].after_title > count:
        return "PERSON"  # "Ms. Calloway" read as an organisation; not "hit-or-miss Taiwanese"
    if alone and _written_as_a_place(label, groups[0]):
        return "GPE"
    if label == "LOC" and _compass_region(name):
        return "GPE"
    if place is None or label in ("GPE", "NORP") or (label == "PERSON" and not alone):
        return label
    return label if place.kind == "city" and mostly_after_the else "GPE"


def _compass_region(name: str) -> bool:
    """A name the model reads as a location that is a capitalised compass word and a name
    ("the West Midlands", "West Bank", "Northern Cape"): a region people live in and vote
    in, not a part of a continent ("East Asia"), a sea ("North Sea") or an ocean."""
    words = name.split()
    if len(words) != 2 or not words[0].istitle() or not words[1][0].isupper():
        return False  # "Eastern Equine Encephalitis" is no region
    compass = words[0].lower().removesuffix("ern")
    rest = words[1].lower()
    return (
        compass in _COMPASS_WORDS
        and rest not in _CONTINENTS_AND_OCEANS
        and rest not in _HEAD_LABELS
        and rest not in _NOT_REGION_HEADS
    )


def _kind_by_words(name: str, gazetteer: Gazetteer | None) -> str | None:
    """The label a name's own words give it, or None: its last word ("Davis Cup"), a
    model number ("Galaxy S10"), a compass word after a known place ("Yobe North", a
    part of Yobe), or a lower-case word that joins no name's words ("Jewels after
    Jewels": a title)."""
    words = name.split()
    if len(words) < 2:
        return None
    if _MODEL_NUMBER_RE.search(name):
        return "PRODUCT"
    if words[-1].lower() in _COMPASS_WORDS and _known_place(" ".join(words[:-1]), gazetteer):
        return "GPE"
    if any(word.isalpha() and word.islower() and word not in _NAME_JOINERS for word in words):
        return "WORK_OF_ART"
    club = words[0].lower() in _CLUB_PREFIXES or words[-1].lower() in _CLUB_WORDS
    return _HEAD_LABELS.get(words[-1].lower(), "ORG" if club else None)


def _written_as_a_place(label: str, group: _Group) -> bool:
    """A person or organisation (not an acronym) mostly named after "in", "near"...: a
    place. A name of two or more words needs two such mentions: "faith in Donald Trump"."""
    if label not in _MISREAD_PLACE_LABELS or _pick_name(group.forms).isupper():
        return False
    if label not in ("PERSON", "ORG") and group.tokens > 1:
        return False  # "in Quay Street", "in Red Dead Redemption"
    after = group.after_in if label == "PERSON" else group.after_in_not_at
    return 2 * after > group.count and (group.tokens == 1 or after >= 2)


#: Labels of one-word names that the model gives to unknown towns ("in Gladstone" as a
#: product); a single word written after "in" is a place whatever the label.
_MISREAD_PLACE_LABELS = frozenset({"PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})


# A person being clustered: (given names seen, full-name groups, bare surnames).
_Cluster = tuple[set[str], list[_Group], list[_Group]]


def _initials_spelt_out(names: set[str]) -> set[str]:
    return {a for a in names if len(a) == 1 and any(len(b) > 1 and b[0] == a for b in names)}


def _cluster_full_names(groups: dict[str, _Group]) -> dict[str, list[_Cluster]]:
    """Multi-token PERSON names by surname, those with compatible first names together."""
    by_surname: dict[str, list[_Cluster]] = {}
    for group in groups.values():
        if group.tokens < 2 or vote_label(group.votes) != "PERSON":
            continue
        name = _pick_name(group.forms)
        surname, givens = person_parts(name)[1], given_names(name)
        clusters = by_surname.setdefault(surname, [])
        for seen, full, _bare in clusters:
            if any(first_names_compatible(a, b) for a in seen for b in givens):
                full.append(group)
                seen.update(givens)
                seen.difference_update(_initials_spelt_out(seen))  # "s" gives way to "sergey"
                break
        else:
            clusters.append((givens, [group], []))
    return by_surname


def _a_surname(group: _Group) -> bool:
    """One word that names a person: after a title ("Mayor Calloway"), or read as a person
    and not mostly after "the" ("the Chronicle")."""
    if group.tokens != 1:
        return False
    person = vote_label(group.votes) == "PERSON" and 2 * group.after_the <= group.count
    return person or 2 * group.after_title > group.count


def _agree_with_people(groups: dict[str, _Group], gazetteer: Gazetteer | None) -> None:
    """A name of two or three capitalised words read as something else whose last word
    names a person here ("Ingrid Calloway" as a facility, "Mayor Calloway") is that
    person: the mentions of one name agree on its label."""
    people = {folded for folded, group in groups.items() if _a_surname(group)}
    for group in groups.values():
        words = _pick_name(group.forms).split()
        if not 2 <= len(words) <= 3 or fold(words[-1]) not in people or "PERSON" in group.votes:
            continue
        if words[-1].lower() in _HEAD_LABELS or not all(w[:1].isupper() for w in words):
            continue
        if not _known_place(" ".join(words), gazetteer):
            group.votes = Counter({"PERSON": group.count})


def _person_clusters(
    groups: dict[str, _Group], gazetteer: Gazetteer | None = None
) -> list[tuple[list[_Group], list[_Group]]]:
    """Full names of one person clustered, each with the bare surnames that join it.

    A cluster is (full-name groups, bare-surname groups). Full names join when their
    surnames are equal and first names compatible; a bare surname joins when exactly one
    cluster has that surname and the bare name is not a place or a nationality. With a
    gazetteer, a "place" it does not know, never written after "in" or "near", is the
    person's surname misread ("that Fleck would prefer" after "Coach P.J. Fleck").
    """
    by_surname = _cluster_full_names(groups)
    for folded, group in groups.items():
        clusters = by_surname.get(folded, [])
        if len(clusters) != 1 or group.tokens != 1:
            continue  # no such person, or two ("Carla Brandt", "Otto Brandt"): left alone
        label = vote_label(group.votes, group.single_token)
        if label not in _NOT_A_SURNAME or _misread_surname(label, group, gazetteer):
            clusters[0][2].append(group)
    return [(full, bare) for clusters in by_surname.values() for _, full, bare in clusters]


def _misread_surname(label: str, group: _Group, gazetteer: Gazetteer | None) -> bool:
    if label != "GPE" or gazetteer is None or group.after_in:
        return False
    return not _known_place(_pick_name(group.forms), gazetteer)


def _acronym_clusters(
    groups: dict[str, _Group], merged: set[int]
) -> list[tuple[list[_Group], list[_Group]]]:
    """An acronym with the one longer name in the article whose initials it spells
    ("UN" with "United Nations"): (full-name group, acronym group) pairs."""
    by_initials: dict[str, list[_Group]] = {}
    for group in groups.values():
        if id(group) not in merged and group.tokens > 1:
            by_initials.setdefault(initials(_pick_name(group.forms)), []).append(group)
    clusters = []
    for group in groups.values():
        name = _pick_name(group.forms)
        if id(group) in merged or not _ACRONYM_RE.match(name):
            continue
        expansions = by_initials.get(name.replace(".", ""), [])
        if len(expansions) == 1 and vote_label(expansions[0].votes) != "PERSON":
            clusters.append((expansions, [group]))
            merged.update((id(group), id(expansions[0])))
    return clusters


def _entity(
    full: list[_Group], bare: list[_Group], gazetteer: Gazetteer | None = None
) -> tuple[int, Entity] | None:
    """The entity of a cluster of groups, and its first position; None for a lone word
    (see :func:`_lone_word`)."""
    members = full + bare
    forms: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    surfaces: dict[str, int] = {}
    for group in full:
        votes.update(group.votes)
    for group in bare:  # a bare surname (or acronym) votes with the full name it joins
        votes[vote_label(votes)] += group.count
    for group in members:
        forms.update(group.forms)
        for surface, position in group.surfaces.items():
            if position < surfaces.get(surface, position + 1):
                surfaces[surface] = position
    label = vote_label(votes, single_token=len(members) == 1 and members[0].single_token)
    name = _pick_name(forms)
    label = repair_label(label, name, members, gazetteer)
    if _lone_word(label, members):
        return None
    entity = Entity(
        name=name,
        key=entity_key(label, name, gazetteer),
        label=label,
        count=sum(group.count for group in members),
        mentions=sorted(surfaces, key=surfaces.__getitem__),
    )
    return min(group.first for group in members), entity


def _lone_word(label: str, members: list[_Group]) -> bool:
    """A one-word "person" named once, after no title and with no full name to join: far
    more often a capitalised word the model misread ("Bugs fixed", "Takin'") than a
    person, whom news names in full or by title ("Mayor Calloway") at least once."""
    if label != "PERSON" or len(members) != 1:
        return False
    group = members[0]
    return group.count == 1 and group.tokens == 1 and not group.after_title


def _common_word(entity: Entity, lowercase: Mapping[str, int]) -> bool:
    """A one-word person or organisation (not a short acronym) whose name the text also
    writes in lower case, at least as often: a capitalised common word, not a name."""
    name = entity.name
    if entity.label not in ("PERSON", "ORG") or " " in name or (name.isupper() and len(name) < 5):
        return False  # an acronym ("NATO") is a name; "ATTEND" may be a shouted word
    return lowercase.get(name.lower(), 0) >= entity.count


def merge_mentions(
    mentions: Iterable[Mention],
    gazetteer: Gazetteer | None = None,
    lowercase: Mapping[str, int] | None = None,
) -> list[Entity]:
    """One :class:`Entity` per real-world entity from (text, label) mentions in order.

    With a gazetteer, place names are grouped, labelled and keyed by their canonical
    name. With the text's ``lowercase`` word counts, a one-word "person" or "organisation"
    written in lower case in the text at least as often is a capitalised common word
    ("State", "Council", "Meth") and dropped; so is a one-word "person" named once after
    no title. Sorted by count descending, then name.
    """
    groups = _group_mentions(mentions, gazetteer)
    _agree_with_people(groups, gazetteer)
    merged: set[int] = set()
    clusters = _person_clusters(groups, gazetteer)
    for full, bare in clusters:
        merged.update(id(group) for group in full + bare)
    clusters += _acronym_clusters(groups, merged)
    clusters += [([g], []) for g in groups.values() if id(g) not in merged]
    entities = [e for full, bare in clusters if (e := _entity(full, bare, gazetteer))]
    if lowercase:
        entities = [item for item in entities if not _common_word(item[1], lowercase)]
    entities.sort(key=lambda item: (-item[1].count, item[1].name, item[0]))
    return [entity for _, entity in entities]
