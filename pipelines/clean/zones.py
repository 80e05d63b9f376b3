"""Rules by position: the header before the first prose paragraph (where the title is
chosen), the body up to the last sentence, and the trailer after it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pipelines.clean.chrome import is_section_path
from pipelines.clean.features import navigation_share, row_shape, topic_overlap, topic_words
from pipelines.clean.lines import (
    CLOSERS,
    LIMITS,
    Line,
    ends_sentence,
    kept,
    lowercase_share,
    words,
)

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
# "Correction, May 3, 2031: This article misstated ...", "Editor's note: ...".
_EDITORIAL_NOTE = re.compile(
    r"^(?:corrections?|clarifications?|editor['’]?s[’']? note)\b[^:]{0,40}:", re.IGNORECASE
)
_BYLINE = re.compile(r"^By\s+[A-Z]")
_QUOTED = re.compile(r"^[“\"‘'«].*[”\"’'»]$")
_DATELINE = re.compile(r"^[A-Z][A-Z.'’-]+(?:[ ,]+[A-Za-z.'’-]+){0,4}(?:\s*\([^)]*\))?\s*[—–:-]+$")
# "PORT ALDEN, NEW ZEALAND" alone above the first paragraph: where the story was filed.
_PLACE_LINE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?: [A-Z.'’-]+){0,2}, [A-Z][A-Z.'’-]+(?: [A-Z.'’-]+){0,2}$"
)
_BULLET = re.compile(r"^(?:[-–—•*·]|\d{1,2}[.)])\s")  # "— Name (@handle) date" under a quote
_URL = re.compile(r"https?://|www\.\w")
# "— Name (@handle) May 3, 2031": the attribution under an embedded tweet, part of the article.
_TWEET_SIGNATURE = re.compile(r"^[—–-]+\s*\S.*\(@\w{1,15}\)\s.*\d{4}$")
_TWEET_LINK = re.compile(r"\bpic\.twitter\.com/\w+$")  # a tweet's text ends with its photo link
# "___", "* * *", "-----": a rule the article draws between its parts or under its end.
_RULE = re.compile(r"^(?:[_\-=*~•·]\s?){3,}$")
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
#: How many paragraphs from the first one a headline is compared with.
_LEAD_LINES = 5


def clean_zones(lines: list[Line]) -> str | None:
    """Apply the header, body and trailer rules; return the title found in the header.

    The body starts at the first prose paragraph and ends at the last sentence that is
    not about the page, so a short closing line ("He declined to comment.") stays in it.
    """
    remaining = kept(lines)
    start = next((index for index, line in enumerate(remaining) if _is_prose(line.text)), None)
    if start is None:
        return None  # no running text to anchor the zones: judge nothing by position
    end = max(index for index, line in enumerate(remaining) if _ends_body(line.text))
    lead = topic_words(" ".join(line.text for line in remaining[start : start + _LEAD_LINES]))
    title = _clean_header(remaining[:start], lead)
    _drop_related_headlines(remaining[start + 1 : end])
    closing = _closing_lines(remaining[end:])
    for line in remaining[end + 1 :]:
        if id(line) not in closing:  # after the last sentence: teasers, credits, page notes
            line.drop("trailer")
    return title


def _closing_lines(tail: list[Line]) -> set[int]:
    """The ids of the lines after the last sentence that still belong to the article: rules
    it draws ("___"), a list it ends with (a run of bulleted lines, "- ", "• ", "1. ", or
    the "— Name" of a signature, right after the last sentence, which ``tail`` starts
    with), and the rows of data it ends with (``_data_rows``) under their heading.
    """
    closing = {id(line) for line in tail[1:] if _RULE.match(line.text)}
    for line in tail[1:]:
        if _RULE.match(line.text):
            continue
        if not _BULLET.match(line.text):
            break
        closing.add(id(line))
    rows = _data_rows(tail[1:])
    headed = len(tail) > 2 and id(tail[2]) in rows and id(tail[1]) not in rows
    if headed and len(words(tail[1].text)) <= LIMITS.chrome_max_words:
        closing.add(id(tail[1]))  # the table's heading: "Tour dates"
    return closing | rows


def _data_rows(lines: list[Line]) -> set[int]:
    """The ids of the rows of a table or list among ``lines``: tour dates, results, prices,
    questions and answers ("June 9 – Tampa, FL @ Arena", "England (Group A): 10th").

    A row is a short line whose shape (``row_shape``) at least ``list_min_items`` short
    lines share; menus, tags and related headlines have no shape.
    """
    shapes = [
        row_shape(line.text) if len(words(line.text)) <= LIMITS.row_max_words else None
        for line in lines
    ]
    counts = Counter(shape for shape in shapes if shape is not None)
    return {
        id(line)
        for line, shape in zip(lines, shapes, strict=True)
        if shape is not None and counts[shape] >= LIMITS.list_min_items
    }


def _is_meta_talk(text: str) -> bool:
    if _EDITORIAL_NOTE.match(text):
        return False  # the outlet correcting its own story: part of the article
    return bool(_SELF_REFERENCE.search(text)) and bool(_META_WORDS.search(text))


def _is_prose(text: str) -> bool:
    """A paragraph of running text: the body zone runs from the first to the last of these."""
    count = len(words(text))
    if not (ends_sentence(text) or _introduces(text)) or count < LIMITS.prose_min_words:
        return False
    if text.rstrip(CLOSERS).endswith(("?", "!")) and count < LIMITS.question_min_words:
        return False  # "Will the barrier hold?" is more likely a headline
    return lowercase_share(text) >= LIMITS.prose_min_lowercase_share and not _is_meta_talk(text)


def _ends_body(text: str) -> bool:
    if _TWEET_SIGNATURE.match(text):
        return True  # a tweet the article embeds, and its attribution, end the article
    return _reads_as_sentence(text) and not _is_meta_talk(text)


def _reads_as_sentence(text: str) -> bool:
    """Punctuated, or too long to be a dek, caption or teaser that merely lacks a full stop,
    or a sentence introducing what follows."""
    return _is_punctuated(text) or _introduces(text)


def _is_punctuated(text: str) -> bool:
    return ends_sentence(text) or len(words(text)) >= LIMITS.unpunctuated_prose_min_words


def _introduces(text: str) -> bool:
    """A sentence ending in a colon: "Here are the highlights:", "We see three risks:".
    Labels ("Related:", "Tags:") are too short, and a reader comment's header ("Alex on
    May 3, 2031 at 6:34 am said:") has a clock time."""
    return (
        text.endswith(":")
        and len(words(text)) >= LIMITS.intro_min_words
        and lowercase_share(text) >= LIMITS.intro_min_lowercase_share
        and not _CLOCK_TIME.search(text)
    )


# --- Header: the title, and what else may stand above the first paragraph -----------------


def _clean_header(header: list[Line], lead: set[str]) -> str | None:
    _drop_breadcrumb_glued_to_headline(header)
    rows = _data_rows(kept(header))  # a table above the first paragraph: a calendar, a score
    title = _pick_title([line for line in kept(header) if id(line) not in rows], lead)
    for line in kept(header):
        if line is title:
            line.drop("title")
        elif id(line) not in rows and not _belongs_in_header(line.text):
            line.drop("header")
    return title.text if title else None


def _belongs_in_header(text: str) -> bool:
    """Header lines other than the title are kept only if they are sentences or datelines."""
    if _is_meta_talk(text) or is_section_path(text):
        return False
    return _reads_as_sentence(text) or bool(_DATELINE.match(text) or _PLACE_LINE.match(text))


def _drop_breadcrumb_glued_to_headline(header: list[Line]) -> None:
    """A row "News World <headline>" followed by "<headline>" is a breadcrumb glued on."""
    for index, line in enumerate(header):
        for later in header[index + 1 : index + 3]:
            prefix = line.text[: -len(later.text)].strip()
            if (
                line.text.endswith(" " + later.text)
                and len(words(prefix)) <= LIMITS.crumb_max_words
                and not ends_sentence(prefix)
            ):
                line.drop("breadcrumb_glued_to_headline")
                break


def _pick_title(header: list[Line], lead: set[str]) -> Line | None:
    """The first headline-like line about what the first paragraphs (``lead``) are about,
    preferring one of several words. A line sharing too few words with them is a site or
    section name, a related story or a menu, not the headline; a short name ("The Ledger
    Blog") often stands above the headline."""
    candidates = [
        line
        for line in header
        if _is_headline(line.text) and topic_overlap(line.text, lead) >= LIMITS.title_min_overlap
    ]
    preferred = [
        line for line in candidates if len(words(line.text)) >= LIMITS.title_preferred_words
    ]
    nothing: list[Line | None] = [None]
    return (preferred or candidates or nothing)[0]


def _is_headline(text: str) -> bool:
    lettered = [word for word in words(text) if any(char.isalpha() for char in word)]
    return (
        LIMITS.title_min_words <= len(lettered) <= LIMITS.title_max_words
        and not text.endswith(".")
        and not _is_meta_talk(text)
        and not _URL.search(text)
        and not is_section_path(text)
        and navigation_share(text) < 0.5  # "Search the Ledger", "Type to search"
        and not _BYLINE.match(text)
        and not _DATELINE.match(text)
    )


# --- Body: links to other stories standing between the paragraphs --------------------------


def _drop_related_headlines(body: list[Line]) -> None:
    """Drop headline-like lines standing alone between paragraphs.

    A run of several such lines is a list in the article (products, steps, points), and
    stays; so does every such line of a text written largely in such lines (a list of
    deals, a listicle), where they are the article itself, and every row of data
    (``_data_rows``) the body holds, however far apart ("Q: ...", "A: ...").
    """
    # An introduction ("Here's why:") counts as unpunctuated here: it heads the list.
    non_sentences = [line for line in body if not _is_punctuated(line.text)]
    listy = len(non_sentences) > LIMITS.listy_body_share * len(body)
    if listy and len(non_sentences) >= LIMITS.list_min_items:
        return
    rows = _data_rows(non_sentences)
    for run in _runs_of_non_sentences(body):
        if len(run) < LIMITS.list_min_items:
            for line in run:
                if id(line) not in rows and _is_related_headline(line.text):
                    line.drop("related_headline")


def _runs_of_non_sentences(body: list[Line]) -> Iterator[list[Line]]:
    run: list[Line] = []
    for line in body:
        if _is_punctuated(line.text):
            yield run
            run = []
        else:
            run.append(line)
    yield run


def _is_related_headline(text: str) -> bool:
    """A headline of several words dropped into the body, linking to another story."""
    return (
        LIMITS.related_min_words <= len(words(text)) <= LIMITS.related_max_words
        and not ends_sentence(text)
        and not _QUOTED.match(text)  # a quoted crosshead belongs to the article
        and not text.endswith((":", ";", ",", "—", "–", "-"))  # the paragraph goes on
        and not _BULLET.match(text)
        and not _DATELINE.match(text)
        and not _TWEET_LINK.search(text)  # the text of a tweet the article embeds
    )
