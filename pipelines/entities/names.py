"""Names in entity mentions: tidying a mention into a name, and a person's name into its parts.

A mention is cleaned (:func:`clean_surface`), stripped of titles (:func:`normalise_name`,
with the word lists of :mod:`pipelines.entities.titles`) and folded to a lowercase ASCII
identity (:func:`pipelines.entities.folding.fold`); a person's name is split into first
name and surname (:func:`person_parts`). The keys names are known by are in
:mod:`pipelines.entities.keys`. No model is needed here.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from pipelines.entities.folding import fold
from pipelines.entities.language import english_stop_words
from pipelines.entities.outlets import cited_site
from pipelines.entities.titles import without_role, without_titles

# "the" in any case; a lower-case "a" or "an" the model took in ("a White House official").
_THE_RE = re.compile(r"^(?:(?i:the)|an?)\s+")
_POSSESSIVE_RE = re.compile(r"['’]s$")  # a trailing lone ' goes with the punctuation
_WS_RE = re.compile(r"\s+")
_LEAD_RE = re.compile(r"^[\W_]+")
_TRAIL_RE = re.compile(r"[\W_]+$")
# A final "." that belongs to the name: "U.S.", "Sergey V.", "Acme Inc.", "Jr.".
_KEEP_DOT_RE = re.compile(r"(?:(?:^|[\s.])[A-Za-z]|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|Bros|St|Mt))\.$")
_URL_RE = re.compile(r"(?:https?:|www\.|\.(?:com|org|net)\b)", re.IGNORECASE)  # not "AC/DC"
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
# An East Asian name written surname first: "Ban Ki-moon", "Kim Jong-un" (a hyphenated
# given name with a lower-case second half).
_GIVEN_NAME_LAST_RE = re.compile(r"^[A-Z][a-z]+-[a-z]+$")
_INITIALS_SKIP = frozenset({"of", "and", "the", "for", "&", "de", "on", "in"})
#: A score or tally after a name in a results list: "6-4", "1-0", "3–2".
_SCORE_RE = re.compile(r"^\(?\d+[-–]\d+\)?[.,;:]?$")
#: Any word with a digit: a person's or a place's name has none ("12", "2016", "6-2").
_FIGURE_RE = re.compile(r"^\S*\d\S*$")
_NEVER_NUMBERED = frozenset({"PERSON", "GPE", "LOC", "NORP"})
#: Lower-case words no name ends in: the model ran on into the next words.
_DANGLING_WORDS = frozenset(
    {"and", "or", "of", "the", "for", "to", "in", "on", "at", "&", "that", "which", "who"}
)

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
    """The name in a mention: :func:`clean_surface` less a leading article, titles, and
    what follows a name in a results list (:func:`without_trailing_figures`).

    Empty when nothing but a title is left ("the President").
    """
    name = without_trailing_figures(_THE_RE.sub("", clean_surface(text)), label)
    person = label == "PERSON"
    if person:  # "READ Hoenig", "COO Prusch", "NBA Commissioner Adam Silver"
        name = _SHOUTED_BEFORE_RE.sub("", name)
    stripped = without_titles(name, person)
    if person and stripped:  # titles first: "Secretary of State" has an "of"
        stripped = without_titles(without_role(stripped), person)
    if not stripped and len(name) <= 3:  # "Sen" (Amartya Sen), not a lone "Sen."
        return name
    return _strip_punctuation(stripped) if stripped else ""


def without_trailing_figures(name: str, label: str = "") -> str:
    """A name less the score, count or year the model ran into it ("Nicolas Jarry 6-4",
    "Adrianna Knight 12", "Melbourne 1-0", "Holcomb's 2016") and a joining word left
    dangling ("the Sabres and"). Only a score goes from an organisation's name, whose
    number can be its own ("Channel 4", "Formula 1")."""
    words = name.split()
    figure = _FIGURE_RE if label in _NEVER_NUMBERED else _SCORE_RE
    kept = len(words)
    while kept > 1 and (figure.match(words[kept - 1]) or words[kept - 1] in _DANGLING_WORDS):
        kept -= 1
    return name if kept == len(words) else clean_surface(" ".join(words[:kept]))


#: A word in capitals before a person's name, an acronym or a shouted word, not the
#: initials of a given name ("TJ Watt", "AJ Styles"): no part of the name.
_SHOUTED_BEFORE_RE = re.compile(r"^[A-Z]{3,}\s+(?=[A-Z][a-z])")
#: What no person's name holds: a colon, a bar, a slash, an at sign, a dash between
#: words, a comma but before a suffix ("Win, Mac" of a download link, "Guide - FastCo -
#: LifeHack Top Image: Creativa" of a credit line; not "Martin Luther King, Jr.").
_NOT_IN_A_PERSONS_NAME = re.compile(r"[:|/@&+=]|\s[-–—]\s|,(?!\s*(?:Jr|Sr|II|III|IV)\b)")


def is_persons_name(name: str) -> bool:
    """Whether ``name`` is written as a person's name can be (see above)."""
    return not _NOT_IN_A_PERSONS_NAME.search(name)


def is_name(name: str) -> bool:
    """False for what cannot be a name: no letter at all, a lone stop word ("We"), an
    adjective on a name ("pro-Kiev"), a web address (but a site cited by its bare
    address, "Moneycontrol.com"), a reference number or a row of share buttons."""
    if not any(c.isalpha() for c in name) or _PREFIXED_RE.match(name):
        return False
    if _URL_RE.search(name) and not cited_site(name):
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
    | {"ev", "evs", "awd", "rwd", "fwd", "4wd", "hev", "phev", "ai", "vr"}
    # Time zones, and what sports and chat copy abbreviates (touchdown, not ranked, overtime,
    # direct message).
    | {"gmt", "utc", "bst", "cet", "cest", "est", "edt", "cst", "cdt", "mst", "mdt", "pst"}
    | {"pdt", "ist", "jst", "aest", "aedt", "td", "tds", "nr", "ot", "dm", "dms"}
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
