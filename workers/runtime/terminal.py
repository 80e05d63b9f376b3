"""Text shown to a person on a terminal, with its control characters made visible.

File names, feed titles, URLs and error messages come from whoever dropped the file
or published the feed. Printed raw, ``\\x1b]0;...\\x07`` retitles the terminal,
``\\x1b[2J`` clears it, and a bidi override reorders what the reader sees. Every such
character is shown as a backslash escape instead; JSON output needs none of this (its
encoder escapes control characters already).
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included: a value printed on one line stays on one
# line), DEL, C1 controls, and the bidi embedding, override and isolate marks.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character as a Python-style escape (``\\x1b``, ``\\u202e``)."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
