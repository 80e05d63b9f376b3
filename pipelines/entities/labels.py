"""The label of an entity: its mentions' vote, repaired where the small model misreads.

Each entity's label is the mentions' vote (a single word's GPE or LOC outweighs the
model's fall-back ORG), repaired by the gazetteer, the words before its mentions and the
name's own words: its last word ("Davis Cup", "Quay Street"), a club's words ("FC
Porto"), a model number ("Galaxy S10"), a compass word ("the West Midlands"). The
mentions of one name agree ("Ingrid Calloway" read as a facility is "Mayor Calloway"),
and a maker's name before more words is its product ("Apple AirPods" beside "Apple").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from pipelines.entities.brands import PLATFORMS
from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.keys import PLACE_LABELS
from pipelines.entities.mentions import JOINING_WORDS, MentionGroup, known_place, pick_name
from pipelines.entities.outlets import NEWS_HEADS

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

# The last word of a name says what kind of thing it names ("Davis Cup", "Quay Street",
# "Kelder Reservoir"), whatever label the model gave it; these kinds are never people or
# organisations. (Only ORG and PERSON are relabelled, and not a place the gazetteer knows.)
HEAD_LABELS = {
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
    **dict.fromkeys(("pavilion", "amphitheatre", "amphitheater", "theatre", "theater"), "FAC"),
    **dict.fromkeys(("telescope", "observatory"), "FAC"),
    **dict.fromkeys(
        ("river", "lake", "reservoir", "sea", "ocean", "bay", "mountain", "mountains"), "LOC"
    ),
    **dict.fromkeys(("valley", "canal", "forest", "desert", "peninsula", "gulf"), "LOC"),
    **dict.fromkeys(("charter", "treaty", "constitution", "amendment"), "LAW"),
    # Newspapers ("Hartford Courant", "Kansas City Star"): read as people and places.
    **dict.fromkeys(NEWS_HEADS, "ORG"),
    # Companies and institutions named after people ("Dick Clark Productions", "Walt
    # Disney Studios", "Ceres Robotics Inc."): read as people.
    **dict.fromkeys(
        ("productions", "studios", "records", "entertainment", "pictures", "media"), "ORG"
    ),
    **dict.fromkeys(("holdings", "partners", "ventures", "capital", "labs", "group"), "ORG"),
    **dict.fromkeys(("inc", "inc.", "corp", "corp.", "corporation", "llc", "ltd", "ltd."), "ORG"),
    **dict.fromkeys(("plc", "gmbh", "company", "foundation", "institute", "association"), "ORG"),
    **dict.fromkeys(("airlines", "motors", "industries", "technologies", "robotics"), "ORG"),
    **dict.fromkeys(("aerospace", "pharmaceuticals", "therapeutics", "enterprises"), "ORG"),
    # Trades ("Tequila Works", "JD Gaming", "G2 Esports", "ICICI Securities"): read as people.
    **dict.fromkeys(("works", "gaming", "esports", "software", "interactive", "securities"), "ORG"),
    **dict.fromkeys(("communications", "telecom", "airways", "insurance"), "ORG"),
    **dict.fromkeys(("university", "college"), "ORG"),
    # Stock indexes ("Hang Seng Index", "Shanghai Composite"): traded, not organisations;
    # editions of a product ("Chromecast Ultra", "MacBook Pro").
    **dict.fromkeys(("index", "composite", "pro", "ultra", "mini", "max", "lite"), "PRODUCT"),
    # Craft and editions: "Polar Exploration Rover", "the Founder's Edition".
    **dict.fromkeys(("rover", "lander", "spacecraft", "satellite", "edition"), "PRODUCT"),
}
#: Words of a sports club's name: "FC Porto", "Manchester United", "Penn State" are
#: organisations, though the model reads many as people; no person's name has them.
_CLUB_WORDS = frozenset({"fc", "afc", "cf", "united", "state"})
_CLUB_PREFIXES = frozenset({"fc", "afc", "cf"})
#: Last words of a compass-named thing that is no region: "the West Division" of a league.
_NOT_REGION_HEADS = frozenset({"division", "conference"})
#: Parts of a competition named by a letter: "Group A", "Path C", "Pool B".
_LETTERED_PARTS = frozenset(
    {"group", "pool", "path", "division", "round", "stage", "phase", "section", "zone", "tier"}
)
_LETTER_RE = re.compile(r"^[A-Z]\.?$")
# A model number as a word of a name of two or more: "Galaxy S10", "Airbus A380", "A10
# Fusion", "RAV4 Hybrid" (not an ordinal: "21st Century Fox").
_MODEL_NUMBER_RE = re.compile(r"(?:^|\s)[A-Za-z]+\d+[A-Za-z]?(?:\s|$)")
# Technologies a product's name has in it: "USB Micro-B", "GSM Unlocked Phones", "SIM Card".
_TECHNOLOGIES = frozenset(
    {"usb", "gsm", "sim", "lte", "hdmi", "nfc", "gps", "oled", "led", "lcd", "hdr", "ssd"}
    | {"cpu", "gpu", "ram", "wi-fi", "wifi", "bluetooth", "4k", "5g", "4g", "3g"}
)

#: Lower-case words that organisations' names have ("Reporters without Borders", "Banco
#: de la Nación"); any other ("Jewels after Jewels") makes a title, not a name.
_NAME_JOINERS = JOINING_WORDS | frozenset(
    {"by", "with", "without", "from", "against", "upon", "under", "over", "a", "an", "or"}
    | {"du", "des", "la", "le", "les", "da", "di", "del", "della", "do", "dos", "das", "y"}
    | {"e", "et", "und", "von", "van", "der", "den", "het", "al", "el", "bin", "per", "pour"}
)
COMPASS_WORDS = frozenset(
    {"north", "south", "east", "west", "central", "northeast", "northwest", "southeast"}
    | {"southwest", "north-east", "north-west", "south-east", "south-west"}
)
#: After a compass word, parts of the world that are no region of a country.
_CONTINENTS_AND_OCEANS = frozenset(
    {"africa", "america", "americas", "asia", "europe", "oceania", "antarctica", "pole"}
    | {"atlantic", "pacific", "arctic", "antarctic", "mediterranean", "caribbean", "baltic"}
)

_MISREAD_AS_PLACE = frozenset(
    {("GPE", "ORG"), ("FAC", "ORG"), ("GPE", "FAC"), ("GPE", "EVENT"), ("GPE", "LOC")}
)

#: Labels of one-word names that the model gives to unknown towns ("in Gladstone" as a
#: product); a single word written after "in" is a place whatever the label.
_MISREAD_PLACE_LABELS = frozenset({"PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})


def vote_label(votes: Mapping[str, int], single_token: bool = False) -> str:
    """The majority label; ties go PERSON > GPE > ORG > the rest.

    The small model's ORG is its fall-back for a capitalised word it does not know
    ("Crimea" is ORG in most contexts, GPE after "in"): for a single-token name that is
    not an acronym, one GPE or LOC vote outweighs any number of ORG votes.
    """
    if single_token and votes.get("ORG") and any(votes.get(p) for p in PLACE_LABELS):
        votes = {label: n for label, n in votes.items() if label != "ORG"}
    return min(votes, key=lambda label: (-votes[label], _PRIORITY.get(label, len(_PRIORITY))))


def repair_label(
    label: str, name: str, groups: list[MentionGroup], gazetteer: Gazetteer | None
) -> str:
    """The voted label corrected by the name's last word, its context and the gazetteer.

    A "person" or "organisation" whose last word names a kind of thing ("Davis Cup",
    "Quay Street") is that kind (see ``HEAD_LABELS``), as is a "place" whose last
    word makes it no town ("Kansas City Star", "Moscone Center"); a club's words ("FC Porto",
    "Manchester United", "Penn State") make an organisation. A one-word "person" mostly written
    after "the" ("the Duma") is an organisation; a person or organisation mostly written
    after "in", "near"... ("in Brackwater", "at Hollins Ford") a place; a name the
    gazetteer knows is a GPE unless it is a person's name here ("Jackson" with "Michael
    Jackson" stays a person) or a city mostly written after "the"; a location named by a
    compass word and a name ("the West Midlands") is a region, a GPE.
    """
    place = gazetteer.lookup(fold(name)) if gazetteer is not None else None
    if place is not None and place.kind == "city" and name.isupper():
        place = None  # "DACA" is no spelling of Dhaka ("Daca"): a city's names are words
    head = _kind_by_words(name, gazetteer)
    # A "place" whose last word makes it an organisation ("the Kansas City Star") or a
    # building ("Moscone Center"), or a building that is a newspaper ("Hartford Courant").
    misread = label in ("ORG", "PERSON") or (label, head) in _MISREAD_AS_PLACE
    # "according to The Hollywood Reporter": an outlet, though written like a title.
    misread = misread or (label == "WORK_OF_ART" and name.split()[-1].lower() in NEWS_HEADS)
    if head and misread and place is None:
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
        compass in COMPASS_WORDS
        and rest not in _CONTINENTS_AND_OCEANS
        and rest not in HEAD_LABELS
        and rest not in _NOT_REGION_HEADS
    )


def _kind_by_words(name: str, gazetteer: Gazetteer | None) -> str | None:
    """The label a name's own words give it, or None: its last word ("Davis Cup"), a
    model number ("Galaxy S10"), a part of a competition ("Group A"), a compass word
    after a known place ("Yobe North", a part of Yobe), or a lower-case word that joins
    no name's words ("Jewels after Jewels": a title)."""
    words = name.split()
    if len(words) < 2:
        return None
    if _MODEL_NUMBER_RE.search(name) or any(w.lower() in _TECHNOLOGIES for w in words):
        return "PRODUCT"
    if len(words) == 2 and words[0].lower() in _LETTERED_PARTS and _LETTER_RE.match(words[1]):
        return "EVENT"
    if words[-1].lower() in COMPASS_WORDS and known_place(" ".join(words[:-1]), gazetteer):
        return "GPE"
    if any(word.isalpha() and word.islower() and word not in _NAME_JOINERS for word in words):
        return "WORK_OF_ART"
    club = words[0].lower() in _CLUB_PREFIXES or words[-1].lower() in _CLUB_WORDS
    return HEAD_LABELS.get(words[-1].lower(), "ORG" if club else None)


def _written_as_a_place(label: str, group: MentionGroup) -> bool:
    """A person or organisation (not an acronym, not a platform) mostly named after "in",
    "near"...: a place. A name of two or more words needs two such mentions: "faith in
    Donald Trump"; a platform none ("in Eurogamer's review")."""
    name = pick_name(group.forms)
    if label not in _MISREAD_PLACE_LABELS or name.isupper() or name in PLATFORMS:
        return False
    if label not in ("PERSON", "ORG") and group.tokens > 1:
        return False  # "in Quay Street", "in Red Dead Redemption"
    after = group.after_in if label == "PERSON" else group.after_in_not_at
    return 2 * after > group.count and (group.tokens == 1 or after >= 2)


def _a_surname(group: MentionGroup) -> bool:
    """One word that names a person: after a title ("Mayor Calloway"), or read as a person
    and not mostly after "the" ("the Chronicle")."""
    if group.tokens != 1:
        return False
    person = vote_label(group.votes) == "PERSON" and 2 * group.after_the <= group.count
    return person or 2 * group.after_title > group.count


def agree_with_people(groups: dict[str, MentionGroup], gazetteer: Gazetteer | None) -> None:
    """A name of two or three capitalised words read as something else whose last word
    names a person here ("Ingrid Calloway" as a facility, "Mayor Calloway") is that
    person: the mentions of one name agree on its label."""
    people = {folded for folded, group in groups.items() if _a_surname(group)}
    for group in groups.values():
        words = pick_name(group.forms).split()
        if not 2 <= len(words) <= 3 or fold(words[-1]) not in people or "PERSON" in group.votes:
            continue
        if words[-1].lower() in HEAD_LABELS or not all(w[:1].isupper() for w in words):
            continue
        if not known_place(" ".join(words), gazetteer):
            group.votes = Counter({"PERSON": group.count})


#: Last words of a company's or body's own longer name ("Samsung Electronics", "GE
#: Healthcare", "Disney Channel"), not of a product it makes ("Apple AirPods").
_ORGANISATION_TAILS = frozenset(
    {"electronics", "services", "sports", "music", "network", "networks", "channel"}
    | {"communications", "bank", "financial", "securities", "energy", "health", "healthcare"}
    | {"systems", "solutions", "software", "interactive", "insurance", "investments"}
    | {"management", "operations", "research", "council", "commission", "agency", "ministry"}
    | {"department", "police", "army", "force", "party", "club", "union", "federation"}
    | {"society", "trust", "fund", "exchange", "board", "authority", "administration"}
    | {"court", "office", "league", "conference", "division", "committee", "finance"}
)


def products_of_makers(groups: dict[str, MentionGroup], gazetteer: Gazetteer | None) -> None:
    """An "organisation" named as one of the article's organisations and more capitalised
    words ("Apple AirPods" beside "Apple", "Nissan Connect", "Amazon Alexa") is that
    maker's product; not a part or body of it: its last word says so ("Samsung
    Electronics", "Nissan Sales & Regional Operations"), the words after the maker are a
    place ("Toyota North America"), or the maker's name ends in a company's word
    ("Orrin Motors Leasing"). Nor is a name whose own words already decide what it is
    ("CBS All Access 4K")."""
    makers = {folded for folded, group in groups.items() if vote_label(group.votes) == "ORG"}
    for group in groups.values():
        words = pick_name(group.forms).split()
        if len(words) < 2 or vote_label(group.votes) != "ORG":
            continue
        if not all(w[:1].isupper() for w in words) or words[-1].lower() in _ORGANISATION_TAILS:
            continue
        if _kind_by_words(" ".join(words), gazetteer) is not None:
            continue
        if any(_maker_and_product(words, cut, makers, gazetteer) for cut in range(1, len(words))):
            group.votes = Counter({"PRODUCT": group.count})


def _maker_and_product(
    words: list[str], cut: int, makers: set[str], gazetteer: Gazetteer | None
) -> bool:
    maker, rest = words[:cut], " ".join(words[cut:])
    if fold(" ".join(maker)) not in makers or HEAD_LABELS.get(maker[-1].lower()) == "ORG":
        return False
    return not known_place(rest, gazetteer)
