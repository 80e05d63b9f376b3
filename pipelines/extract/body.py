"""The body text of an HTML page: which trafilatura runs to make, and mending their output.

One run in precision mode without its fallback extractors (``fast``) serves most
pages. When that run is suspiciously short against the page's own paragraph text,
the full cascade (readability and jusText comparison) runs too and the longer text
wins; if even that stays short, a recall-mode run is taken when it finds clearly
more. Pages written in <div> paragraphs rather than <p>s (documentation generators)
are read in recall mode at once: the other modes drop the words before an inline
element there. When the body is cut where a full-width ad split the article container in
two, the containers of the same kind beside it are read as well.

Tables are kept by default: data tables are part of the story. Tables used for
layout (cells holding paragraphs, headings or other tables) are turned into plain
blocks first, so that the article in one comes out paragraph by paragraph rather
than as one table row, and the navigation cell beside it is judged as navigation.
When what the tables gave is rows of links (a menu laid out as a table), the page
is read again without tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import trafilatura
from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.article import Rejected
from pipelines.extract.cleanup import LINK_COVER, PageLinks, squash

if TYPE_CHECKING:
    from trafilatura.settings import Document

#: Extractions shorter than this (characters) get the full cascade as a second opinion.
MIN_FAST_CHARS = 600

#: ... and so do those below this share of the page's paragraph text.
MIN_PARAGRAPH_SHARE = 0.6

#: Below this share of the page's paragraph text, prose was left out: the containers
#: beside the body's are looked at (a body split by an ad).
MEND_BELOW_SHARE = 0.9

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

#: A <p> this long (characters) counts towards the page's paragraph text.
MIN_PARAGRAPH_CHARS = 80
#: A <div> with less than this share of its text in <div>s inside it is a paragraph.
MAX_BLOCK_SHARE = 0.5

#: What a table cell holds when the table lays out the page rather than data: a
#: heading, another table, or a paragraph of prose (a data table may wrap "63" in a <p>).
_LAYOUT_CELL = XPath(
    " | ".join(
        f".//{cell}//{content}"
        for cell in ("td", "th")
        for content in (
            "h1",
            "h2",
            "h3",
            "table",
            "article",
            f"p[string-length(normalize-space()) >= {MIN_PARAGRAPH_CHARS}]",
            f"blockquote[string-length(normalize-space()) >= {MIN_PARAGRAPH_CHARS}]",
        )
    )
)
#: Elements that make a <div> a container of blocks rather than a paragraph.
_BLOCK_TAGS = (
    *("p", "div", "section", "article", "aside", "blockquote", "pre", "table", "form"),
    *("ul", "ol", "dl", "li", "h1", "h2", "h3", "h4", "h5", "h6"),
)
#: Elements of inline code: a command, a key, a variable in a sentence.
_INLINE_CODE = ("code", "kbd", "samp", "tt", "var")
#: Elements whose text no reader sees.
_NO_TEXT = ("script", "style", "noscript", "template")
_TABLE_PARTS = ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption")


#: Ancestors that bound one article; a split body is only mended inside one of them.
_ARTICLE_SCOPES = {"article", "main"}


def body_lines(tree: HtmlElement, url: str | None, links: PageLinks) -> list[str]:
    """The lines of the article in ``tree``, one paragraph or list item each.

    ``links`` are the page's link texts, to tell a table of links from a data table.
    Layout tables in ``tree`` are turned into blocks in place.
    """
    unwrap_layout_tables(tree)
    inline_code_as_text(tree)
    drop_empty_anchors(tree)
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
    return lines


def link_share(lines: list[str], links: PageLinks) -> float:
    """The share of the text (in characters) made of lines that are a link's whole text."""
    linked = sum(len(line) for line in lines if line.removeprefix("- ") in links.texts)
    return linked / max(sum(len(line) for line in lines), 1)


def has_link_tables(lines: list[str], links: PageLinks) -> bool:
    """Whether the table rows among ``lines`` are mostly rows of link texts."""
    rows = [line for line in lines if line.startswith("|") and line.strip("|-: ")]
    linked = sum(_is_link_row(row, links) for row in rows)
    return linked >= MIN_LINK_ROWS and linked >= MIN_LINK_ROW_SHARE * len(rows)


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn the tables that lay out the page (cells with paragraphs, headings or other
    tables in them) into <div>s, in place; data tables, nested or not, stay.

    Returns how many tables were turned.
    """
    layout = [table for table in tree.iter("table") if _LAYOUT_CELL(table)]
    # Each table's own rows and cells, found before any is renamed.
    parts = [
        part
        for table in layout
        for part in table.iter(*_TABLE_PARTS)
        if part is table or _nearest_table(part) is table
    ]
    for part in parts:
        part.tag = "div"
    return len(layout)


def inline_code_as_text(tree: HtmlElement) -> int:
    """Turn inline code (``<code>``, ``<kbd>``... outside ``<pre>``) into plain spans, in
    place: trafilatura treats each as a code block, and in a paragraph of prose its
    recall mode then drops the words after the second one ("<code>sftp</code> is like
    <code>ftp</code>. <code>sftp</code> can copy..." loses the second sentence).

    Returns how many elements were turned.
    """
    inline = [el for el in tree.iter(*_INLINE_CODE) if next(el.iterancestors("pre"), None) is None]
    for element in inline:
        element.tag = "span"
    return len(inline)


def drop_empty_anchors(tree: HtmlElement) -> int:
    """Remove the links that hold nothing (``<a id="x"></a>``: index terms, named targets),
    in place, their tail text kept: in recall mode trafilatura drops a list item that
    starts with one ("<li><a class="indexterm"></a><div>the owner (u);</div></li>").

    Returns how many were removed.
    """
    empty = [a for a in tree.iter("a") if len(a) == 0 and not (a.text or "").strip()]
    for anchor in empty:
        anchor.drop_tree()
    return len(empty)


@dataclass(frozen=True, slots=True)
class PageProse:
    """How much text (characters) the page has in paragraphs long enough to be prose,
    and whether those paragraphs are <div>s rather than <p>s."""

    chars: int
    in_divs: bool = False


def page_prose(tree: HtmlElement) -> PageProse:
    """The page's prose: its <p>s; on a page with next to none, its <div>s holding prose
    of their own (see :func:`_paragraph_divs`), as documentation generators (DocBook's
    <div class="para">) and some site builders write paragraphs. (Not on every page: on
    news pages such <div>s are mostly teasers, captions and comments, and counting them
    would make every extraction look short.)
    """
    in_ps = _prose_chars(tree.iter("p"))
    if in_ps >= MIN_FAST_CHARS:
        return PageProse(in_ps)
    in_divs = sum(size for size in _paragraph_divs(tree) if size >= MIN_PARAGRAPH_CHARS)
    if in_divs >= MIN_FAST_CHARS:
        return PageProse(in_divs, in_divs=True)
    return PageProse(in_ps)


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


def _prose_chars(blocks: Iterable[HtmlElement]) -> int:
    sizes = (len(squash(block.text_content())) for block in blocks)
    return sum(size for size in sizes if size >= MIN_PARAGRAPH_CHARS)


def _paragraph_divs(tree: HtmlElement) -> Iterator[int]:
    """The text (characters, whitespace squashed) of each <div> holding prose of its own:
    no block inside it but <div>s holding less than half its text (DocBook's "para"
    with a link line <div> after it is one; a section of paras, a teaser with its <h3>,
    are not). Scripts and styles hold no text. One pass from the leaves up: each
    element's text and block text are summed from its children's, so a deep page costs
    no more than a flat one."""
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    text: dict[HtmlElement, int] = {}
    in_blocks: dict[HtmlElement, int] = {}
    other_blocks: set[HtmlElement] = set()  # holding a block that is not a <div>
    for element in reversed(elements):  # children before their parents
        children = [child for child in element if child in text]
        own = 0 if element.tag in _NO_TEXT else len(squash(element.text or ""))
        text[element] = own + sum(text[c] + len(squash(c.tail or "")) for c in children)
        in_blocks[element] = sum(
            text[child] if child.tag in _BLOCK_TAGS else in_blocks[child] for child in children
        )
        if any(c in other_blocks or (c.tag in _BLOCK_TAGS and c.tag != "div") for c in children):
            other_blocks.add(element)
    for element in elements:
        if element.tag != "div" or element in other_blocks:
            continue
        if in_blocks[element] < MAX_BLOCK_SHARE * text[element]:
            yield text[element]


def _precise_text(tree: HtmlElement, url: str | None, page_text: int, links: PageLinks) -> str:
    """The text of a precision-mode run, with the second opinions a short one calls for."""

    def short(text: str) -> bool:
        return len(text) < MIN_FAST_CHARS or len(text) < MIN_PARAGRAPH_SHARE * page_text

    text = _extract(tree, url)
    if short(text):
        text = max(text, _extract(tree, url, fast=False), key=len)
    if short(text):
        # Without the fallbacks: in recall mode they changed no result on the eval pages.
        recall = _extract(tree, url, focus="recall")
        # A menu or a section front: precision mode leaves a stray line of it, the
        # recall run shows what the page is made of. A short post in the page's one
        # <article> is no stray line, however much navigation surrounds it.
        if not in_sole_article(_lines(text), tree):
            _reject_menu(_lines(recall), links)
        below_page = len(text) < MIN_PARAGRAPH_SHARE * page_text
        if below_page and len(recall) > MIN_RECALL_GAIN * len(text):
            text = recall
    return text


def in_sole_article(lines: list[str], tree: HtmlElement) -> bool:
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


def _nearest_table(part: HtmlElement) -> HtmlElement | None:
    return next(part.iterancestors("table"), None)


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
