"""Copies of a paragraph in one document: two versions glued on one row, as news-diff
archives print a changed paragraph (the later version stays), and exact repeats (the
first copy stays)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from pipelines.clean.lines import LIMITS, Line, plain_words

# Where a second version may start: after a sentence end (glued or spaced), or at a word
# that begins like the row's first word ("Tram Line Opens ... Tram Line Opens ...").
_SPLIT_AFTER_SENTENCE = re.compile(r"[.!?…][”\"’')\]]*\s*(?=[“\"‘'(]?[A-Z0-9])")


def split_glued_versions(lines: Iterable[Line]) -> None:
    """Keep the later of two versions of a paragraph glued on one row (diff archives).

    Comparing splits costs word pairs; once a document has spent its share
    (``LIMITS.glued_max_comparisons``), the rest of its rows are left as they are.
    """
    budget = _Budget(LIMITS.glued_max_comparisons)
    for line in lines:
        if len(line.text) <= LIMITS.glued_max_chars and budget.left > 0:
            _split_glued(line, budget)


@dataclass(slots=True)
class _Budget:
    left: int


def _split_glued(line: Line, budget: _Budget) -> None:
    best, best_score = None, LIMITS.glued_min_similarity
    for point in sorted(_split_points(line.text)):
        older, newer = line.text[:point].strip(), line.text[point:].strip()
        shorter, longer = sorted((len(older), len(newer)))
        if shorter < LIMITS.glued_min_length_ratio * longer:
            continue  # halves of very different length are different sentences
        score = _similarity(older, newer, budget)
        if score >= best_score:
            best, best_score = (older, newer), score
    if best is not None:
        line.older_copy, line.text = best


def _split_points(text: str) -> set[int]:
    points = {match.end() for match in _SPLIT_AFTER_SENTENCE.finditer(text)}
    stem = re.escape(text.split()[0][:4])
    points.update(match.start() for match in re.finditer(rf"(?<=[^\w])(?={stem})", text))
    return {point for point in points if 0 < point < len(text)}


def _similarity(first: str, second: str, budget: _Budget) -> float:
    a, b = plain_words(first), plain_words(second)
    if a == b and len(set(a)) >= LIMITS.glued_min_words_identical:
        return 1.0  # a doubled headline; "No, no, no. No, no, no." has too few words
    if min(len(a), len(b)) < LIMITS.glued_min_words:
        return 0.0  # short near-copies may be deliberate ("No, no. No, no, no.")
    shared = len(set(a) & set(b)) / len(set(a) | set(b))
    if shared < LIMITS.glued_min_similarity - 0.1:
        return shared  # token Jaccard is cheap and rules out different sentences
    budget.left -= len(a) * len(b)
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def drop_repeats(lines: list[Line]) -> None:
    """Drop every copy of a paragraph after its first, whatever dropped the first."""
    seen: set[str] = set()
    for line in lines:
        if line.text in seen:
            line.drop("repeated_in_document")
        seen.add(line.text)
