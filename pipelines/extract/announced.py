"""Lists that a kept paragraph announces, put back where trafilatura left them out.

On a page with no container around its body (a manual's sections of plain ``<div>``s),
trafilatura keeps the paragraphs and drops the lists between them: "Folgende
Anforderungen gelten für die Erstellung des Apache:" comes out with nothing after it. A
paragraph that ends in a colon, followed at once by a list, announces that list as part
of the text in any language; when the paragraph is in the output and none of the list
is, its items are written after it, one line each as trafilatura writes a list's items.
A list mostly of links (a "Read more:" box) is left out, as trafilatura left it.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.extract.cleanup import squash

#: Paragraphs with a list as the next element (the only ones worth reading on a page).
_BEFORE_A_LIST = XPath("//p[following-sibling::*[1][self::ul or self::ol or self::dl]]")
_NEXT_ELEMENT = XPath("following-sibling::*[1]")
_ITEMS = ("li", "dt", "dd")
#: A paragraph that announces what follows ends in a colon (fullwidth in CJK scripts).
_ANNOUNCING = (":", "\uff1a")
#: An item counts as already in the output when a line starts with its first characters
#: (whitespace ignored: trafilatura and the tree may space inline elements differently).
_ITEM_KEY_CHARS = 30
_SPACE = re.compile(r"\s+")


def mend_announced_lists(lines: list[str], tree: HtmlElement) -> list[str]:
    """``lines`` with the items of each list a kept paragraph announces (see the module)
    written after that paragraph, when none of them is in ``lines``."""
    first_at: dict[str, int] = {}
    for i, line in enumerate(lines):
        first_at.setdefault(line, i)
    line_starts = {_start(line.removeprefix("- ")) for line in lines}
    missing: list[tuple[int, list[str]]] = []
    for paragraph in _BEFORE_A_LIST(tree):
        text = squash(paragraph.text_content())
        if not text.endswith(_ANNOUNCING) or text not in first_at:
            continue
        items = _announced_items(paragraph)
        if items and not any(_start(item) in line_starts for item in items):
            missing.append((first_at[text], [f"- {item}" for item in items]))
    for at, item_lines in sorted(missing, reverse=True):  # from the end: indexes hold
        lines = lines[: at + 1] + item_lines + lines[at + 1 :]
    return lines


def _announced_items(paragraph: HtmlElement) -> list[str]:
    """The items of the list right after ``paragraph`` (no words between them), unless
    half its text or more is links; else none."""
    if (paragraph.tail or "").strip():
        return []
    announced = _NEXT_ELEMENT(paragraph)[0]
    items = [
        text for item in announced if item.tag in _ITEMS if (text := squash(item.text_content()))
    ]
    linked = sum(len(squash(link.text_content())) for link in announced.iter("a"))
    return items if 2 * linked < sum(map(len, items)) else []


def _start(text: str) -> str:
    return _SPACE.sub("", text[: 2 * _ITEM_KEY_CHARS])[:_ITEM_KEY_CHARS]
