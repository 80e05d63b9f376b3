"""Where the model's spans lie, and how they are cut: whether two overlap or one holds
the other, what is left of a span once others (places read from the layout, named
clubs and players) take their tokens, and a span cut at the line breaks it runs across.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipelines.entities.lexicon import Lexicon

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Span

#: What the model's spans may run into beside a place code: "NC @ PNC Music Pavilion".
_SPAN_EDGES = frozenset({"@", "|", "•", "·", "-", "–", "—", "(", ")", ","})


def inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


def overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def outside_of(ents: Sequence[Span], places: Sequence[Span]) -> list[Span]:
    """The model's spans with what they share with ``places`` cut away, and the symbols
    left at their edges: "NC @ PNC Music Pavilion" keeps "PNC Music Pavilion", "GA @"
    nothing, and a rest without a capitalised word no name ("Kyleigh Trout 1 goal"
    less the player leaves "1 goal")."""
    taken = {i for place in places for i in range(place.start, place.end)}
    kept = []
    for ent in ents:
        tokens = [token.i for token in ent if token.i not in taken]
        if len(tokens) == len(ent):
            kept.append(ent)
            continue
        run = _longest_run(tokens)
        while run and (ent.doc[run[0]].is_space or ent.doc[run[0]].text in _SPAN_EDGES):
            run = run[1:]
        while run and (ent.doc[run[-1]].is_space or ent.doc[run[-1]].text in _SPAN_EDGES):
            run = run[:-1]
        if any(ent.doc[i].text[:1].isupper() for i in run):
            first, last = ent.doc[run[0]], ent.doc[run[-1]]
            span = ent.doc.char_span(first.idx, last.idx + len(last), label=ent.label_)
            kept.append(span if span is not None else ent)
    return kept


def _longest_run(indexes: list[int]) -> list[int]:
    """The longest run of consecutive numbers in a sorted list."""
    best: list[int] = []
    run: list[int] = []
    for i in indexes:
        run = [*run, i] if run and i == run[-1] + 1 else [i]
        best = run if len(run) > len(best) else best
    return best


def within_lines(ents: Sequence[Span], lexicon: Lexicon) -> list[Span]:
    r"""The model's spans cut at line breaks, each line's part a span of the same label.

    A name never runs from one line of the text to the next, but the model reads across
    them: a deals list's "Buy Now" button and the next product's name ("Buy Now\n\nApple
    AirPods"), a name and the next paragraph's first word ("Amazon\n\nSince"). A part
    after a break that is one common word is that paragraph's first word, no name.
    """
    parts: list[Span] = []
    for ent in ents:
        if "\n" not in ent.text:
            parts.append(ent)
            continue
        breaks = [token.i for token in ent if "\n" in token.text]
        starts, ends = [ent.start, *(i + 1 for i in breaks)], [*breaks, ent.end]
        for start, end in zip(starts, ends, strict=True):
            words = [token.i for token in ent.doc[start:end] if not token.is_space]
            if not words:
                continue
            part = ent.doc[words[0] : words[-1] + 1]
            if start > ent.start and len(part) == 1 and lexicon.knows(part.text):
                continue
            part.label_ = ent.label_
            parts.append(part)
    return parts
