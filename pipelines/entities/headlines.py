"""Headlines and lists, where the small model misreads most: the article's title, other
stories', and the bullet points of a product's features.

Title Case misleads the model ("Kerry Begins Talks" as one person): the title's names
count only when the body names them too, and names on Title Case lines of the body (links
to other stories) or in a run of short lines (a deal's features, "Face ID for secure
authentication", "Digital Crown") only when the rest of the text does.
"""

from __future__ import annotations

import re

from pipelines.entities.lexicon import Lexicon
from pipelines.entities.mentions import Mention
from pipelines.entities.names import normalise_name
from pipelines.entities.teams import SCORE_RE

#: A word of a Title Case line: capitalised, or a number, or short ("of", "in", "a").
_TITLE_WORD_RE = re.compile(r"^[\W\d]*(?:[A-Z\d]|\w{1,3}\W*$)")
_CAPITALISED_RE = re.compile(r"^\W*[A-Z][a-z]")  # "Shot", not a ticker's "LOWE'S"
_MIN_HEADLINE_WORDS = 4
#: Capitalised common words a headline has ("Man Shot ... Dies"); a line of names has none.
_MIN_COMMON_WORDS = 2


def headline_lines(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """(start, end) of the text's lines that are headlines, not sentences: four or more
    capitalised words, every longer word capitalised, two of them common words (a line of
    names is no headline), no full stop at the end ("Man Shot at Gas Station Dies at
    Hospital": links to other stories, where the model misreads most)."""
    lines = []
    start = 0
    for line in text.split("\n"):
        words = line.split()
        if (
            sum(_CAPITALISED_RE.match(word) is not None for word in words) >= _MIN_HEADLINE_WORDS
            and not line.rstrip().endswith((".", "!", "?", ":", ";", '"', "”", ","))
            and "©" not in line  # a credit line names its owner
            and all(_TITLE_WORD_RE.match(word) for word in words)
            and sum(map(lexicon.knows, _capitalised_words(words))) >= _MIN_COMMON_WORDS
        ):
            lines.append((start, start + len(line)))
        start += len(line) + 1
    return lines


#: A listed line has at most this many words, and a list at least this many lines.
_MAX_LISTED_WORDS = 10
_MIN_LISTED_LINES = 3
#: A result written with a comma ("Viera 3, West Shore 1"), besides a score or a record
#: ("3-1", "8-8-4"): a results list's line, whose teams are news.
_RESULT_RE = re.compile(r"[^\W\d] \d{1,3}, [A-Z]")


def listed_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text's lines that are items of a list, not sentences: three or
    more lines in a row, none blank, each of ten words or fewer, none ending as a
    sentence or a lead-in does, none with a score in it ("GPS", "Optical heart sensor",
    "Digital Crown" under a smartwatch's name; results are read by
    :mod:`pipelines.entities.results_lists`)."""
    lines: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    start = 0
    for line in [*text.split("\n"), ""]:
        if _listed(line):
            run.append((start, start + len(line)))
        else:
            lines += run if len(run) >= _MIN_LISTED_LINES else []
            run = []
        start += len(line) + 1
    return lines


def _listed(line: str) -> bool:
    return (
        1 <= len(line.split()) <= _MAX_LISTED_WORDS
        and not line.rstrip().endswith((".", "!", "?", ":", '"', "”"))
        and SCORE_RE.search(line) is None
        and _RESULT_RE.search(line) is None
    )


def _capitalised_words(words: list[str]) -> list[str]:
    return [w.strip("'’\"“”()!?,") for w in words if w[0].isupper() and w[1:].islower()]


def on_a_line(char: int, lines: list[tuple[int, int]]) -> bool:
    return any(start <= char < end for start, end in lines)


def confirmed_by_body(heading: list[Mention], body: list[Mention]) -> list[Mention]:
    """The headline's mentions that the body also names (as a whole name or a surname).

    Title Case headlines mislead the model ("Kerry Begins Talks" as one PERSON);
    an entity the body never names is far more often such a misreading than news.
    Without a body, the headline is all there is and is kept whole.
    """
    if not body:
        return heading
    names = {normalise_name(mention[0], mention[1]) for mention in body}
    surnames = {name.split()[-1] for name in names if name}
    return [
        mention
        for mention in heading
        if (name := normalise_name(mention[0], mention[1])) in names or name in surnames
    ]
