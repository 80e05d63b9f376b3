"""Which language an article is written in, from its text (py3langid: the model ships in
the wheel, nothing is downloaded).

Used by the entities stage to skip texts its English model would only misread. A short
text is too little evidence: below ``MIN_CHARS`` or ``MIN_CONFIDENCE`` the answer is None
("unknown") and the caller keeps its default.

Most texts are English, and py3langid's model takes ~75 MB of a worker's memory: a text
whose words are English stop words often enough is English without asking it, so a worker
that only meets English never loads it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the model is imported lazily (see the module docstring)
    from py3langid.langid import LanguageIdentifier

#: Characters of text read: enough for a confident answer, bounded cost on long articles.
SAMPLE_CHARS = 3_000
MIN_CHARS = 200
MIN_CONFIDENCE = 0.95
#: Share of a text's words that are English stop words above which it is English: 0.24 to
#: 0.65 on the English texts of shared/eval/extraction, 0 to 0.18 on the others there.
ENGLISH_STOP_SHARE = 0.22

_WORD_RE = re.compile(r"[^\W\d_]+")


@cache
def english_stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def english_share(text: str) -> float:
    """The share of the words of ``text`` that are English stop words ("the", "of", ...)."""
    words = [word.lower() for word in _WORD_RE.findall(text)]
    stop_words = english_stop_words()
    return sum(word in stop_words for word in words) / len(words) if words else 0.0


@cache
def _identifier() -> LanguageIdentifier:  # untyped package: Any to mypy
    from py3langid import langid

    return langid.LanguageIdentifier.from_modelpath(
        langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True
    )


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the evidence is too thin."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    if english_share(sample) >= ENGLISH_STOP_SHARE:
        return "en"
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else None


def primary_subtag(language: str | None) -> str | None:
    """ "en" for "en", "EN", "en-GB" or "en_US"; None for no or a blank language."""
    if language is None or not language.strip():
        return None
    return re.split(r"[-_]", language.strip().lower())[0] or None
