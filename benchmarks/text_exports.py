"""A labelled set of plain-text exports, built from the shared eval pages when needed.

Each of the 181 pages in ``shared/eval/extraction`` has a human-made article body
(``<id>.json``) and the page itself (``<id>.html``). An export is the body's lines with
lines of the same page's *other* visible text (navigation, bylines, captions, share bars,
related links, comments, footers: whatever is not in the body) inserted before, after and
between its paragraphs, the way text exported from a content system arrives. Every line
knows what it is, so the cleaner's precision and recall can be counted.

Nothing is stored in the project: the set is rebuilt from ``../shared`` by whoever needs it
(tests/pipelines/test_clean_exports.py, benchmarks/bench_cleaner.py). Everything random is
seeded by the page id, so the set is the same on every run and every machine.

The gold lines are all kept, including the short headline-like ones (crossheads, list
items, one-line quotes): a cleaner that simply drops short lines pays for it in recall.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ftfy
import lxml.html

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction"

ARTICLE, BOILERPLATE, TITLE = "article", "boilerplate", "title"

#: Elements whose text is never visible on the page.
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object")
#: Elements that start a new line in the page's visible text.
_BLOCK_NAMES = (
    "p div li ul ol h1 h2 h3 h4 h5 h6 td th tr table section article header footer nav aside "
    "figure figcaption blockquote pre dt dd dl form button label select option main address "
    "details summary caption"
)
_BLOCKS = frozenset(_BLOCK_NAMES.split())
#: Zero-width characters, which the cleaner deletes.
_INVISIBLE_CHARS = re.compile("[\u200b\u2060\ufeff]")
#: Visible lines longer than this are text dumps, not lines anyone exports.
_MAX_LINE_CHARS = 600
#: A candidate line holding a gold line at least this long is part of the body.
_MIN_EMBEDDED_GOLD = 30


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    label: str  #: ARTICLE, BOILERPLATE or TITLE


@dataclass(slots=True)
class Export:
    page_id: str
    lines: list[Line]
    blank_lines: bool  #: paragraphs separated by blank lines rather than single newlines

    @property
    def text(self) -> str:
        return ("\n\n" if self.blank_lines else "\n").join(line.text for line in self.lines)

    @property
    def headline(self) -> str | None:
        return next((line.text for line in self.lines if line.label == TITLE), None)


def export_line(text: str) -> str:
    """A line as the cleaner will see it: mojibake repaired, NFC, whitespace collapsed."""
    text = ftfy.fix_text(_INVISIBLE_CHARS.sub("", text), uncurl_quotes=False)
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_dev(page_id: str) -> bool:
    """The deterministic half of the pages the cleaner is tuned on; the rest is held out."""
    return hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0


def page_ids(eval_dir: Path = EVAL_DIR) -> list[str]:
    return sorted(path.stem for path in eval_dir.glob("*.json"))


def build_exports(eval_dir: Path = EVAL_DIR) -> list[Export]:
    """One labelled export per eval page, in page id order."""
    return [build_export(page_id, eval_dir) for page_id in page_ids(eval_dir)]


def build_export(page_id: str, eval_dir: Path = EVAL_DIR) -> Export:
    gold = json.loads((eval_dir / f"{page_id}.json").read_text(encoding="utf-8"))
    body = _unique(export_line(line) for line in gold["text"].splitlines())
    page = lxml.html.fromstring((eval_dir / f"{page_id}.html").read_bytes())
    headline = _headline(page)
    visible = _unique(export_line(line) for line in _visible_lines(page))
    return _assemble(page_id, body, headline, visible, random.Random(page_id))


def _unique(lines: Iterable[str]) -> list[str]:
    """Non-empty lines, first copy of each (the cleaner keeps one copy of a repeat)."""
    return list(dict.fromkeys(line for line in lines if line))


# --- The page's text -------------------------------------------------------------------------


def _visible_lines(page: lxml.html.HtmlElement) -> list[str]:
    """The page's visible text, one line per block element, in document order."""
    for element in list(page.iter(*_INVISIBLE)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in page.iter():
        if element.tag == "br" or element.tag in _BLOCKS:  # comments' tags are not str
            element.tail = "\n" + (element.tail or "")
        if element.tag in _BLOCKS:
            element.text = "\n" + (element.text or "")
    return page.text_content().splitlines()


def _headline(page: lxml.html.HtmlElement) -> str | None:
    """The page's own headline: its first <h1>, else og:title, else <title>."""
    for found in (
        page.xpath("//h1"),
        page.xpath("//meta[@property='og:title']/@content"),
        page.xpath("//title"),
    ):
        for item in found:
            text = export_line(item if isinstance(item, str) else item.text_content())
            if len(text.split()) >= 2:
                return text
    return None


def _words(text: str) -> list[str]:
    return [word for word in text.casefold().split() if any(c.isalnum() for c in word)]


def _is_candidate(line: str, gold: set[str], gold_text: str, headline: str | None) -> bool:
    """A visible line that is not article text and not the headline."""
    if line in gold or len(line) > _MAX_LINE_CHARS or not any(c.isalpha() for c in line):
        return False
    if len(line) >= _MIN_EMBEDDED_GOLD and line in gold_text:
        return False  # part of a gold paragraph split by the markup
    if any(len(g) >= _MIN_EMBEDDED_GOLD and g in line for g in gold):
        return False  # a gold paragraph with something glued on
    return not (headline and _words(headline) and _words(line) == _words(headline))


# --- Assembly ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Pools:
    """The page's boilerplate lines by where they sit relative to the article body."""

    before: list[str] = field(default_factory=list)
    inside: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def _pools(body: list[str], headline: str | None, visible: list[str]) -> _Pools:
    gold, gold_text = set(body), "\n".join(body)
    positions = [index for index, line in enumerate(visible) if line in gold]
    first, last = (positions[0], positions[-1]) if positions else (len(visible) // 2,) * 2
    pools = _Pools()
    for index, line in enumerate(visible):
        if _is_candidate(line, gold, gold_text, headline):
            pool = pools.before if index < first else pools.after if index > last else pools.inside
            pool.append(line)
    return pools


def _window(pool: list[str], count: int, rng: random.Random) -> list[str]:
    """``count`` consecutive lines of the pool, as a stretch of page chrome comes out."""
    if not pool or count <= 0:
        return []
    start = rng.randrange(max(1, len(pool) - count + 1))
    return pool[start : start + count]


def _assemble(
    page_id: str, body: list[str], headline: str | None, visible: list[str], rng: random.Random
) -> Export:
    pools = _pools(body, headline, visible)
    spare = pools.before + pools.inside + pools.after  # for pages short of one pool
    before = _window(pools.before or spare, rng.randint(1, 6), rng)
    spare = [line for line in spare if line not in before]
    after = _window(pools.after or spare, rng.randint(1, 6), rng)
    spare = [line for line in spare if line not in after]
    inside = rng.sample(pools.inside or spare, min(rng.randint(1, 3), len(pools.inside or spare)))
    lines = [Line(text, ARTICLE) for text in body]
    for text in inside:  # between two paragraphs, never at either end of the body
        lines.insert(rng.randint(1, max(1, len(lines) - 1)), Line(text, BOILERPLATE))
    head = [Line(text, BOILERPLATE) for text in before]
    if headline and rng.random() < 0.5:
        head.insert(rng.randint(0, len(head)), Line(headline, TITLE))
    tail = [Line(text, BOILERPLATE) for text in after]
    return Export(page_id, _first_copies(head + lines + tail), blank_lines=rng.random() < 0.3)


def _first_copies(lines: list[Line]) -> list[Line]:
    """Drop later copies of a text: a line both in the header and the body is ambiguous."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line.text not in seen:
            kept.append(line)
        seen.add(line.text)
    return kept


# --- Scoring ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Line counts of a cleaner's decisions on a set of exports."""

    documents: int = 0
    article: int = 0
    article_kept: int = 0
    boilerplate: int = 0
    boilerplate_dropped: int = 0
    article_dropped: int = 0  #: false positives of the boilerplate detector
    article_words: int = 0
    article_words_kept: int = 0  #: in the article lines kept: long lines weigh more
    headlines: int = 0
    headlines_found: int = 0  #: the cleaner's title is the export's headline
    wrong_titles: int = 0  #: a title was set, but not to the headline

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        """Of the lines dropped, the share that were boilerplate."""
        dropped = self.boilerplate_dropped + self.article_dropped
        return self.boilerplate_dropped / dropped if dropped else 1.0

    @property
    def recall(self) -> float:
        """Of the boilerplate lines, the share dropped."""
        return self.boilerplate_dropped / self.boilerplate if self.boilerplate else 1.0

    @property
    def article_recall(self) -> float:
        """Of the article lines, the share kept in the text."""
        return self.article_kept / self.article if self.article else 1.0

    @property
    def article_word_recall(self) -> float:
        """Of the words of the article lines, the share in the lines kept."""
        return self.article_words_kept / self.article_words if self.article_words else 1.0


def tally(export: Export, text: str, title: str | None) -> Tally:
    """Count what a cleaner that returned ``text`` and ``title`` did to each line.

    A line counts as kept when the text holds it (each copy once); anything else,
    whether removed, taken as the title, or altered, counts as dropped.
    """
    kept = Counter(text.splitlines())
    result = Tally(documents=1)
    for line in export.lines:
        was_kept = kept[line.text] > 0
        kept[line.text] -= was_kept
        if line.label == ARTICLE:
            result.article += 1
            result.article_kept += was_kept
            result.article_dropped += not was_kept
            result.article_words += len(line.text.split())
            result.article_words_kept += was_kept * len(line.text.split())
        elif line.label == BOILERPLATE:
            result.boilerplate += 1
            result.boilerplate_dropped += not was_kept
    if export.headline is not None:
        result.headlines += 1
        result.headlines_found += title == export.headline
    result.wrong_titles += title is not None and title != export.headline
    return result


def score(
    exports: Iterable[Export], clean: Callable[[str], tuple[str, str | None]]
) -> Iterator[tuple[Export, Tally]]:
    """Each export with the tally of ``clean`` (text in, ``(text, title)`` out) on it."""
    for export in exports:
        text, title = clean(export.text)
        yield export, tally(export, text, title)
