"""How much prose a page holds, and whether it is written in <p>s or in <div>s.

The measure :mod:`pipelines.extract.body` judges trafilatura's output against: an
extraction far shorter than the page's prose left some out. Pages written in <div>
paragraphs (documentation generators) are read differently from those in <p>s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipelines.extract.cleanup import squash

#: A page with less prose than this (characters) is short: its <div>s are looked at, and
#: an extraction shorter than this gets a second opinion.
MIN_FAST_CHARS = 600
#: A <p> this long (characters) counts towards the page's paragraph text.
MIN_PARAGRAPH_CHARS = 80
#: A <div> with less than this share of its text in <div>s inside it is a paragraph.
MAX_BLOCK_SHARE = 0.5

#: Elements that make a <div> a container of blocks rather than a paragraph.
_BLOCK_TAGS = (
    *("p", "div", "section", "article", "aside", "blockquote", "pre", "table", "form"),
    *("ul", "ol", "dl", "li", "h1", "h2", "h3", "h4", "h5", "h6"),
)
#: Elements whose text no reader sees.
NO_TEXT = ("script", "style", "noscript", "template")


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


def is_paragraph(block: HtmlElement) -> bool:
    """Whether a block's text is a paragraph's length (``MIN_PARAGRAPH_CHARS``)."""
    return len(squash(block.text_content())) >= MIN_PARAGRAPH_CHARS


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
        own = 0 if element.tag in NO_TEXT else len(squash(element.text or ""))
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
