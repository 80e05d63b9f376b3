"""The page's tree made plain before trafilatura reads it, in place.

Tables are kept by default: data tables are part of the story. Tables used for
layout (cells holding paragraphs, headings or other tables) are turned into plain
blocks first, so that the article in one comes out paragraph by paragraph rather
than as one table row, and the navigation cell beside it is judged as navigation.
Inline code and empty inline elements, on which trafilatura loses words (an empty
link in recall mode, the text after an empty marker or icon in precision mode), are made
plain text and removed, and so are readers' comment threads named in other languages
than English (trafilatura knows only "comment" in an id or class). Prose loose after a
box, in a body of paragraphs, is made a paragraph again, and so is a <div> written as a
paragraph among paragraphs. Inline elements in the running text of a paragraph lose
their class, id and style, which name boxes, not words. A section in Chinese, Japanese or
Korean that trafilatura would judge short by its characters is unwrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import XPath, iterwalk
from lxml.html import HtmlElement

from pipelines.extract.cleanup import squash
from pipelines.extract.prose import MIN_PARAGRAPH_CHARS, NO_TEXT, is_paragraph
from pipelines.extract.vocabulary import COMMENT_THREAD

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
_TABLE_PARTS = ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption")
#: Elements of inline code: a command, a key, a variable in a sentence.
_INLINE_CODE = ("code", "kbd", "samp", "tt", "var")
#: Elements that mark words inside a sentence.
_INLINE = ("a", "span", "em", "strong", "b", "i", "u", "small", "mark", "font", "q", "cite")
#: Inline elements that hold nothing are removed: an empty link, marker or icon.
_EMPTY_DROPPED = ("a", "span", "b", "strong", "em", "i", "q")
#: What a paragraph's running text holds besides words: a <div> of only these is written
#: as a paragraph.
_RUNNING_TEXT = frozenset(_INLINE + _INLINE_CODE + ("abbr", "sup", "sub", "br"))
#: trafilatura's precision mode deletes a block holding a link and less text than this
#: (characters), or than the second for the last block of its parent.
SHORT_BLOCK_CHARS = 100
SHORT_LAST_BLOCK_CHARS = 200
#: A character of the wide scripts (East Asian Wide or Fullwidth): Hangul, CJK ideographs,
#: kana, their punctuation and fullwidth forms; not emoji, wide too but no words.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
    "\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_PARAGRAPH_TEXT = XPath("//p//text()", smart_strings=False)
#: Attributes trafilatura's pruning reads as the name of a box to drop.
_BOX_NAMES = ("class", "id", "style")


#: Block elements: the prose loose after one, and the inline elements that follow it up to
#: the next block, are a paragraph of their own.
_BLOCKS = frozenset(
    {"div", "table", "ul", "ol", "dl", "figure", "aside", "section", "blockquote", "form"}
    | {"nav", "header", "footer", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "p"}
)


def make_plain(tree: HtmlElement) -> None:
    """Layout tables turned into blocks, inline code into text, <div>s written as
    paragraphs into <p>s, inline words unnamed, empty inline elements and comment threads
    gone, prose loose after a box a paragraph again."""
    _unwrap_layout_tables(tree)
    _inline_code_as_text(tree)
    _divs_written_as_paragraphs(tree)
    _inline_words_unnamed(tree)
    _drop_empty_inline(tree)
    _drop_comment_threads(tree)
    _paragraphs_after_boxes(tree)
    _wide_script_sections_opened(tree)


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn the tables that lay out the page (cells with paragraphs, headings or other
    tables in them) into <div>s, in place; data tables, nested or not, stay."""
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


def _inline_code_as_text(tree: HtmlElement) -> None:
    """Turn inline code (``<code>``, ``<kbd>``... outside ``<pre>``) into plain spans, in
    place: trafilatura treats each as a code block, and in a paragraph of prose its
    recall mode then drops the words after the second one ("<code>sftp</code> is like
    <code>ftp</code>. <code>sftp</code> can copy..." loses the second sentence)."""
    inline = [el for el in tree.iter(*_INLINE_CODE) if next(el.iterancestors("pre"), None) is None]
    for element in inline:
        element.tag = "span"


def _divs_written_as_paragraphs(tree: HtmlElement) -> None:
    """Rename to <p>, in place, each <div> written as a paragraph among paragraphs: words
    and inline elements only, a paragraph's length, and a <p> of that length beside it.
    trafilatura reads a <div>'s own text only on pages with next to no <p> prose, and drops
    it elsewhere: a note or a warning inside a manual's section (<div class="note">), a
    closing line of an article."""
    written = [div for div in tree.iter("div") if _written_as_paragraph(div)]
    # Each parent's <p>s are read once, however many such <div>s it holds.
    parents = {div.getparent() for div in written} - {None}
    among_paragraphs = {
        parent for parent in parents if any(map(is_paragraph, parent.iterchildren("p")))
    }
    for div in written:
        if div.getparent() in among_paragraphs:
            div.tag = "p"


def _written_as_paragraph(div: HtmlElement) -> bool:
    children = (child for child in div if isinstance(child.tag, str))
    return all(child.tag in _RUNNING_TEXT for child in children) and is_paragraph(div)


def _inline_words_unnamed(tree: HtmlElement) -> None:
    """Strip the class, id and style of inline elements inside a paragraph's running
    text, in place. trafilatura drops any element whose class or style names a box
    ("link", "bottom", a border), and in precision mode an inline one too, which cuts
    words out of a sentence ("has reported that <span class="link"><a>the NFL will fine
    Rudolph</a></span> for his role" loses the link's words). An element that opens the
    paragraph (a label: "[Members only]") or holds half of it or more (a caption, a
    credit, a "Read more" link) keeps its names."""
    for paragraph in tree.iter("p"):
        named = [
            element
            for element in _after_words(paragraph)
            if element.tag in _INLINE and any(element.get(name) is not None for name in _BOX_NAMES)
        ]
        if not named:
            continue
        whole = len(paragraph.text_content().strip())
        for element in named:
            if 2 * len(element.text_content().strip()) < whole:
                for name in _BOX_NAMES:
                    element.attrib.pop(name, None)


def _after_words(paragraph: HtmlElement) -> Iterator[HtmlElement]:
    """The descendants of ``paragraph`` that some of its words come before, in one walk
    (a paragraph of thousands of links costs no more than its size)."""
    seen_words = bool((paragraph.text or "").strip())
    for event, element in iterwalk(paragraph, events=("start", "end", "comment", "pi")):
        if element is paragraph:
            continue
        if event == "start":
            if seen_words:
                yield element
            seen_words = seen_words or bool((element.text or "").strip())
        else:  # the end of an element, or a comment: what follows it is words
            seen_words = seen_words or bool((element.tail or "").strip())


def _drop_empty_inline(tree: HtmlElement) -> None:
    """Remove the inline elements that hold nothing, in place, their tail text kept. In
    recall mode trafilatura drops a list item that starts with an empty link ("<li><a
    class="indexterm"></a><div>the owner (u);</div></li>"); in precision mode it deletes
    an empty <span>, <strong> or <i> with the text after it, so a paragraph that starts
    after a marker ("<span id="more-5129"></span>Dari hadits...", a blog's "read more"
    point) or an icon ("<i class="icon"></i>") loses its words."""
    empty = [
        element
        for element in tree.iter(*_EMPTY_DROPPED)
        if len(element) == 0
        and not (element.text or "").strip()
        # a space alone between two words is a word break, not an empty element
        and (element.tag == "a" or not element.text)
    ]
    for element in empty:
        element.drop_tree()


def _drop_comment_threads(tree: HtmlElement) -> None:
    """Remove the elements whose id or class names a comment thread in another language
    than English (:data:`COMMENT_THREAD`), in place, unless one holds the page's headline
    or most of its text: then the name is the page's, not a thread's."""
    threads = [
        element
        for element in tree.iter("div", "section", "aside", "ol", "ul")
        if COMMENT_THREAD.search(f"{element.get('id', '')} {element.get('class', '')}")
    ]
    if not threads:
        return
    page_chars = len(tree.text_content())
    for element in threads:
        if element.getparent() is None or next(element.iter("h1"), None) is not None:
            continue
        if 2 * len(element.text_content()) < page_chars:
            element.drop_tree()


def _paragraphs_after_boxes(tree: HtmlElement) -> None:
    """Put the prose that follows a block element, loose in a body of paragraphs, in a
    <p> of its own, in place. A template that lost a paragraph's opening tag writes it
    after a column of links ("</div>SAN FRANCISCO (AP) — Steve Jobs resigned...</p>"):
    to the parser it is the column's tail, and trafilatura drops it with the column; a
    browser shows it as a paragraph."""
    boxes = [
        box
        for box in tree.iter(*_BLOCKS)
        if len((box.tail or "").strip()) >= MIN_PARAGRAPH_CHARS
        and (parent := box.getparent()) is not None
        and parent.find("p") is not None
    ]
    for box in boxes:
        paragraph = box.makeelement("p", {})
        paragraph.text, box.tail = box.tail, None
        inline = box.getnext()
        while inline is not None and inline.tag not in _BLOCKS:
            following = inline.getnext()
            paragraph.append(inline)  # with its tail: the rest of the sentence
            inline = following
        box.addnext(paragraph)


def _wide_script_sections_opened(tree: HtmlElement) -> None:
    """Unwrap, in place, each <div> of paragraphs that trafilatura's precision mode would
    take for a short box of links only because its script is wide: it deletes a block
    with a link and under ``SHORT_BLOCK_CHARS`` characters (``SHORT_LAST_BLOCK_CHARS`` the
    last of its parent), a measure made for spaced scripts, where a Chinese, Japanese or
    Korean character says as much as two. Such a <div> (the closing section of a manual's
    page: a heading and two paragraphs of 140 characters naming a module, linked) whose
    text reaches the limit with its wide characters counted twice, and whose links hold
    less than half of it, has its blocks read as its parent's. A page whose paragraphs are
    all in spaced scripts is never touched: its text weighs what it measures."""
    if not _WIDE.search("".join(_PARAGRAPH_TEXT(tree))):
        return
    sizes = _text_sizes(tree)
    opened = []
    for div in tree.iter("div"):
        chars, wide, linked = sizes[div]
        last = not any(isinstance(sibling.tag, str) for sibling in div.itersiblings())
        limit = SHORT_LAST_BLOCK_CHARS if last else SHORT_BLOCK_CHARS
        if chars < limit <= chars + wide and 0 < 2 * linked < chars and div.find("p") is not None:
            opened.append(div)
    for div in opened:
        div.drop_tag()


def _text_sizes(tree: HtmlElement) -> dict[HtmlElement, tuple[int, int, int]]:
    """Each element's text as a reader sees it: (characters, how many of them are wide,
    how many are in links), whitespace squashed, in one pass from the leaves up (a deep
    page costs no more than a flat one)."""
    sizes: dict[HtmlElement, tuple[int, int, int]] = {}
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    for element in reversed(elements):  # children before their parents
        own = "" if element.tag in NO_TEXT else squash(element.text or "")
        chars, wide, linked = len(own), len(_WIDE.findall(own)), 0
        for child in element:
            tail = squash(child.tail or "")
            child_chars, child_wide, child_linked = sizes.get(child, (0, 0, 0))
            chars += child_chars + len(tail)
            wide += child_wide + len(_WIDE.findall(tail))
            linked += child_chars if child.tag == "a" else child_linked
        sizes[element] = (chars, wide, linked)
    return sizes


def _nearest_table(part: HtmlElement) -> HtmlElement | None:
    return next(part.iterancestors("table"), None)
