"""Zero-width joiners carried through trafilatura.

U+200C (zero-width non-joiner) and U+200D (zero-width joiner) belong to the spelling of
Persian, Kurdish and Indic words ("می‌توانید": "may" and "can" kept apart without a space)
and of emoji sequences; trafilatura drops every character Python deems unprintable, these
with them, and the words run together. They cross it as printable stand-ins (Byzantine
musical symbols: no news page writes them, and no Unicode normalisation changes them) and
are put back in what comes out.
"""

from __future__ import annotations

import re

#: Each joiner and its stand-in.
STAND_INS = {"\u200c": "\U0001d000", "\u200d": "\U0001d001"}
_BY_STAND_IN = {stand_in: joiner for joiner, stand_in in STAND_INS.items()}
#: The joiners, raw or as character references ("&zwnj;", "&#8204;", "&#x200D;").
_JOINER = re.compile(r"[\u200c\u200d]|&(zwn?j|#x200[cd]|#820[45]);", re.IGNORECASE)
_NON_JOINER_REFERENCES = {"zwnj", "#x200c", "#8204"}
#: What a page holding a joiner has in it, in any case the references are written.
_MARKERS = ("\u200c", "\u200d", "&zw", "&ZW", "&Zw", "&#820", "&#x200", "&#X200")


def shield(html: str) -> str:
    """``html`` with its joiners, raw or referenced, as their printable stand-ins."""
    if not any(marker in html for marker in _MARKERS):  # a substring search is cheaper
        return html
    return _JOINER.sub(_stand_in, html)


def restore(text: str) -> str:
    """``text`` with the stand-ins turned back into joiners."""
    for stand_in, joiner in _BY_STAND_IN.items():
        if stand_in in text:
            text = text.replace(stand_in, joiner)
    return text


def _stand_in(match: re.Match[str]) -> str:
    reference = match.group(1)
    if reference is None:
        return STAND_INS[match.group()]
    return STAND_INS["\u200c" if reference.lower() in _NON_JOINER_REFERENCES else "\u200d"]
