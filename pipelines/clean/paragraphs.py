"""The lines the plain-text cleaner judges: mojibake repaired, text normalised, one
paragraph per line (hard-wrapped blocks re-joined)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import ftfy

from pipelines.clean.lines import LIMITS

# Characters that occur in clean English news: anything else on a line may be mojibake.
# ftfy is slow (about 0.5 ms per KB), so only such lines go through it.
_MAYBE_MOJIBAKE = re.compile(
    r"[^\t\x20-\x7e\u00a0\u00a3\u00a9\u00ab\u00ae\u00b0\u00b7\u00bb"
    r"\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2039\u203a\u20ac\u2122]"
    r"|&#?\w+;"
)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6} (?=\S)|(?<=\S) #+$")


def document_lines(text: str) -> list[str]:
    """The lines the cleaner judges: repaired, normalised, one paragraph each."""
    return list(_paragraphs(_repair(text)))


def _repair(text: str) -> str:
    """Fix mojibake ("cafÃ©" -> "café") line by line, keeping curly quotes curly."""
    return "\n".join(
        _repair_line(line) if _MAYBE_MOJIBAKE.search(line) else line for line in text.splitlines()
    )


def _repair_line(line: str) -> str:
    # A repair never splits a line: ftfy turns "&#10;" and a mojibake line separator
    # ("â€¨") into line breaks, which would make one paragraph two.
    return " ".join(ftfy.fix_text(line, uncurl_quotes=False).splitlines())


def _normalise(line: str) -> str:
    line = unicodedata.normalize("NFC", _INVISIBLE.sub("", line))
    line = " ".join(line.split())  # str.split() also splits on non-breaking spaces
    # Exports from Markdown keep "## Heading": the text is plain, so the marks go.
    return _MARKDOWN_HEADING.sub("", line)


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
    if paragraph:  # the block ended on a full row
        yield " ".join(paragraph)
