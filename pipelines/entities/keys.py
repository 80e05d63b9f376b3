"""The keys names are known by: the cross-article identity that the shared registry stores.

:func:`entity_key` turns an entity's name into its key: a person by surname (folded over
transliteration variants, :func:`transliteration_fold`), a place by the gazetteer's
canonical name (:func:`canonical_place`), a company less its legal form
(:func:`without_legal_form`). :func:`place_core` finds the place a place name points into
("southern Ukraine" is Ukraine). No model is needed here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.article import Entity
from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import us_states
from pipelines.entities.names import normalise_name, person_parts

if TYPE_CHECKING:  # annotations only: the recognizer passes its gazetteer in
    from pipelines.entities.gazetteer import Gazetteer

#: Labels of places: keyed by the gazetteer's canonical name, and (see
#: :func:`pipelines.entities.labels.vote_label`) preferred to ORG for a single-token name.
PLACE_LABELS = frozenset({"GPE", "LOC"})

# Legal forms after a company's name; "Lowe's Companies Inc." is Lowe's.
_LEGAL_FORM_RE = re.compile(
    r"(?:-(?:companies|company|group|holdings))?"
    r"-(?:inc|incorporated|corp|corporation|co|ltd|limited|llc|plc|ag|sa|gmbh)$"
)
# Romanisations of one Slavic ending: Yanukovych/Yanukovich, Zelenskyy/Zelenskiy/Zelenskii.
_TRANSLIT_ENDINGS = (
    (re.compile(r"ych$"), "ich"),
    (re.compile(r"(?<=[a-z])(?:iy|yy|ii|ij|yj)$"), "y"),
)

# --- places: a direction or a generic word around a place's name ---------------------
# "southern Ukraine", "north-west England", "Greater London": Ukraine, England, London.
_DIRECTION_RE = re.compile(
    r"^((?:north|south)(?:[- ]?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|central|greater)\s+",
    re.IGNORECASE,
)
# "Zabul province", "the Donetsk region": a lower-case generic word is no part of the name.
# "Inner Mongolia Autonomous Region", "Macau Special Administrative Region": the status
# of a region, written capitalised, is no part of its name either.
_GENERIC_PLACE_SUFFIX_RE = re.compile(
    r"\s+(?:province|region|oblast|governorate|prefecture|district"
    r"|(?:Autonomous|Special Administrative) (?:Region|Republic|Prefecture|Oblast|Okrug))$"
)
# Continents keep their compass word: "South America" is not the United States ("America").
_CONTINENTS = frozenset({"america", "americas", "africa", "asia", "europe", "oceania"})


def place_core(name: str, gazetteer: Gazetteer | None) -> str:
    """The place a place name points into: "southern Ukraine", "the Donetsk region" and
    "Greater London" are Ukraine, Donetsk and London.

    A lower-case compass word is never part of a name and always goes. A capitalised one
    is part of the name ("South Africa", "West Midlands", "Western Cape") unless the whole
    is no known place and the rest is a known country ("Eastern or Southern Ukraine") or a
    US state ("Northern Virginia", "West Texas": the parts of a state American copy names
    so), or, after "Greater", a known city. Continents keep theirs ("South America").
    """
    name = _GENERIC_PLACE_SUFFIX_RE.sub("", name) or name
    match = _DIRECTION_RE.match(name)
    rest = name[match.end() :] if match else ""
    if not match or not rest or fold(rest) in _CONTINENTS:
        return name
    if match.group(1).islower():
        return rest
    if gazetteer is None or gazetteer.lookup(fold(name)) is not None:
        return name
    place = gazetteer.lookup(fold(rest))
    if match.group(1).lower() == "greater":
        return rest if place is not None and place.kind == "city" else name
    if place is not None and (place.kind == "country" or rest in us_states()):
        return rest
    return name


# --- keys --------------------------------------------------------------------------------


def canonical_place(name: str, gazetteer: Gazetteer | None) -> str | None:
    """The gazetteer's name for a place ("Kiev" -> "Kyiv"), None if it is not one."""
    place = gazetteer.lookup(fold(name)) if gazetteer is not None else None
    return place.name if place is not None else None


def entity_key(label: str, name: str, gazetteer: Gazetteer | None = None) -> str:
    """The cross-article identity: "person:<surname>" or "<label>:<folded name>".

    Surnames are folded over transliteration variants; places take the gazetteer's
    canonical name, so "Kiev" and "Kyiv", "U.S." and "United States" key alike.
    """
    if label == "PERSON":
        return "person:" + transliteration_fold(person_parts(name)[1])
    if label in PLACE_LABELS and (canonical := canonical_place(name, gazetteer)):
        name = canonical
    folded = fold(name)
    return f"{label.lower()}:{without_legal_form(folded) if label == 'ORG' else folded}"


def without_legal_form(folded: str) -> str:
    """A folded company name less its legal form: "home-depot-inc" -> "home-depot"."""
    return _LEGAL_FORM_RE.sub("", folded) or folded


def transliteration_fold(folded: str) -> str:
    """One spelling for the romanisations of a folded name: "yanukovych" -> "yanukovich"."""
    for pattern, replacement in _TRANSLIT_ENDINGS:
        folded = pattern.sub(replacement, folded)
    return folded


def normalise_key(key: str) -> str:
    """A key as a person may type it, folded as keys are: "person:Yanukovych" ->
    "person:yanukovich"; "GPE:New York" -> "gpe:new-york"."""
    label, _, name = key.strip().partition(":")
    if label.lower() == "person":
        return "person:" + transliteration_fold(fold(name))
    return f"{label.lower()}:{fold(name)}"


def variant_keys(entity: Entity) -> set[str]:
    """The keys the entity's other spellings would get on their own ("org:un" for the
    United Nations, "gpe:kiev" for Kyiv): aliases for the shared registry."""
    keys = {
        entity_key(entity.label, name)
        for mention in entity.mentions
        if (name := normalise_name(mention, entity.label)) and fold(name)
    }
    keys.discard(entity.key)
    return keys
