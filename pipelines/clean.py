"""Clean a news article exported as plain text: keep the prose, drop the page chrome.

The input is a decoded ``str`` with one paragraph per line (hard-wrapped blocks are
re-joined). Rules judge *kinds* of lines by their features, never known strings:

* anywhere: share bars, calls to action, credits and copyright footers, short
  parentheticals, version markers, relative-time stamps, labelled teasers,
  breadcrumbs and bare URLs; and, by the features in ``line_features.py``, menu
  labels, section names, tag counts, bare timestamps, the site talking to its
  reader about itself, and teasers cut off mid-phrase;
* the header zone (before the first prose paragraph): the first headline-like
  line (preferably one of several words) becomes the title; breadcrumbs, captions,
  bylines, deks and meta-talk about "this article" are dropped;
* the body: headline-like lines of several words standing alone between paragraphs
  (related-story links); runs of such lines, and texts written largely in them,
  are lists that belong to the article and stay;
* the trailing zone (after the last sentence that is not meta-talk about the page):
  everything, since only teasers, credits and page notes are left there.

Given a ``LineHistory`` (``repetition.py``), lines that many earlier documents of the
same source contained are dropped first. Rows holding two versions of a paragraph
glued together (news-diff archives) keep the later version; a paragraph repeated
exactly keeps its first copy. Every dropped line, or dropped copy, goes to
``removed`` in document order; ``verdicts`` names the rule that dropped each line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

import ftfy

from pipelines.article import Extracted
from pipelines.line_features import (
    is_category_count,
    is_navigation_label,
    is_site_talk,
    is_timestamp,
    is_truncated_teaser,
    navigation_share,
)
from pipelines.repetition import LineHistory, repeated_lines


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The numbers the rules compare against, gathered so they can be tuned together."""

    prose_min_words: int = 6  # a paragraph that anchors the body zone
    prose_min_lowercase_share: float = 0.3  # Title Case lines are headings, not prose
    question_min_words: int = 12  # a shorter line ending in ? or ! may be a headline
    quote_sentence_min_words: int = 8  # a line ending in a closing quote counts as a sentence
    title_min_words: int = 3
    title_max_words: int = 25
    title_preferred_words: int = 5  # shorter headline-like lines are often site names
    section_name_max_words: int = 3  # "US & World" on its own line, wherever it is
    crumb_max_words: int = 4  # per breadcrumb segment, and the prefix glued to a headline
    related_min_words: int = 6  # shorter unpunctuated lines may be crossheads: keep them
    related_max_words: int = 16  # longer ones are prose that lost its full stop
    list_min_items: int = 3  # this many unpunctuated lines in a row are a list: keep them
    listy_body_share: float = 0.25  # a body with more unpunctuated lines is written in lists
    unpunctuated_prose_min_words: int = 30  # no dek, caption or teaser is this long
    chrome_max_words: int = 8  # share bars, calls to action, parentheticals
    label_max_words: int = 20  # "Photo: ...", "Read more: ..." lines
    footer_max_words: int = 25  # copyright footers
    credit_max_words: int = 30  # "Reporting by ...; Editing by ..."
    glued_min_words: int = 6  # each half of a glued row, when the halves differ
    glued_min_words_identical: int = 3  # distinct words: "Tram Line Opens Tram Line Opens"
    glued_min_length_ratio: float = 0.75
    glued_min_similarity: float = 0.85
    wrap_max_width: int = 100  # hard-wrapped blocks have lines no longer than this
    wrap_full_share: float = 0.75  # a wrapped line shorter than this ends its paragraph


LIMITS = Thresholds()


@dataclass(slots=True)
class _Line:
    text: str
    kept: bool = True
    older_copy: str | None = None  # the older half of a glued row, dropped
    is_title: bool = False
    reason: str | None = None  # why the line was dropped: the rule's name

    def drop(self, reason: str) -> None:
        self.kept, self.reason = False, reason


def clean_text(text: str, history: LineHistory | None = None) -> Extracted:
    """The article in ``text`` with its chrome removed; ``text=""`` when nothing is left.

    ``history`` holds how many earlier documents of the same source contained each of
    this one's lines (pipelines/repetition.py): lines the source repeats are dropped.
    """
    lines, title = _judge(text, history)
    body = [line.text for line in lines if line.kept]
    return Extracted(text="\n".join(body), title=title, removed=_removed(lines))


def verdicts(text: str, history: LineHistory | None = None) -> list[tuple[str, str]]:
    """Each line the cleaner judged, with ``"kept"`` or the name of the rule that dropped it
    (``"title"`` for the headline). For audits and benchmarks."""
    return [(line.text, line.reason or "kept") for line in _judge(text, history)[0]]


def _judge(text: str, history: LineHistory | None) -> tuple[list[_Line], str | None]:
    lines = [_Line(paragraph) for paragraph in document_lines(text)]
    if history is not None:
        for index in repeated_lines([line.text for line in lines], history):
            lines[index].drop("repeated_in_source")
    for line in _kept(lines):
        _split_glued_versions(line)
    _drop_repeats(lines)
    _drop_chrome(lines)
    return lines, _clean_zones(lines)


def document_lines(text: str) -> list[str]:
    """The lines the cleaner judges: repaired, normalised, one paragraph each."""
    return list(_paragraphs(_repair(text)))


def _removed(lines: list[_Line]) -> list[str]:
    removed: list[str] = []
    for line in lines:
        if line.older_copy is not None:
            removed.append(line.older_copy)
        if not line.kept and not line.is_title:
            removed.append(line.text)
    return removed


# --- Repair and normalisation ---------------------------------------------------------

# Characters that occur in clean English news: anything else on a line may be mojibake.
# ftfy is slow (about 0.5 ms per KB), so only such lines go through it.
_MAYBE_MOJIBAKE = re.compile(
    r"[^\t\x20-\x7e\u00a0\u00a3\u00a9\u00ab\u00ae\u00b0\u00b7\u00bb"
    r"\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2039\u203a\u20ac\u2122]"
    r"|&#?\w+;"
)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


def _repair(text: str) -> str:
    """Fix mojibake ("cafÃ©" -> "café") line by line, keeping curly quotes curly."""
    lines = text.splitlines()
    return "\n".join(
        ftfy.fix_text(line, uncurl_quotes=False) if _MAYBE_MOJIBAKE.search(line) else line
        for line in lines
    )


def _normalise(line: str) -> str:
    line = unicodedata.normalize("NFC", _INVISIBLE.sub("", line))
    return " ".join(line.split())  # str.split() also splits on non-breaking spaces


def _paragraphs(text: str) -> Iterator[str]:
    """One paragraph per item: blank-line separated blocks, hard-wrapped ones re-joined."""
    for block in re.split(r"\n\s*\n", text):
        rows = [row for row in map(_normalise, block.splitlines()) if row]
        yield from (_unwrap(rows) if _is_hard_wrapped(rows) else rows)


def _is_hard_wrapped(rows: list[str]) -> bool:
    # Wrapped prose has short rows, and most rows continue a sentence in lower case.
    if len(rows) < 3 or max(map(len, rows)) > LIMITS.wrap_max_width:
        return False
    continuing = sum(row[0].islower() for row in rows[1:])
    return continuing * 2 >= len(rows) - 1


def _unwrap(rows: list[str]) -> Iterator[str]:
    full = LIMITS.wrap_full_share * max(map(len, rows))
    paragraph: list[str] = []
    for row in rows:
        paragraph.append(row)
        if len(row) < full:  # a short row is the last of its paragraph
            yield " ".join(paragraph)
            paragraph = []
    if paragraph:
        yield " ".join(paragraph)


# --- Line features ----------------------------------------------------------------------

_CLOSERS = "”\"’'»)]"
_QUOTED = re.compile(r"^[“\"‘'«].*[”\"’'»]$")
_DATELINE = re.compile(r"^[A-Z][A-Z.'’-]+(?:[ ,]+[A-Za-z.'’-]+){0,4}(?:\s*\([^)]*\))?\s*[—–:-]+$")
_BULLET = re.compile(r"^(?:[-–—•*·]|\d{1,2}[.)])\s")  # "— Name (@handle) date" under a quote
_URL = re.compile(r"https?://|www\.\w")


def _words(text: str) -> list[str]:
    return text.split()


def _plain_words(text: str) -> list[str]:
    """Lower-case words without punctuation, for matching small vocabularies."""
    return re.findall(r"[a-z0-9]+(?:['’-][a-z0-9]+)*", text.lower())


def _ends_sentence(text: str) -> bool:
    if text.rstrip(_CLOSERS).endswith((".", "!", "?", "…")):
        return True
    return text.endswith(("”", '"', "’")) and len(_words(text)) >= LIMITS.quote_sentence_min_words


_WORD_START = re.compile(r"(?<!\S)[^\W\d_]")  # first letter of a word starting with one


def _lowercase_share(text: str) -> float:
    initials = _WORD_START.findall(text)
    return sum(initial.islower() for initial in initials) / len(initials) if initials else 0.0


# --- Glued versions and repeats ----------------------------------------------------------

# Where a second version may start: after a sentence end (glued or spaced), or at a word
# that begins like the row's first word ("Tram Line Opens ... Tram Line Opens ...").
_SPLIT_AFTER_SENTENCE = re.compile(r"[.!?…][”\"’')\]]*\s*(?=[“\"‘'(]?[A-Z0-9])")


def _split_points(text: str) -> set[int]:
    points = {match.end() for match in _SPLIT_AFTER_SENTENCE.finditer(text)}
    stem = re.escape(text.split()[0][:4])
    points.update(match.start() for match in re.finditer(rf"(?<=[^\w])(?={stem})", text))
    return {point for point in points if 0 < point < len(text)}


def _similarity(first: str, second: str) -> float:
    a, b = _plain_words(first), _plain_words(second)
    if a == b and len(set(a)) >= LIMITS.glued_min_words_identical:
        return 1.0  # a doubled headline; "No, no, no. No, no, no." has too few words
    if min(len(a), len(b)) < LIMITS.glued_min_words:
        return 0.0  # short near-copies may be deliberate ("No, no. No, no, no.")
    shared = len(set(a) & set(b)) / len(set(a) | set(b))
    if shared < LIMITS.glued_min_similarity - 0.1:
        return shared  # token Jaccard is cheap and rules out different sentences
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _split_glued_versions(line: _Line) -> None:
    """Keep the later of two versions of a paragraph glued on one row (diff archives)."""
    best, best_score = None, LIMITS.glued_min_similarity
    for point in sorted(_split_points(line.text)):
        older, newer = line.text[:point].strip(), line.text[point:].strip()
        shorter, longer = sorted((len(older), len(newer)))
        if shorter < LIMITS.glued_min_length_ratio * longer:
            continue  # halves of very different length are different sentences
        score = _similarity(older, newer)
        if score >= best_score:
            best, best_score = (older, newer), score
    if best is not None:
        line.older_copy, line.text = best


def _drop_repeats(lines: list[_Line]) -> None:
    seen: set[str] = set()
    for line in lines:
        if line.text in seen:
            line.drop("repeated_in_document")
        seen.add(line.text)


# --- Chrome: kinds of lines that are never article prose, wherever they are -----------------

_SOCIAL_NETWORKS = frozenset(
    {
        "twitter",
        "facebook",
        "reddit",
        "pinterest",
        "whatsapp",
        "linkedin",
        "tumblr",
        "telegram",
        "messenger",
        "flipboard",
        "pocket",
        "mastodon",
        "bluesky",
        "threads",
        "weibo",
        "wechat",
        "vk",
        "x",
    }
)
_SHARE_VERBS = frozenset({"share", "shares", "tweet", "email", "e-mail", "mail", "print", "sms"})
_SHARE_WORDS = _SOCIAL_NETWORKS | _SHARE_VERBS
_SHARE_FILLERS = frozenset({"on", "to", "via", "this", "article", "story", "page", "copy", "link"})

# Whole lines that only steer the reader around the site (compared without punctuation).
_CALLS_TO_ACTION = frozenset(
    {
        "advertisement",
        "advertisements",
        "advert",
        "sponsored",
        "sponsored content",
        "next story",
        "previous story",
        "next article",
        "previous article",
        "read more",
        "read next",
        "continue reading",
        "skip to content",
        "skip to main content",
        "back to top",
        "show comments",
        "view comments",
        "load more",
        "most read",
        "most popular",
        "more stories",
        "related stories",
        "related articles",
        "related",
        "recommended",
        "you may also like",
        "trending now",
        "top stories",
        "subscribe",
        "subscribe now",
        "sign up",
        "newsletter",
        "watch now",
        "click here",
    }
)
# Openings that make a short unpunctuated line a call to action whatever follows.
_CALL_TO_ACTION_OPENINGS = (
    "read more",
    "read the full",
    "continue reading",
    "click here",
    "sign up for",
    "subscribe to",
    "follow us",
    "skip to",
    "share this",
    "download the",
    "get the app",
    "listen to this",
    "next story",
    "previous story",
    "story continues",
    "article continues",
)

_TEASER_LABEL = re.compile(
    r"^(?:opinion|related|related stories|related story|related article|also read|read also"
    r"|read more|see also|more|watch|video|photos|gallery|in pictures|listen|podcast"
    r"|recommended|don[’']t miss|must read|further reading|editor[’']s picks?)\s*[:|]\s*\S",
    re.IGNORECASE,
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
_CRUMB_SEPARATOR = re.compile(r"\s+[/|]\s+|\s*[>»›]\s*")
_BARE_URL = re.compile(r"^(?:[\w ]{1,20}:\s*)?(?:https?://|www\.)\S+$", re.IGNORECASE)


def _is_share_bar(text: str) -> bool:
    words = [word for word in _plain_words(text) if not word.isdigit()]  # share counts
    return (
        0 < len(words) <= 2 * LIMITS.chrome_max_words
        and all(word in _SHARE_WORDS or word in _SHARE_FILLERS for word in words)
        and any(word in _SHARE_WORDS for word in words)
    )


def _is_call_to_action(text: str) -> bool:
    phrase = " ".join(_plain_words(text))
    if phrase in _CALLS_TO_ACTION:
        return True
    return (
        len(_words(text)) <= LIMITS.chrome_max_words
        and not _ends_sentence(text)
        and phrase.startswith(_CALL_TO_ACTION_OPENINGS)
    )


def _is_labelled_teaser(text: str) -> bool:
    # "Opinion: ...", "RELATED: ...": a headline behind a label, never a full stop.
    return (
        bool(_TEASER_LABEL.match(text))
        and len(_words(text)) <= LIMITS.label_max_words
        and not text.endswith(".")
    )


def _is_credit(text: str) -> bool:
    """Source, photo and reporting credits: "Source: X", "Reporting by X; Editing by Y"."""
    if _CREDIT_LABEL.match(text):
        return len(_words(text)) <= LIMITS.label_max_words
    if _CREDIT_BY.match(text):
        return len(_words(text)) <= LIMITS.credit_max_words and (
            ";" in text or text.startswith(("(", "[")) or not _ends_sentence(text)
        )
    return False


def _is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT.search(text)) and len(_words(text)) <= LIMITS.footer_max_words


def _is_short_parenthetical(text: str) -> bool:
    """An aside such as "(Wire Service)" or "(about 2 hours later)": bracketed, no sentence."""
    match = _PARENTHETICAL.match(text)
    if not match:
        return False
    inner = match.group(1).strip()
    return len(_words(inner)) <= LIMITS.chrome_max_words and not _ends_sentence(inner)


def _is_version_marker(text: str) -> bool:
    words = _plain_words(text)
    return (
        any(word.isdigit() for word in words)
        and any(word.startswith(("version", "rev")) for word in words)
        and all(word.isdigit() or word in _VERSION_WORDS for word in words)
    )


def _is_relative_time(text: str) -> bool:
    return bool(_RELATIVE_TIME.match(text))


def _is_breadcrumb(text: str) -> bool:
    """A path such as "Home > Politics > Europe": short capitalised segments and separators."""
    segments = [segment.strip() for segment in _CRUMB_SEPARATOR.split(text)]
    return len(segments) >= 2 and all(
        segment[:1].isupper()
        and len(_words(segment)) <= LIMITS.crumb_max_words
        and not _ends_sentence(segment)
        for segment in segments
    )


def _is_bare_url(text: str) -> bool:
    return bool(_BARE_URL.match(text))


def _is_section_name(text: str) -> bool:
    """A line of nothing but section names ("Sports", "US & World"): a menu item."""
    return _is_section_path(text) and len(_words(text)) <= LIMITS.section_name_max_words


_CHROME_KINDS: tuple[Callable[[str], bool], ...] = (
    _is_share_bar,
    _is_call_to_action,
    _is_labelled_teaser,
    _is_credit,
    _is_copyright,
    _is_short_parenthetical,
    _is_version_marker,
    _is_relative_time,
    _is_breadcrumb,
    _is_bare_url,
    is_navigation_label,
    is_site_talk,
    is_truncated_teaser,
    is_category_count,
    _is_section_name,
    is_timestamp,
)


def _chrome_kind(text: str) -> str | None:
    """The name of the kind of chrome ``text`` is (its rule's name), or None."""
    if len(_words(text)) > LIMITS.credit_max_words:
        return None  # every kind of chrome is short; long lines are prose
    found = next((kind for kind in _CHROME_KINDS if kind(text)), None)
    return found.__name__.lstrip("_").removeprefix("is_") if found else None


def _drop_chrome(lines: list[_Line]) -> None:
    for line in _kept(lines):
        reason = _chrome_kind(line.text)
        if reason:
            line.drop(reason)


def _kept(lines: Iterable[_Line]) -> list[_Line]:
    return [line for line in lines if line.kept]


# --- Zones: header, body, trailer ---------------------------------------------------------

# Talk about the page rather than the news: "This article is from the source ...",
# "The article has changed 4 times", "This story has been updated ...".
_SELF_REFERENCE = re.compile(
    r"\b(?:this|the|current|original|latest)\s+(?:article|story|page|post|version)\b",
    re.IGNORECASE,
)
_META_WORDS = re.compile(
    r"\b(?:sources?|published|changed|changes|updated|versions?|rss|feeds?|checked|archived?"
    r"|corrected|correction|originally|url|link)\b|https?://|www\.",
    re.IGNORECASE,
)
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
_BYLINE = re.compile(r"^By\s+[A-Z]")


def _is_meta_talk(text: str) -> bool:
    return bool(_SELF_REFERENCE.search(text)) and bool(_META_WORDS.search(text))


def _is_prose(text: str) -> bool:
    """A paragraph of running text: the body zone runs from the first to the last of these."""
    words = len(_words(text))
    if not _ends_sentence(text) or words < LIMITS.prose_min_words:
        return False
    if text.rstrip(_CLOSERS).endswith(("?", "!")) and words < LIMITS.question_min_words:
        return False  # "Will the barrier hold?" is more likely a headline
    return _lowercase_share(text) >= LIMITS.prose_min_lowercase_share and not _is_meta_talk(text)


def _is_section_path(text: str) -> bool:
    """A breadcrumb made only of section names, such as "News World"."""
    words = text.lower().split()
    return len(words) <= LIMITS.crumb_max_words and all(word in _SECTION_WORDS for word in words)


def _clean_zones(lines: list[_Line]) -> str | None:
    """Apply the header, body and trailer rules; return the title found in the header.

    The body starts at the first prose paragraph and ends at the last sentence that is
    not about the page, so a short closing line ("He declined to comment.") stays in it.
    """
    kept = _kept(lines)
    start = next((index for index, line in enumerate(kept) if _is_prose(line.text)), None)
    if start is None:
        return None  # no running text to anchor the zones: judge nothing by position
    end = max(index for index, line in enumerate(kept) if _ends_body(line.text))
    title = _clean_header(kept[:start])
    _drop_related_headlines(kept[start + 1 : end])
    for line in kept[end + 1 :]:
        line.drop("trailer")  # after the last sentence: teasers, credits, notes about the page
    return title


def _ends_body(text: str) -> bool:
    return _reads_as_sentence(text) and not _is_meta_talk(text)


def _clean_header(header: list[_Line]) -> str | None:
    _drop_breadcrumb_glued_to_headline(header)
    title = _pick_title(_kept(header))
    for line in _kept(header):
        if line is title:
            line.is_title = True
            line.drop("title")
        elif not _belongs_in_header(line.text):
            line.drop("header")
    return title.text if title else None


def _belongs_in_header(text: str) -> bool:
    """Header lines other than the title are kept only if they are sentences or datelines."""
    if _is_meta_talk(text) or _is_section_path(text):
        return False
    return _reads_as_sentence(text) or bool(_DATELINE.match(text))


def _reads_as_sentence(text: str) -> bool:
    """Punctuated, or too long to be a dek, caption or teaser that merely lacks a full stop."""
    return _ends_sentence(text) or len(_words(text)) >= LIMITS.unpunctuated_prose_min_words


def _drop_breadcrumb_glued_to_headline(header: list[_Line]) -> None:
    """A row "News World <headline>" followed by "<headline>" is a breadcrumb glued on."""
    for index, line in enumerate(header):
        for later in header[index + 1 : index + 3]:
            prefix = line.text[: -len(later.text)].strip()
            if (
                line.text.endswith(" " + later.text)
                and len(_words(prefix)) <= LIMITS.crumb_max_words
                and not _ends_sentence(prefix)
            ):
                line.drop("breadcrumb_glued_to_headline")
                break


def _pick_title(header: list[_Line]) -> _Line | None:
    """The first headline-like line, preferring one of several words: a site or section
    name ("The Ledger Blog") often stands above the headline."""
    candidates = [line for line in header if _is_headline(line.text)]
    preferred = [
        line for line in candidates if len(_words(line.text)) >= LIMITS.title_preferred_words
    ]
    return (preferred or candidates or [None])[0]


def _is_headline(text: str) -> bool:
    lettered = [word for word in _words(text) if any(char.isalpha() for char in word)]
    return (
        LIMITS.title_min_words <= len(lettered) <= LIMITS.title_max_words
        and not text.endswith(".")
        and not _is_meta_talk(text)
        and not _URL.search(text)
        and not _is_section_path(text)
        and navigation_share(text) < 0.5  # "Search the Ledger", "Type to search"
        and not _BYLINE.match(text)
        and not _DATELINE.match(text)
    )


def _is_related_headline(text: str) -> bool:
    """A headline of several words dropped into the body, linking to another story."""
    return (
        LIMITS.related_min_words <= len(_words(text)) <= LIMITS.related_max_words
        and not _ends_sentence(text)
        and not _QUOTED.match(text)  # a quoted crosshead belongs to the article
        and not text.endswith((":", ";", ",", "—", "–", "-"))  # the paragraph goes on
        and not _BULLET.match(text)
        and not _DATELINE.match(text)
    )


def _drop_related_headlines(body: list[_Line]) -> None:
    """Drop headline-like lines standing alone between paragraphs.

    A run of several such lines is a list in the article (products, steps, points), and
    stays; so does every such line of a text written largely in such lines (a list of
    deals, a listicle), where they are the article itself.
    """
    non_sentences = sum(not _reads_as_sentence(line.text) for line in body)
    listy = non_sentences > LIMITS.listy_body_share * len(body)
    if listy and non_sentences >= LIMITS.list_min_items:
        return
    for run in _runs_of_non_sentences(body):
        if len(run) < LIMITS.list_min_items:
            for line in run:
                if _is_related_headline(line.text):
                    line.drop("related_headline")


def _runs_of_non_sentences(body: list[_Line]) -> Iterator[list[_Line]]:
    run: list[_Line] = []
    for line in body:
        if _reads_as_sentence(line.text):
            yield run
            run = []
        else:
            run.append(line)
    yield run
