"""Fuzzing the plain-text cleaner: any text gives an ``Extracted`` with no more lines than
it was given, whatever the source's history says."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from pipelines.article import Extracted
from pipelines.clean.cleaner import clean_document, clean_text, verdicts
from pipelines.clean.paragraphs import document_lines
from pipelines.clean.repetition import LineHistory, fingerprint
from tests.conftest import shared_files
from tests.fuzz.budget import fuzz

SEEDS = [path.read_text(encoding="utf-8") for path in shared_files("seeds", pattern="*.txt")]

#: Lines like those of a news text and its chrome, and lines that are none of these.
PIECES = [
    "Brackwater harbour district evacuated as storm nears",
    "The harbour board agreed on Tuesday to raise ferry fares by ten percent from March.",
    "Commuters said the rise would cost them more than forty pounds a year, and more.",
    '"We cannot go on like this," said the mayor, who has led the town since 2019.',
    "Share this article: Facebook Twitter Email",
    "Read more: Storm Maren closes the coast road",
    "Advertisement",
    "© 2031 Harbour Tribune. All rights reserved.",
    "Home > News > Local",
    "Updated 14:05",
    "By Jane Doe and John Roe",
    "( Source : Harbour Wire )",
    "Next Story",
    "Here are the highlights:",
    "June 9 – Tampa, FL @ Arena",
    "June 10 – Miami, FL @ Hall",
    "- first point",
    "* second point",
    "___",
    "## A crosshead",
    "Correction: an earlier version misspelt the mayor's name.",
    "cafÃ© Ã  la carte â€” mojibake",
    "â€¨",
    "Ferry fares rise.&#10;Commuters object.",
    "&#8217; &amp; &lt;b&gt; &#x0; &#1114112;",
    "Tram Line Opens Tram Line Opens",
    "The council voted. The council voted again.",
    "No, no, no. No, no, no.",
    "a" * 3000,
    ". " * 500,
    "\u200b\ufeff\u2060",
    "\u00a0\u2003 \t",
    "\x00\x01\x1b[31m\x7f",
    "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e",
    "\ud7ff\U0010ffff\ufffd",
    "",
]
piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=40))
# Pieces glued on one line too: a repaired piece must not split its line.
newline = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\n \n", "\u2028", "\x85", "\x0c", " "])
newsy_text = st.lists(st.tuples(piece, newline).map("".join), max_size=30).map("".join)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """A real article text with lines cut, doubled, swapped or replaced."""
    lines = draw(st.sampled_from(SEEDS)).splitlines()
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        how = draw(st.sampled_from(["cut", "double", "replace", "insert", "join"]))
        if how == "cut" and lines:
            del lines[at]
        elif how == "double" and lines:
            lines.insert(at, lines[at])
        elif how == "replace" and lines:
            lines[at] = draw(piece)
        elif how == "join" and at + 1 < len(lines):
            lines[at : at + 2] = [lines[at] + lines[at + 1]]
        else:
            lines.insert(at, draw(piece))
    return "\n".join(lines)


@st.composite
def history_of(draw: st.DrawFn, text: str) -> LineHistory:
    """A source history in which some of the text's own lines were seen before."""
    lines = document_lines(text)
    documents = draw(st.integers(0, 50))
    seen = draw(st.lists(st.sampled_from(lines), max_size=len(lines))) if lines else []
    return LineHistory(documents, {fingerprint(line): draw(st.integers(0, 60)) for line in seen})


def check_clean(text: str, history: LineHistory | None = None) -> None:
    """The property: an Extracted, never more lines than given, every kept line one the
    verdicts keep, nothing blank kept."""
    cleaned = clean_text(text, history)
    assert isinstance(cleaned, Extracted)
    assert isinstance(cleaned.text, str) and all(isinstance(r, str) for r in cleaned.removed)
    assert cleaned.title is None or (cleaned.title and "\n" not in cleaned.title)
    kept = cleaned.text.split("\n") if cleaned.text else []
    assert len(kept) <= len(text.splitlines())
    assert all(line.strip() for line in kept)
    assert kept == [line for line, verdict in verdicts(text, history) if verdict == "kept"]
    assert clean_document(document_lines(text), history) == cleaned


@fuzz(short=150)
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    """Any text at all."""
    check_clean(text)


@fuzz(short=150)
# Found by this target: the mojibake repair made one line two ("&#10;" became a break).
@example("Ferry fares rise.&#10;Commuters object.\n")
@example("The board met on Tuesday and agreed to it.â€¨The fares rise in March, it said.")
@given(newsy_text)
def test_news_like_text(text: str) -> None:
    """Lines of prose and page chrome mixed with odd ones, under any line breaks."""
    check_clean(text)


@fuzz(short=60)
@given(mutated_seed())
def test_mutated_real_articles(text: str) -> None:
    """The seed articles with lines cut, doubled, swapped and replaced."""
    check_clean(text)


with_history = st.one_of(newsy_text, mutated_seed()).flatmap(
    lambda text: st.tuples(st.just(text), history_of(text))
)


@fuzz(short=60)
@given(with_history)
def test_with_a_source_history(case: tuple[str, LineHistory]) -> None:
    """Any of those, with a history in which the source repeated some of its lines."""
    check_clean(*case)
