"""What every part of the plain-text cleaner shares: its thresholds, the line being judged,
and the word and sentence tests the rules are built from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


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
    title_min_overlap: float = 0.25  # share of its words a headline shares with the lead
    section_name_max_words: int = 3  # "US & World" on its own line, wherever it is
    crumb_max_words: int = 4  # per breadcrumb segment, and the prefix glued to a headline
    related_min_words: int = 6  # shorter unpunctuated lines may be crossheads: keep them
    related_max_words: int = 16  # longer ones are prose that lost its full stop
    list_min_items: int = 3  # this many unpunctuated lines in a row are a list: keep them
    row_max_words: int = 16  # a longer line is prose or a page note, not a row of data
    listy_body_share: float = 0.25  # a body with more unpunctuated lines is written in lists
    intro_min_words: int = 5  # "Here are the highlights:" introduces a list; "Related:" not
    intro_min_lowercase_share: float = 0.5
    unpunctuated_prose_min_words: int = 30  # no dek, caption or teaser is this long
    chrome_max_words: int = 8  # share bars, calls to action, parentheticals
    label_max_words: int = 20  # "Photo: ...", "Read more: ..." lines
    footer_max_words: int = 25  # copyright footers
    credit_max_words: int = 30  # "Reporting by ...; Editing by ..."
    glued_min_words: int = 6  # each half of a glued row, when the halves differ
    glued_min_words_identical: int = 3  # distinct words: "Tram Line Opens Tram Line Opens"
    glued_min_length_ratio: float = 0.75
    glued_min_similarity: float = 0.85
    #: A longer row is not searched for two glued versions: a changed paragraph printed
    #: twice is far shorter, and comparing the splits of a huge row costs minutes.
    glued_max_chars: int = 2_000
    #: Word pairs compared in search of glued rows, per document: a bound on the cost of
    #: a huge text made of long, repetitive rows (an article uses a small share of it).
    glued_max_comparisons: int = 50_000_000
    wrap_max_width: int = 100  # hard-wrapped blocks have lines no longer than this
    wrap_full_share: float = 0.75  # a wrapped line shorter than this ends its paragraph


LIMITS = Thresholds()


@dataclass(slots=True)
class Line:
    """One paragraph of the document and the cleaner's verdict on it."""

    text: str
    kept: bool = True
    older_copy: str | None = None  # the older half of a glued row, dropped
    reason: str | None = None  # why the line was dropped: the rule's name

    def drop(self, reason: str) -> None:
        self.kept, self.reason = False, reason


def kept(lines: Iterable[Line]) -> list[Line]:
    """The lines no rule has dropped yet: each rule judges only what the earlier ones left."""
    return [line for line in lines if line.kept]


CLOSERS = "”\"’'»)]"
_WORD_START = re.compile(r"(?<!\S)[^\W\d_]")  # first letter of a word starting with one


def words(text: str) -> list[str]:
    return text.split()


def plain_words(text: str) -> list[str]:
    """Lower-case words without punctuation, for matching small vocabularies."""
    return re.findall(r"[a-z0-9]+(?:['’-][a-z0-9]+)*", text.lower())


def letter_words(text: str) -> list[str]:
    """``plain_words`` in any script: "Weiterlesen", "à lire aussi", "続きを読む" (a line of
    a script written without spaces is one word)."""
    return re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text.casefold())


def ends_sentence(text: str) -> bool:
    if text.rstrip(CLOSERS).endswith((".", "!", "?", "…")):
        return True
    return text.endswith(("”", '"', "’")) and len(words(text)) >= LIMITS.quote_sentence_min_words


def lowercase_share(text: str) -> float:
    initials = _WORD_START.findall(text)
    return sum(initial.islower() for initial in initials) / len(initials) if initials else 0.0
