"""Learned repetition: a line that a source prints in many of its articles is its boilerplate.

Pure part only. ``workers/state/line_stats.py`` keeps, per source, how many documents contained
each line fingerprint (in Redis, shared by every worker); the cleaner gets those counts
as a ``LineHistory`` and asks ``repeated_lines`` which lines to drop.

A *source* is where a run of articles shares one page template: the site name when the
input states one, else the folder the file sits in (relative to the inbox when it is in
it, so ``inbox/harbour-tribune/*.txt`` is one source and the inbox's own top level another),
else the host of its URL or feed.

When is a line repeated boilerplate? It must have been seen in at least
``min_documents`` earlier documents of the source, and in a share of them: 30% for prose
(a sentence of six words or more), 10% for other lines. Three documents, because two
articles of one story (an update, a follow-up) often share a background paragraph, a
crosshead or a caption; a third copy, in a third of what the source sent, is a template.
The lower share for short, unpunctuated lines lets a large source with several sections
still learn each section's footer. A document most of whose text was seen before is a
copy of an earlier article, not a template: then only its non-prose lines can go, and
dedup will mark it as a duplicate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from pipelines.article import Source

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*$")


@dataclass(frozen=True, slots=True)
class RepetitionPolicy:
    min_documents: int = 3
    min_share_prose: float = 0.3
    min_share_other: float = 0.1
    prose_min_words: int = 6
    #: Above this share of its characters in repeated lines, a document is a copy.
    max_repeated_share: float = 0.5


POLICY = RepetitionPolicy()


@dataclass(frozen=True, slots=True)
class LineHistory:
    """What a source's earlier documents held: ``counts[fingerprint]`` of ``documents``."""

    documents: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    def seen_in(self, line: str) -> int:
        return self.counts.get(fingerprint(line), 0)


def fingerprint(line: str) -> str:
    """The same for lines differing only in case, punctuation, spacing or digits.

    "© 2031 Harbour Tribune" and "© 2032, HARBOUR TRIBUNE." share one; digits count
    as one digit so that share counts, years and dates do not split a footer.
    """
    words = _WORD.findall(_DIGIT.sub("0", line.casefold()))
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()


def fingerprints(lines: Sequence[str]) -> list[str]:
    """The distinct fingerprints of a document's lines, in order: what one document adds."""
    return list(dict.fromkeys(fingerprint(line) for line in lines))


def is_prose(line: str, policy: RepetitionPolicy = POLICY) -> bool:
    return len(line.split()) >= policy.prose_min_words and bool(_SENTENCE_END.search(line))


def repeated_lines(
    lines: Sequence[str], history: LineHistory, policy: RepetitionPolicy = POLICY
) -> set[int]:
    """Indices of the lines that are this source's repeated boilerplate."""
    repeated = {i for i, line in enumerate(lines) if _is_repeated(line, history, policy)}
    total = sum(map(len, lines))
    if total and sum(len(lines[i]) for i in repeated) > policy.max_repeated_share * total:
        repeated = {i for i in repeated if not is_prose(lines[i], policy)}  # a copy
    return repeated


def _is_repeated(line: str, history: LineHistory, policy: RepetitionPolicy) -> bool:
    seen = history.seen_in(line)
    if seen < policy.min_documents or history.documents == 0:
        return False
    share = policy.min_share_prose if is_prose(line, policy) else policy.min_share_other
    return seen >= share * history.documents


def source_name(source: Source, inbox: PurePath, sitename: str | None = None) -> str:
    """The source a document's lines are counted under (see the module docstring).

    ``inbox`` is the watched folder, resolved: files are recorded by resolved path.
    """
    if sitename:
        return f"site:{sitename.casefold()}"
    origin = source.origin()
    if origin is None:
        return f"{source.type}:"
    kind, place = origin
    if kind == "folder":
        folder = PurePath(place)
        return f"folder:{folder.relative_to(inbox) if folder.is_relative_to(inbox) else folder}"
    return f"{kind}:{place}"
