"""A name's folded form: the identity that every spelling of a name shares in a key."""

from __future__ import annotations

import re
import unicodedata

_FOLD_TABLE = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "'": "",
        "’": "",
        "`": "",
        ".": "",
    }
)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII identity of a name: accents folded, non-alphanumerics to "-"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD_TABLE))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _NON_ALNUM_RE.sub("-", ascii_text).strip("-")
    if folded or not any(c.isalnum() for c in ascii_text):
        return folded
    return re.sub(r"[\W_]+", "-", ascii_text).strip("-")  # a non-Latin script: keep it
