"""Merging an article's mentions into one :class:`Entity` per real-world entity.

Mentions are grouped by folded name (:mod:`pipelines.entities.mentions`); a person's full
names cluster by surname with compatible first names, and a bare surname joins the one
such cluster; an acronym joins the one longer name whose initials it spells, and a
short name the one organisation whose name starts with it ("Alden", "Alden Capital"). Each
entity's label is decided in :mod:`pipelines.entities.labels`. A one-word "person" named
once (or twice, with a name no locale gives people) and after no title is a misread word
and dropped, as is a one-word "place" that is no known town and is never written where a
place is.

Pure Python and linear in the number of mentions: every step is a dict look-up keyed on a
folded name or a surname, never a comparison of all pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from pipelines.article import Entity
from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.keys import entity_key, transliteration_fold
from pipelines.entities.labels import (
    HEAD_LABELS,
    agree_with_people,
    products_of_makers,
    repair_label,
    vote_label,
)
from pipelines.entities.mentions import (
    Mention,
    MentionGroup,
    group_mentions,
    known_place,
    pick_name,
)
from pipelines.entities.names import first_names_compatible, given_names, initials, person_parts
from pipelines.entities.people_names import given_names as locale_names

# Labels of a bare name that is not a person's surname, even when a person has it.
_NOT_A_SURNAME = frozenset({"GPE", "LOC", "FAC", "NORP"})

_ACRONYM_RE = re.compile(r"^(?:[A-Z]\.?){2,6}$")
#: Last words of what an organisation runs or holds under its name, not a longer name of
#: it: "UEFA Nations League", "U.S. House Intelligence Committee", "AFC West".
_NOT_A_LONGER_NAME = frozenset(
    {"league", "conference", "division", "series", "tour", "open", "trophy", "committee"}
    | {"subcommittee", "desk", "office", "unit", "bureau", "panel", "caucus", "chapter"}
    | {"branch", "wing", "west", "east", "north", "south"}
)
#: Words after a place's name in the name of one of its bodies: "Berrien County Health
#: Department", "Brackwater Fire and Rescue Service" are not "Berrien County"'s or
#: "Brackwater"'s longer names.
_BODIES_OF_A_PLACE = frozenset(
    {"county", "city", "borough", "town", "village", "council", "police", "fire", "state"}
    | {"department", "university", "college", "school", "schools", "district", "board"}
    | {"health", "public", "regional", "municipal", "metropolitan", "area", "chamber"}
    | {"port", "harbour", "harbor", "airport", "hospital", "water", "transit", "community"}
)

# A person being clustered: (given names seen, full-name groups, bare surnames).
_Cluster = tuple[set[str], list[MentionGroup], list[MentionGroup]]


def _initials_spelt_out(names: set[str]) -> set[str]:
    return {a for a in names if len(a) == 1 and any(len(b) > 1 and b[0] == a for b in names)}


def _cluster_full_names(groups: dict[str, MentionGroup]) -> dict[str, list[_Cluster]]:
    """Multi-token PERSON names by surname, those with compatible first names together."""
    by_surname: dict[str, list[_Cluster]] = {}
    for group in groups.values():
        if group.tokens < 2 or vote_label(group.votes) != "PERSON":
            continue
        name = pick_name(group.forms)
        surname, givens = person_parts(name)[1], given_names(name)
        # One surname romanised two ways ("Zelenskiy", "Zelensky") is one person's.
        clusters = by_surname.setdefault(transliteration_fold(surname), [])
        for seen, full, _bare in clusters:
            if any(first_names_compatible(a, b) for a in seen for b in givens):
                full.append(group)
                seen.update(givens)
                seen.difference_update(_initials_spelt_out(seen))  # "s" gives way to "sergey"
                break
        else:
            clusters.append((givens, [group], []))
    return by_surname


def _person_clusters(
    groups: dict[str, MentionGroup], gazetteer: Gazetteer | None = None
) -> list[tuple[list[MentionGroup], list[MentionGroup]]]:
    """Full names of one person clustered, each with the bare surnames that join it.

    A cluster is (full-name groups, bare-surname groups). Full names join when their
    surnames are equal and first names compatible; a bare surname joins when exactly one
    cluster has that surname and the bare name is not a place or a nationality; a bare
    "person" that is no one's surname joins the one cluster with that first name. With a
    gazetteer, a "place" it does not know, seldom written after "in" or "near", is the
    person's surname misread ("that Fleck would prefer" after "Coach P.J. Fleck").
    """
    by_surname = _cluster_full_names(groups)
    by_given: dict[str, list[_Cluster]] = {}
    for clusters in by_surname.values():
        for cluster in clusters:
            for given in cluster[0]:
                by_given.setdefault(given, []).append(cluster)
    for group in groups.values():
        if group.tokens != 1:
            continue
        # The name as written: a place's group is keyed by its place ("Feng", "Fengcheng").
        folded = fold(pick_name(group.forms))
        clusters = by_surname.get(transliteration_fold(folded), [])
        label = vote_label(group.votes, group.single_token)
        if not clusters and label in ("PERSON", "ORG") and len(by_given.get(folded, [])) == 1:
            # "LeBron" after "LeBron James", "Steve" after "Steve Jobs": the one person
            # of the text with that first name.
            by_given[folded][0][2].append(group)
            continue
        if len(clusters) != 1:
            continue  # no such person, or two ("Carla Brandt", "Otto Brandt"): left alone
        if label not in _NOT_A_SURNAME or _misread_surname(label, group, gazetteer):
            clusters[0][2].append(group)
    return [(full, bare) for clusters in by_surname.values() for _, full, bare in clusters]


def _misread_surname(label: str, group: MentionGroup, gazetteer: Gazetteer | None) -> bool:
    # Mostly after "in", "near"...: a place; once ("talks between Sondland and Taylor"): no.
    if label != "GPE" or gazetteer is None or 2 * group.after_in >= group.count:
        return False
    place = gazetteer.lookup(fold(pick_name(group.forms)))
    # A town's name never written where a place is ("Warren was under attack" after
    # "Elizabeth Warren") is the person's; a country or a region stays what it is.
    return place is None or (place.kind == "city" and group.after_in == 0)


def _acronym_clusters(
    groups: dict[str, MentionGroup], merged: set[int]
) -> list[tuple[list[MentionGroup], list[MentionGroup]]]:
    """An acronym with the one longer name in the article whose initials it spells
    ("UN" with "United Nations"): (full-name group, acronym group) pairs."""
    by_initials: dict[str, list[MentionGroup]] = {}
    for group in groups.values():
        if id(group) not in merged and group.tokens > 1:
            by_initials.setdefault(initials(pick_name(group.forms)), []).append(group)
    clusters = []
    for group in groups.values():
        name = pick_name(group.forms)
        if id(group) in merged or not _ACRONYM_RE.match(name):
            continue
        expansions = by_initials.get(name.replace(".", ""), [])
        if len(expansions) == 1 and vote_label(expansions[0].votes) != "PERSON":
            clusters.append((expansions, [group]))
            merged.update((id(group), id(expansions[0])))
    return clusters


def _short_name_clusters(
    groups: dict[str, MentionGroup], merged: set[int], gazetteer: Gazetteer | None
) -> list[tuple[list[MentionGroup], list[MentionGroup]]]:
    """A name that is the first words of the one organisation's longer name in the
    article ("Alden" after "Alden Capital", "New Media" after "New Media Investment
    Group"), and not a place ("New York" of "New York Times"), or the words after the
    place that starts it ("Times" after "Los Angeles Times", "Wild" after "Minnesota
    Wild"): (full, short) pairs."""
    by_part: dict[str, list[MentionGroup]] = {}
    for group in groups.values():
        words = pick_name(group.forms).split()
        if id(group) in merged or len(words) < 2 or vote_label(group.votes) != "ORG":
            continue
        last = words[-1].lower()
        if HEAD_LABELS.get(last, "ORG") != "ORG" or last in _NOT_A_LONGER_NAME:
            continue  # "United Nations Charter", "UEFA Nations League": not UEFA's longer name
        for cut in range(1, len(words)):
            head = " ".join(words[:cut])
            if words[cut].lower() not in _BODIES_OF_A_PLACE:  # "Brackwater Borough Council"
                by_part.setdefault(fold(head), []).append(group)
            if known_place(head, gazetteer):
                by_part.setdefault(fold(" ".join(words[cut:])), []).append(group)
    clusters = []
    for folded, group in groups.items():
        longer = by_part.get(folded, [])
        if id(group) in merged or len(longer) != 1 or longer[0] is group:
            continue
        if id(longer[0]) in merged or vote_label(group.votes) in ("NORP", "PERSON"):
            continue  # "Russian" of "Russian Defense Ministry" is a nationality
        if group.after_in or known_place(pick_name(group.forms), gazetteer):
            continue  # "in Brackwater": a place, whose fire service has its name
        clusters.append((longer, [group]))
        merged.update((id(group), id(longer[0])))
    return clusters


def _entity(
    full: list[MentionGroup],
    bare: list[MentionGroup],
    gazetteer: Gazetteer | None = None,
    teams: Mapping[str, int] | None = None,
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
    name = pick_name(forms)
    label = repair_label(label, name, members, gazetteer)
    count = sum(group.count for group in members)
    if label == "GPE" and teams and 2 * teams.get(fold(name), 0) > count:
        # A town or state mostly written as a team ("Columbus beat Montreal"); a country
        # so written ("Russia beat Spain") is its national side, read as the country.
        place = gazetteer.lookup(fold(name)) if gazetteer is not None else None
        label = label if place is not None and place.kind == "country" else "ORG"
    if _lone_word(label, members):
        return None
    if label == "GPE" and _nowhere(name, members, gazetteer):
        return None
    entity = Entity(
        name=name,
        key=entity_key(label, name, gazetteer),
        label=label,
        count=count,
        mentions=sorted(surfaces, key=surfaces.__getitem__),
    )
    return min(group.first for group in members), entity


def _nowhere(name: str, members: list[MentionGroup], gazetteer: Gazetteer | None) -> bool:
    """A one-word "place" that is no town of 15,000 people or more and that the text
    never writes where a place is written (after "in", "from", "of"..., or opening a
    line): a brand, a product, a first name the model took for a place ("Lucasfilm",
    "Siri", "Regan", "the Cenozoic"), not a town. (A town the words around it name as
    one, "a Wantagh man", is written where a place is: see :mod:`pipelines.entities.context`.)"""
    if gazetteer is None or " " in name or gazetteer.knows_town(fold(name)):
        return False
    return not any(group.after_place_cue for group in members)


def _lone_word(label: str, members: list[MentionGroup]) -> bool:
    """A one-word "person" named once, or twice with a name no locale gives people, after
    no title and with no full name to join: far more often a capitalised word the model
    misread ("Bugs fixed", "Takin'") or a game's character than a person, whom news names
    in full or by title ("Mayor Calloway") at least once."""
    if label != "PERSON" or len(members) != 1:
        return False
    group = members[0]
    if group.tokens != 1 or group.after_title:
        return False
    named_twice = group.count == 2 and not locale_names().knows(pick_name(group.forms))
    return group.count == 1 or named_twice


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
    teams: Mapping[str, int] | None = None,
) -> list[Entity]:
    """One :class:`Entity` per real-world entity from (text, label) mentions in order.

    With a gazetteer, place names are grouped, labelled and keyed by their canonical
    name. With the text's ``lowercase`` word counts, a one-word "person" or "organisation"
    written in lower case in the text at least as often is a capitalised common word
    ("State", "Council", "Meth") and dropped; so is a one-word "person" named once after
    no title, or twice with a name no locale gives people. A place the text mostly writes
    as a team (``teams``: folded name -> such mentions) is an organisation. Sorted by
    count descending, then name.
    """
    groups = group_mentions(mentions, gazetteer)
    agree_with_people(groups, gazetteer)
    products_of_makers(groups, gazetteer)
    merged: set[int] = set()
    clusters = _person_clusters(groups, gazetteer)
    for full, bare in clusters:
        merged.update(id(group) for group in full + bare)
    clusters += _acronym_clusters(groups, merged)
    clusters += _short_name_clusters(groups, merged, gazetteer)
    clusters += [([g], []) for g in groups.values() if id(g) not in merged]
    entities = [e for full, bare in clusters if (e := _entity(full, bare, gazetteer, teams))]
    if lowercase:
        entities = [item for item in entities if not _common_word(item[1], lowercase)]
    entities.sort(key=lambda item: (-item[1].count, item[1].name, item[0]))
    return [entity for _, entity in entities]
