"""Kinds of line that are never article prose, wherever they stand: share bars, calls to
action, labelled teasers, credits, copyright footers, short parentheticals, version markers,
relative-time stamps, breadcrumbs, bare URLs and section names; with the kinds
``line_features.py`` knows (menu labels, site talk, cut-off teasers, tag counts, bare
timestamps).

Each kind is a predicate ``is_<kind>``; a line's verdict is the kind's name, so renaming a
predicate renames the rule in ``verdicts`` and in the benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.clean.features import (
    is_category_count,
    is_navigation_label,
    is_site_talk,
    is_timestamp,
    is_truncated_teaser,
)
from pipelines.clean.lines import (
    LIMITS,
    Line,
    ends_sentence,
    kept,
    letter_words,
    plain_words,
    words,
)
from pipelines.clean.vocabulary import (
    CALL_TO_ACTION_OPENINGS,
    CALLS_TO_ACTION,
    SHARE_FILLERS,
    SHARE_WORDS,
    TEASER_LABEL,
)

_CREDIT_LABEL = re.compile(
    r"^[(\[]?\s*(?:sources?|photo|photos|photograph|image|images|picture|pictures|credits?"
    r"|caption|file photo|illustration)\s*:",
    re.IGNORECASE,
)
_CREDIT_BY = re.compile(
    r"^[(\[]?\s*(?:additional\s+)?(?:reporting|writing|editing|edited|compiled|produced"
    r"|translated|research|photos?|graphics)\s+by\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|^copyright\b|\bcopyright\W*(?:©\W*)?\d{4}|all rights reserved",
    re.IGNORECASE,
)
_PARENTHETICAL = re.compile(r"^[(\[](.*)[)\]]$")
_VERSION_WORDS = frozenset({"version", "versions", "v", "rev", "revision", "revisions", "vs"})
_RELATIVE_TIME = re.compile(
    r"^\(?(?:(?:updated|posted|published|edited|changed)\s+)?"
    r"(?:about|around|over|under|nearly|almost|less than|more than|some)?\s*"
    r"\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?"
    r"|months?|years?)\s+(?:later|earlier|ago|before|after)\)?$",
    re.IGNORECASE,
)
_GALLERY_COUNTER = re.compile(r"^(?:photo |image |slide )?\d{1,3}\s*(?:of|/)\s*\d{1,3}$", re.I)
_CRUMB_SEPARATOR = re.compile(r"\s+[/|]\s+|\s*[>»›]\s*")
_BARE_URL = re.compile(r"^(?:[\w ]{1,20}:\s*)?(?:https?://|www\.)\S+$", re.IGNORECASE)
_MEDIA_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|bmp|ico|mp4|mp3|webm|m3u8)(?:[?#]\S*)?$", re.IGNORECASE
)


def is_share_bar(text: str) -> bool:
    tokens = [word for word in letter_words(text) if not word.isdigit()]  # share counts
    return (
        0 < len(tokens) <= 2 * LIMITS.chrome_max_words
        and all(word in SHARE_WORDS or word in SHARE_FILLERS for word in tokens)
        and any(word in SHARE_WORDS for word in tokens)
    )


def is_call_to_action(text: str) -> bool:
    phrase = " ".join(letter_words(text))
    if phrase in CALLS_TO_ACTION:
        return True
    return (
        len(words(text)) <= LIMITS.chrome_max_words
        and not ends_sentence(text)
        and phrase.startswith(CALL_TO_ACTION_OPENINGS)
    )


def is_labelled_teaser(text: str) -> bool:
    # "Opinion: ...", "RELATED: ...": a headline behind a label, never a full stop.
    return (
        bool(TEASER_LABEL.match(text))
        and len(words(text)) <= LIMITS.label_max_words
        and not text.endswith(".")
    )


def is_credit(text: str) -> bool:
    """Source, photo and reporting credits: "Source: X", "Reporting by X; Editing by Y"."""
    if _CREDIT_LABEL.match(text):
        return len(words(text)) <= LIMITS.label_max_words
    if _CREDIT_BY.match(text):
        return len(words(text)) <= LIMITS.credit_max_words and (
            ";" in text or text.startswith(("(", "[")) or not ends_sentence(text)
        )
    return False


def is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT.search(text)) and len(words(text)) <= LIMITS.footer_max_words


def is_short_parenthetical(text: str) -> bool:
    """An aside such as "(Wire Service)" or "(about 2 hours later)": bracketed, no sentence."""
    match = _PARENTHETICAL.match(text)
    if not match:
        return False
    inner = match.group(1).strip()
    return len(words(inner)) <= LIMITS.chrome_max_words and not ends_sentence(inner)


def is_version_marker(text: str) -> bool:
    tokens = plain_words(text)
    return (
        any(word.isdigit() for word in tokens)
        and any(word.startswith(("version", "rev")) for word in tokens)
        and all(word.isdigit() or word in _VERSION_WORDS for word in tokens)
    )


def is_gallery_counter(text: str) -> bool:
    """ "1 of 6", "3/12": where a photo gallery's reader is, on a line of its own."""
    return bool(_GALLERY_COUNTER.match(text))


def is_relative_time(text: str) -> bool:
    return bool(_RELATIVE_TIME.match(text))


def is_breadcrumb(text: str) -> bool:
    """A path such as "Home > Politics > Europe": short capitalised segments and separators."""
    segments = [segment.strip() for segment in _CRUMB_SEPARATOR.split(text)]
    return len(segments) >= 2 and all(
        segment[:1].isupper()
        and len(words(segment)) <= LIMITS.crumb_max_words
        and not ends_sentence(segment)
        for segment in segments
    )


def is_bare_url(text: str) -> bool:
    """The address of an image or other media file on a line of its own: page metadata that
    leaked into the text. Other bare addresses are left to the zones: above or below the
    article they go, between its paragraphs they are links the article gives (its sources,
    a venue's website) and stay."""
    return bool(_BARE_URL.match(text)) and bool(_MEDIA_FILE.search(text))


_SECTION_WORDS = frozenset(
    {
        "home",
        "news",
        "world",
        "politics",
        "business",
        "economy",
        "markets",
        "money",
        "sport",
        "sports",
        "europe",
        "asia",
        "africa",
        "americas",
        "us",
        "uk",
        "india",
        "china",
        "middle",
        "east",
        "opinion",
        "tech",
        "technology",
        "science",
        "health",
        "entertainment",
        "culture",
        "arts",
        "lifestyle",
        "local",
        "national",
        "international",
        "regional",
        "region",
        "weather",
        "latest",
        "breaking",
        "top",
        "stories",
        "video",
        "live",
        "metro",
        "nation",
        "city",
        "&",
    }
)


def is_section_path(text: str) -> bool:
    """A breadcrumb made only of section names, such as "News World"."""
    tokens = text.lower().split()
    return len(tokens) <= LIMITS.crumb_max_words and all(word in _SECTION_WORDS for word in tokens)


def is_section_name(text: str) -> bool:
    """A line of nothing but section names ("Sports", "US & World"): a menu item."""
    return is_section_path(text) and len(words(text)) <= LIMITS.section_name_max_words


_CHROME_KINDS: tuple[Callable[[str], bool], ...] = (
    is_share_bar,
    is_call_to_action,
    is_labelled_teaser,
    is_credit,
    is_copyright,
    is_short_parenthetical,
    is_version_marker,
    is_gallery_counter,
    is_relative_time,
    is_breadcrumb,
    is_bare_url,
    is_navigation_label,
    is_site_talk,
    is_truncated_teaser,
    is_category_count,
    is_section_name,
    is_timestamp,
)


def drop_chrome(lines: list[Line]) -> None:
    for line in kept(lines):
        reason = chrome_kind(line.text)
        if reason:
            line.drop(reason)


def chrome_kind(text: str) -> str | None:
    """The name of the kind of chrome ``text`` is (its rule's name), or None."""
    if len(words(text)) > LIMITS.credit_max_words:
        return None  # every kind of chrome is short; long lines are prose
    found = next((kind for kind in _CHROME_KINDS if kind(text)), None)
    return found.__name__.removeprefix("is_") if found else None
