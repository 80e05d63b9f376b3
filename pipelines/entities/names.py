"""Names in entity mentions: tidying a mention into a name, and the keys names are known by.

A mention is cleaned (:func:`clean_surface`), stripped of titles (:func:`normalise_name`)
and folded to a lowercase ASCII identity (:func:`fold`); :func:`entity_key` turns a name
into the cross-article key that the shared registry stores. No model is needed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from pipelines.article import Entity
from pipelines.entities.folding import fold as fold  # re-exported: callers import it from here
from pipelines.entities.language import english_stop_words

if TYPE_CHECKING:  # annotations only: the recognizer passes its gazetteer in
    from pipelines.entities.gazetteer import Gazetteer

#: Labels of places: keyed by the gazetteer's canonical name, and (see
#: :func:`pipelines.entities.labels.vote_label`) preferred to ORG for a single-token name.
PLACE_LABELS = frozenset({"GPE", "LOC"})

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
_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"['’]s$")  # a trailing lone ' goes with the punctuation
_WS_RE = re.compile(r"\s+")
_LEAD_RE = re.compile(r"^[\W_]+")
_TRAIL_RE = re.compile(r"[\W_]+$")
# A final "." that belongs to the name: "U.S.", "Sergey V.", "Acme Inc.", "Jr.".
_KEEP_DOT_RE = re.compile(r"(?:(?:^|[\s.])[A-Za-z]|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|Bros|St|Mt))\.$")
_URL_RE = re.compile(r"(?:https?:|www\.|\.(?:com|org|net)\b)", re.IGNORECASE)  # not "AC/DC"
# Legal forms after a company's name; "Lowe's Companies Inc." is Lowe's.
_LEGAL_FORM_RE = re.compile(
    r"(?:-(?:companies|company|group|holdings))?"
    r"-(?:inc|incorporated|corp|corporation|co|ltd|limited|llc|plc|ag|sa|gmbh)$"
)
_INITIAL_RE = re.compile(r"^[A-Za-z]\.?$")
# A bracket opened and never closed in a mention ("Shanghai Composite (SHCOMP"): the model
# cut the span inside the brackets, which are no part of the name.
_UNCLOSED_BRACKET_RE = re.compile(r"\s*[(\[][^)\]]*$")
# A reference number ("FHC/ABJ/03/095/2018"): a word with digits and two or more slashes.
_CODE_RE = re.compile(r"(?=\S*\d)\S*/\S*/")
#: Names of sites a page offers to share it on; a span made only of them is the row of
#: share buttons ("Twitter Facebook Reddit Pinterest"), not a name.
SHARE_TARGETS = frozenset(
    {"twitter", "facebook", "reddit", "pinterest", "linkedin", "whatsapp", "tumblr", "email"}
    | {"e-mail", "telegram", "flipboard", "messenger", "instagram", "youtube", "print", "share"}
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# "pro-Kiev", "anti-Kremlin", "ex-Soviet": adjectives built on a name, not the name.
_PREFIXED_RE = re.compile(r"^(?:pro|anti|ex|non|post|pre|neo)-", re.IGNORECASE)
# Romanisations of one Slavic ending: Yanukovych/Yanukovich, Zelenskyy/Zelenskiy/Zelenskii.
_TRANSLIT_ENDINGS = (
    (re.compile(r"ych$"), "ich"),
    (re.compile(r"(?<=[a-z])(?:iy|yy|ii|ij|yj)$"), "y"),
)
# An East Asian name written surname first: "Ban Ki-moon", "Kim Jong-un" (a hyphenated
# given name with a lower-case second half).
_GIVEN_NAME_LAST_RE = re.compile(r"^[A-Z][a-z]+-[a-z]+$")
_INITIALS_SKIP = frozenset({"of", "and", "the", "for", "&", "de", "on", "in"})
# Lower-case words that belong to a person's name ("Charles de Gaulle", "Osama bin Laden");
# any other lower-case word in a PERSON span is a role before the name ("Fisheries officer").
_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "der", "den", "des", "du", "do", "dos", "das", "van"}
    | {"von", "la", "le", "bin", "ibn", "binti", "al", "el", "ul", "y", "e", "ter", "ten", "zu"}
)
_PARTICLE_PREFIX_RE = re.compile(r"^(?:al|el|ul|ad|as|ash|at|az|ben|bin|d|l)[-’']")

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


# --- normalising -------------------------------------------------------------------------


def _strip_punctuation(text: str) -> str:
    text = _LEAD_RE.sub("", text)
    stripped = _TRAIL_RE.sub("", text)
    if text[len(stripped) :].startswith(".") and _KEEP_DOT_RE.search(stripped + "."):
        stripped += "."
    return stripped


def clean_surface(text: str) -> str:
    """A mention as it appeared, tidied: whitespace collapsed, quotes and possessive gone."""
    text = _strip_punctuation(_WS_RE.sub(" ", text).strip())
    text = _strip_punctuation(_UNCLOSED_BRACKET_RE.sub("", text) or text)
    return _strip_punctuation(_POSSESSIVE_RE.sub("", text))


def normalise_name(text: str, label: str = "") -> str:
    """The name in a mention: :func:`clean_surface` less a leading "the " and titles.

    Empty when nothing but a title is left ("the President").
    """
    name = _THE_RE.sub("", clean_surface(text))
    titles = _PERSON_TITLE_RE if label == "PERSON" else _TITLE_RE
    stripped = titles.sub("", name + " ").strip()
    if label == "PERSON" and stripped:  # titles first: "Secretary of State" has an "of"
        stripped = titles.sub("", without_role(stripped) + " ").strip()
    if not stripped and len(name) <= 3:  # "Sen" (Amartya Sen), not a lone "Sen."
        return name
    return _strip_punctuation(stripped) if stripped else ""


def is_title(word: str) -> bool:
    """Whether a word is a title that goes before a person's name ("ms.", "Mayor")."""
    return bool(_PERSON_TITLE_RE.match(word + " "))


def is_whole_title(words: str) -> bool:
    """Whether the words are a title and nothing else ("Secretary of State")."""
    match = _PERSON_TITLE_RE.match(words + " ")
    return match is not None and match.end() == len(words) + 1


def without_trailing_titles(name: str) -> str:
    """An organisation's name less a title written after it: "House of Representatives
    Speaker" (before the speaker's name) is the House of Representatives."""
    tokens = name.split()
    while len(tokens) > 1 and is_title(tokens[-1]):
        tokens.pop()
    return " ".join(tokens)


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


def place_core(name: str, gazetteer: Gazetteer | None) -> str:
    """The place a place name points into: "southern Ukraine", "the Donetsk region" and
    "Greater London" are Ukraine, Donetsk and London.

    A lower-case compass word is never part of a name and always goes. A capitalised one
    is part of the name ("South Africa", "West Midlands", "Western Cape") unless the whole
    is no known place and the rest is a known country ("Eastern or Southern Ukraine"), or,
    after "Greater", a known city. Continents keep theirs ("South America").
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
    wanted = "city" if match.group(1).lower() == "greater" else "country"
    return rest if place is not None and place.kind == wanted else name


def is_name(name: str) -> bool:
    """False for what cannot be a name: no letter at all, a lone stop word ("We"), an
    adjective on a name ("pro-Kiev"), a web address, a reference number or a row of
    share buttons."""
    if not any(c.isalpha() for c in name) or _PREFIXED_RE.match(name) or _URL_RE.search(name):
        return False
    if _CODE_RE.search(name) or is_share_row(name) or name.lower() in COMMON_ABBREVIATIONS:
        return False
    acronym = len(name) > 1 and name.isupper()  # "US" is a country, "us" a stop word
    return " " in name or acronym or name.lower() not in english_stop_words()


#: Abbreviations of common nouns, which the model takes for organisations' acronyms.
COMMON_ABBREVIATIONS = frozenset(
    {"ipo", "gdp", "gnp", "cpi", "ceo", "cfo", "coo", "cto", "rrp", "msrp", "vat", "etf", "atm"}
    | {"rss", "faq", "pdf", "url", "html", "usb", "gps", "suv", "led", "lcd", "oled", "sms"}
    | {"api", "vpn", "diy", "tbc", "tba", "asap", "fyi", "aka", "rip", "ps", "hr", "it"}
    | {"q&a", "eta", "mvp", "vip", "dna", "rna", "iq", "pin", "am", "pm", "ad"}
)


def is_share_row(name: str) -> bool:
    """Two or more :data:`SHARE_TARGETS` and nothing else: "Twitter Facebook Reddit"."""
    words = name.lower().split()
    return len(words) > 1 and all(word in SHARE_TARGETS for word in words)


def person_parts(name: str) -> tuple[str, str]:
    """(folded first name, folded surname) of a person's name; first is "" for one token.

    Middle initials and suffixes (Jr., III) are ignored: "Sergey V. Lavrov" is
    ("sergey", "lavrov").
    """
    tokens = name.split()
    while len(tokens) > 1 and fold(tokens[-1]) in _SUFFIXES:
        tokens.pop()
    if len(tokens) == 2 and _GIVEN_NAME_LAST_RE.match(tokens[1]):
        return fold(tokens[1]), fold(tokens[0])
    if len(tokens) == 1:
        return "", fold(tokens[0])
    middle_dropped = [tokens[0]] + [t for t in tokens[1:-1] if not _INITIAL_RE.match(t)]
    return fold(middle_dropped[0]), fold(tokens[-1])


def first_names_compatible(a: str, b: str) -> bool:
    """Whether two folded first names can be one person's: an initial, or one spelling.

    "" (none) or "s" fits "sergey"; "sergey" fits "sergei" and "mikhail" fits "mihail"
    (a shared 3-letter prefix or near-equal spelling); "alex" fits "alexander";
    "joe" does not fit "jill".
    """
    if not a or not b:
        return True
    if a[0] != b[0]:
        return False
    if len(a) == 1 or len(b) == 1 or a[:3] == b[:3]:
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def transliteration_fold(folded: str) -> str:
    """One spelling for the romanisations of a folded name: "yanukovych" -> "yanukovich"."""
    for pattern, replacement in _TRANSLIT_ENDINGS:
        folded = pattern.sub(replacement, folded)
    return folded


def given_names(name: str) -> set[str]:
    """Folded names before the surname, initials left out: "Tomas Peter Vell" has
    {"tomas", "peter"}, so that it can join "Tomas Vell" and "Peter Vell"."""
    tokens = name.split()
    if len(tokens) == 2 and _GIVEN_NAME_LAST_RE.match(tokens[1]):
        return {fold(tokens[1])}
    givens = {fold(t) for t in tokens[:-1] if not _INITIAL_RE.match(t) and fold(t) not in _SUFFIXES}
    return givens or {person_parts(name)[0]}


def initials(name: str) -> str:
    """ "UN" for "United Nations", "IMF" for "International Monetary Fund"."""
    words = name.replace("-", " ").split()
    return "".join(
        w[0].upper() for w in words if w.lower() not in _INITIALS_SKIP and w[0].isalpha()
    )


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
