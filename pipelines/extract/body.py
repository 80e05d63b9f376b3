"""The body text of an HTML page: which trafilatura runs to make, and mending their output.

One run in precision mode without its fallback extractors (``fast``) serves most
pages. When that run is suspiciously short against the page's own paragraph text and
found next to nothing of it, the full cascade (readability and jusText comparison) runs
too and the longer text wins; if the text stays short, a recall-mode run is taken when
it finds clearly more. Pages written in <div> paragraphs rather than <p>s
(documentation generators) are read in recall mode at once: the other modes drop the
words before an inline element there. When the body is cut where a full-width ad split
the article container in two, the containers of the same kind beside it are read as well,
and a list that a kept paragraph announces (:mod:`pipelines.extract.announced`) is put back.

The tree is made plain first (:mod:`pipelines.extract.markup`). When what the tables
gave is rows of links (a menu laid out as a table), the page is read again without
tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

import trafilatura
from lxml.html import HtmlElement

from pipelines.article import Rejected
from pipelines.extract.announced import mend_announced_lists
from pipelines.extract.cleanup import LINK_COVER, PageLinks, squash
from pipelines.extract.markup import make_plain
from pipelines.extract.prose import MIN_FAST_CHARS, page_prose

if TYPE_CHECKING:
    from trafilatura.settings import Document

#: Extractions below this share of the page's paragraph text (or shorter than
#: MIN_FAST_CHARS) get the full cascade as a second opinion.
MIN_PARAGRAPH_SHARE = 0.6

#: Below this share of the page's paragraph text, prose was left out: the containers
#: beside the body's are looked at (a body split by an ad).
MEND_BELOW_SHARE = 0.9

#: A short run gets the full cascade only when it is shorter than this (characters) or
#: than this share of the page's paragraph text.
MIN_CASCADE_CHARS = 200
MIN_CASCADE_SHARE = 0.3
#: A recall-mode run replaces a short precise one when it is this much longer.
MIN_RECALL_GAIN = 1.25

#: Table rows of links from which a page is read again without tables: this many,
#: and this share of the table rows in the text.
MIN_LINK_ROWS = 3
MIN_LINK_ROW_SHARE = 0.5

#: Share of link text above which extracted "text" is a menu or an index page. When a
#: page has no article, trafilatura's fallbacks return its navigation links as text;
#: on the 181 real articles of the eval set the share is at most 0.18.
MAX_LINK_SHARE = 0.5


#: Ancestors that bound one article; a split body is only mended inside one of them.
_ARTICLE_SCOPES = {"article", "main"}


def body_lines(tree: HtmlElement, url: str | None, links: PageLinks) -> list[str]:
    """The lines of the article in ``tree``, one paragraph or list item each.

    ``links`` are the page's link texts, to tell a table of links from a data table.
    ``tree`` is made plain in place (:func:`pipelines.extract.markup.make_plain`).
    """
    make_plain(tree)
    prose = page_prose(tree)
    if prose.in_divs:
        # trafilatura's precision and balanced modes lose the text around inline elements
        # of <div> paragraphs (the words before a <code>); its recall mode reads them whole.
        text = _extract(tree, url, focus="recall")
    else:
        text = _precise_text(tree, url, prose.chars, links)
    lines = _lines(text)
    _reject_menu(lines, links)
    if has_link_tables(lines, links):
        lines = _lines(_extract(tree, url, tables=False)) or lines
    if sum(map(len, lines)) < MEND_BELOW_SHARE * prose.chars:
        lines = mend_split_body(lines, tree)
    return mend_announced_lists(lines, tree)


def link_share(lines: list[str], links: PageLinks) -> float:
    """The share of the text (in characters) made of lines that are a link's whole text."""
    linked = sum(len(line) for line in lines if line.removeprefix("- ") in links.texts)
    return linked / max(sum(len(line) for line in lines), 1)


def has_link_tables(lines: list[str], links: PageLinks) -> bool:
    """Whether the table rows among ``lines`` are mostly rows of link texts."""
    rows = [line for line in lines if line.startswith("|") and line.strip("|-: ")]
    linked = sum(_is_link_row(row, links) for row in rows)
    return linked >= MIN_LINK_ROWS and linked >= MIN_LINK_ROW_SHARE * len(rows)


def mend_split_body(lines: list[str], tree: HtmlElement) -> list[str]:
    """``lines`` with the paragraphs of the body's sibling containers put back.

    Sites close the article container before a full-width ad and open an identical
    one after it; trafilatura keeps the first. Containers with the same tag and class
    as the one holding the extracted paragraphs, within the same <article> or <main>,
    are taken for the rest of the body, in document order.
    """
    found = {squash(p.text_content()): p for p in tree.iter("p")}
    matched = [found[line] for line in lines if line in found]
    if len(matched) < 2:
        return lines
    container = Counter(p.getparent() for p in matched).most_common(1)[0][0]
    scope = _article_scope(container)
    if scope is None or not container.get("class"):
        return lines
    order = {el: i for i, el in enumerate(scope.iter())}
    known = set(lines)
    merged = list(lines)
    for twin in _twins(container, scope):
        extra = [t for p in twin.iter("p") if (t := squash(p.text_content())) and t not in known]
        if not extra:
            continue
        merged = _insert(merged, extra, order[twin], found, order)
        known.update(extra)
    return merged


def _precise_text(tree: HtmlElement, url: str | None, page_text: int, links: PageLinks) -> str:
    """The text of a precision-mode run, with the second opinions a short one calls for."""

    def short(text: str) -> bool:
        return len(text) < MIN_FAST_CHARS or len(text) < MIN_PARAGRAPH_SHARE * page_text

    text = _extract(tree, url)
    if short(text) and _next_to_nothing(text, page_text):
        text = max(text, _extract(tree, url, fast=False), key=len)
    if short(text):
        # Without the fallbacks: in recall mode they changed no result on the eval pages.
        recall = _extract(tree, url, focus="recall")
        # A menu or a section front: precision mode leaves a stray line of it, the
        # recall run shows what the page is made of. A short post in the page's one
        # <article> is no stray line, however much navigation surrounds it.
        if not _in_sole_article(_lines(text), tree):
            _reject_menu(_lines(recall), links)
        below_page = len(text) < MIN_PARAGRAPH_SHARE * page_text
        if below_page and len(recall) > MIN_RECALL_GAIN * len(text):
            text = recall
    return text


def _next_to_nothing(text: str, page_text: int) -> bool:
    """Whether a precision run found next to nothing of the page's prose: then, and only
    then, the fallback extractors have found a body it missed (on the eval and check-set
    pages; a run holding a third of the prose came out the same, at twice the time)."""
    return len(text) < MIN_CASCADE_CHARS or len(text) < MIN_CASCADE_SHARE * page_text


def _in_sole_article(lines: list[str], tree: HtmlElement) -> bool:
    """Whether ``lines`` (some) all come from the page's only <article> element."""
    articles = tree.xpath("//article")
    if not lines or len(articles) != 1:
        return False
    inside = squash(articles[0].text_content())
    return all(line.removeprefix("- ") in inside for line in lines)


def _extract(
    tree: HtmlElement,
    url: str | None,
    fast: bool = True,
    focus: str = "precision",
    tables: bool = True,
) -> str:
    # Comments are not part of the article. trafilatura copies the tree it is given.
    # A Document, or None: bare_extraction() returns a dict only when as_dict=True.
    doc = cast(
        "Document | None",
        trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=tables,
            favor_precision=focus == "precision",
            favor_recall=focus == "recall",
            fast=fast,
        ),
    )
    return doc.text if doc is not None and doc.text else ""


def _lines(text: str) -> list[str]:
    return [line for line in map(squash, text.splitlines()) if line]


def _reject_menu(lines: list[str], links: PageLinks) -> None:
    if link_share(lines, links) > MAX_LINK_SHARE:
        raise Rejected("no article found: the page's text is mostly links (a menu or index page)")


def _is_link_row(row: str, links: PageLinks) -> bool:
    cells = [cell.strip() for cell in row.strip("|").split("|") if cell.strip()]
    linked = sum(cell in links.texts for cell in cells)
    return bool(cells) and linked >= LINK_COVER * len(cells)


def _article_scope(element: HtmlElement) -> HtmlElement | None:
    for ancestor in element.iterancestors():
        if ancestor.tag in _ARTICLE_SCOPES or ancestor.get("role") == "main":
            return ancestor
    return None


def _twins(container: HtmlElement, scope: HtmlElement) -> Iterator[HtmlElement]:
    """Elements in ``scope`` with the container's tag and class, other than it and its kin."""
    kin = {container, *container.iterancestors()}
    for element in scope.iter(container.tag):
        if (
            element.get("class") == container.get("class")
            and element not in kin
            and container not in set(element.iterancestors())
        ):
            yield element


def _insert(
    lines: list[str],
    extra: list[str],
    position: int,
    found: dict[str, HtmlElement],
    order: dict[HtmlElement, int],
) -> list[str]:
    """``extra`` put after the last line whose paragraph comes before ``position``."""
    at = 0
    for i, line in enumerate(lines):
        element = found.get(line)
        if element is not None and order.get(element, -1) < position:
            at = i + 1
    return lines[:at] + extra + lines[at:]
