"""Tests for pipelines.clean.repetition: which lines a source repeats often enough to be
boilerplate. Every line below is invented."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from pipelines.article import Source
from pipelines.clean.cleaner import clean_text
from pipelines.clean.repetition import LineHistory, fingerprint, repeated_lines, source_name

PROSE = [
    "The harbour board agreed on Tuesday to raise ferry fares by ten percent from March.",
    "Commuters from Eastbank said the rise would cost them more than forty pounds a year.",
    "The board said the money would pay for two new engines and a repaired landing stage.",
]
FOOTER = "The Brackwater Ledger is an independent newsroom funded by readers across the valley."
TAGLINE = "Brackwater Ledger Newsroom"


def history(documents: int, **seen: int) -> LineHistory:
    lines = {"footer": FOOTER, "tagline": TAGLINE, **{f"p{i}": p for i, p in enumerate(PROSE)}}
    return LineHistory(documents, {fingerprint(lines[name]): n for name, n in seen.items()})


@pytest.mark.parametrize(
    ("documents", "seen", "dropped"),
    [
        (2, 2, False),  # two documents are never enough: one story's update and follow-up
        (3, 3, True),
        (10, 3, True),  # 30% of the source
        (11, 3, False),  # under 30%: a sentence needs to be a template of the source
        (100, 29, False),
        (100, 30, True),
    ],
)
def test_a_repeated_sentence_needs_three_documents_and_a_third_of_the_source(
    documents, seen, dropped
):
    """A prose line goes only when seen in >= 3 earlier documents and >= 30% of them."""
    lines = [*PROSE, FOOTER]
    assert (3 in repeated_lines(lines, history(documents, footer=seen))) is dropped


@pytest.mark.parametrize(
    ("documents", "seen", "dropped"), [(30, 3, True), (31, 3, False), (5, 2, False)]
)
def test_a_short_unpunctuated_line_needs_three_documents_and_a_tenth(documents, seen, dropped):
    """A line that is not a sentence goes from 3 documents and 10% of the source."""
    lines = [TAGLINE, *PROSE]
    assert (0 in repeated_lines(lines, history(documents, tagline=seen))) is dropped


def test_a_copy_of_an_earlier_article_keeps_its_prose():
    """When most of a document was seen before, it is a copy: only non-prose lines go."""
    lines = [TAGLINE, *PROSE, FOOTER]
    seen = history(4, tagline=4, footer=4, p0=3, p1=3, p2=3)
    assert repeated_lines(lines, seen) == {0}


def test_clean_text_drops_repeated_lines_and_lists_them():
    """The cleaner drops what the history marks as repeated and says so in `removed`."""
    text = "\n".join([*PROSE, FOOTER])
    assert clean_text(text).text.splitlines() == [*PROSE, FOOTER]
    result = clean_text(text, history(5, footer=5))
    assert result.text.splitlines() == PROSE
    assert result.removed == [FOOTER]


def test_clean_text_with_empty_history_changes_nothing():
    """A source with no history yet is cleaned by the rules alone."""
    text = "\n".join([TAGLINE, *PROSE, FOOTER])
    assert clean_text(text, LineHistory()) == clean_text(text)


INBOX = PurePosixPath("/srv/inbox")


@pytest.mark.parametrize(
    ("source", "sitename", "name"),
    [
        (Source("file", "/srv/inbox/ledger/a.txt"), None, "folder:ledger"),
        (Source("file", "/srv/inbox/ledger/2031/a.txt"), None, "folder:ledger/2031"),
        (Source("file", "/srv/inbox/a.txt"), None, "folder:."),
        (Source("file", "/data/archive/a.txt"), None, "folder:/data/archive"),
        (Source("file", "/srv/inbox/a.txt"), "Brackwater Ledger", "site:brackwater ledger"),
        (Source("url", url="https://ledger.example/news/a.txt"), None, "url:ledger.example"),
    ],
)
def test_source_name(source, sitename, name):
    """Site name first, else the folder (relative to the inbox), else the URL's host."""
    assert source_name(source, INBOX, sitename) == name
