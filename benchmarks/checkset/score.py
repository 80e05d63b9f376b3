"""Snippet scores: how much of a page's main text an extraction kept, and how much boilerplate.

As in the snippet-based extraction evaluations: a required snippet found in the output is a
true positive, one missing a false negative; a forbidden snippet found is a false positive,
one absent a true negative. Matching uses ``snippet_key`` (NFKC, casefolded, no whitespace).
Totals add the counts of all pages up (micro averages), so a page weighs by its snippets.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import CheckPage, snippet_key


@dataclass(slots=True)
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn
        return self

    @property
    def precision(self) -> float:
        return _share(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _share(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def tally(text: str | None, page: CheckPage) -> Tally:
    """Score one extraction; no text at all finds nothing, required or forbidden."""
    found = snippet_key(text or "")
    kept = sum(snippet_key(s) in found for s in page.required)
    leaked = sum(snippet_key(s) in found for s in page.forbidden)
    return Tally(tp=kept, fn=len(page.required) - kept, fp=leaked, tn=len(page.forbidden) - leaked)


def _share(part: int, whole: int) -> float:
    # Nothing kept and nothing leaked: a precision of 0, as for an empty extraction.
    return part / whole if whole else 0.0
