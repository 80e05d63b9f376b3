"""Post-processing of the lines trafilatura extracts from an HTML page.

trafilatura keeps, on real news pages, a few kinds of lines that are not the
article: the headline echoed at the top, a paragraph repeated by a second layout,
inline "Related: <link>" teasers, boxes of story links, readers' comments signed with
a date and a time, and a tail of calls to action, tag lists and link lists after the
last paragraph. Each rule here removes one kind, judged by the line's shape (length,
final punctuation, position) and by how much of it is the text of one of the page's
links, never by a site's strings.
Where a rule needs words (calls to action, "updated" above a dateline), it has the
few it needs in the languages newsflow meets most; social networks, dates written
out and the site's name in <title> are recognised whatever the language.

Lines are one paragraph each, whitespace squashed; list items keep trafilatura's
"- " marker.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.extract.vocabulary import CALL_TO_ACTION, DATELINE, SOCIAL_NETWORK

#: A comment's signature: a line of a few words (a reader's name, a comment's opening
#: words) that ends in a date in figures, its year whole, and a time ("razbirach -
#: 15.08.2015 г. 18:54:53", "Mit szólsz?...2016.04.02 15:01"), whatever the language.
_SIGNATURE = re.compile(
    r"(?<![\d:])(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4})\.?"
    r"[^\d\s]{0,3}\s[^\d\s]{0,3}\s?\d{1,2}:\d{2}(?::\d{2})?\)?$"
)
MAX_SIGNATURE_WORDS = 12
#: Signatures from which the rest of the text is a comment thread: one may be a dated
#: line of the article ("Updated 04.12.2026 18:52"), two are readers.
MIN_THREAD_SIGNATURES = 2
#: Characters of article before a thread: comments follow an article, while a live
#: report that dates each entry starts dating them at once.
MIN_ARTICLE_BEFORE_THREAD = 600

#: What sites put between the headline and the site or section name in <title>.
_TITLE_SEPARATOR = re.compile(r"\s+[|:\-–—·•»]+\s+")

_WORD = re.compile(r"\w+")

#: Sentence-final punctuation (Latin and CJK), closing quotes and brackets allowed after it.
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*$")

#: Punctuation that ends a sentence, not a heading.
_FULL_STOP = re.compile(r"[.!?。！？][\"'”’»)\]」』]*$")

#: How many lines at the top may be the title or a part of it: the site's banner, then
#: the headline.
HEAD_TITLE_LINES = 2

#: A site's name in a banner is at most this many words.
MAX_SITE_NAME_WORDS = 8

#: A repeated line at least this long (in words) that ends a sentence is a repeat, not a
#: legitimately recurring short item ("Buy now", a product feature in two lists).
MIN_REPEAT_WORDS = 10

#: A line is "a link" when the text of one of the page's links covers this share of it.
LINK_COVER = 0.6

#: A related-story teaser: the link is a headline of at least this many words, and
#: what is left of the line ("Related:", "SEE MORE:", "[VIDEO]") at most MAX_LABEL_WORDS.
MIN_TEASER_WORDS = 4
MAX_LABEL_WORDS = 4

#: Label lines are taken for page furniture only among this many last lines: a longer
#: run of short lines at the end is an info box or a list of the article's own.
TAIL_LABEL_LINES = 2

#: A label line ("Don't miss", "Most read", "Tags") is at most this many words and
#: characters (the latter for scripts written without spaces).
MAX_LABEL_LINE_WORDS = 5
MAX_LABEL_LINE_CHARS = 40

#: A call to action (vocabulary.CALL_TO_ACTION) in a line of at most this many words.
MAX_CALL_TO_ACTION_WORDS = 40

#: A line naming a social network (vocabulary.SOCIAL_NETWORK) of at most this many words.
MAX_SOCIAL_LINE_WORDS = 12

#: What separates the items of a tag list or a row of links.
_LIST_SEPARATOR = re.compile(r"[,|•·]")
MIN_LINK_LIST_ITEMS = 3

#: A web address alone on a line.
_BARE_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

#: An address or handle: in a short line at the end, a "more at ..."/"reach us at ..." line.
_ADDRESS = re.compile(r"https?://|\bwww\.\w|(?<!\w)@\w")
MAX_ADDRESS_LINE_WORDS = 15

#: A date or byline line (vocabulary.DATELINE) above the article is at most this long.
MAX_DATELINE_WORDS = 12


@dataclass(frozen=True, slots=True)
class PageLinks:
    """The texts of a page's links, squashed, to tell how much of a line is a link."""

    texts: frozenset[str]
    #: The lengths, in words, that the link texts come in.
    sizes: tuple[int, ...] = ()
    #: The first and the last words of the link texts, brackets aside: a line neither
    #: starting nor ending with one is covered by no link, and is passed over at once.
    edges: frozenset[str] = frozenset()

    @classmethod
    def of(cls, texts: Iterable[str]) -> PageLinks:
        found = frozenset(t for t in map(squash, texts) if len(t) >= 2)
        sizes = tuple(sorted({len(t.split(" ")) for t in found}, reverse=True))
        edges = {_strip_brackets(w) for t in found for w in (t.split(" ")[0], t.split(" ")[-1])}
        return cls(found, sizes, frozenset(edges))

    def cover(self, line: str) -> tuple[int, str]:
        """The longest link text that is the whole line, a prefix or a suffix of it
        (word-aligned, list marker and brackets aside), and what is left of the line."""
        words = _bare(line).split(" ")
        if not {_strip_brackets(words[0]), _strip_brackets(words[-1])} & self.edges:
            return 0, _bare(line)
        for size in self.sizes:
            if size > len(words):
                continue
            for start in {0, len(words) - size}:
                candidate = " ".join(words[start : start + size])
                if _strip_brackets(candidate) in self.texts or candidate in self.texts:
                    rest = words[:start] + words[start + size :]
                    return len(candidate), " ".join(rest)
        return 0, _bare(line)

    def share(self, line: str) -> float:
        covered, _ = self.cover(line)
        return covered / max(len(_bare(line)), 1)


def tidy(
    lines: Iterable[str],
    headlines: Iterable[str] = (),
    links: PageLinks | None = None,
) -> list[str]:
    """The article's paragraphs from trafilatura's lines, each rule of this module applied.

    ``headlines`` are the page's title, <h1> and og:title; ``links`` its link texts.
    """
    links = links or PageLinks(frozenset())
    paragraphs = [line for line in map(squash, lines) if line]
    paragraphs = drop_headline(paragraphs, headlines)
    paragraphs = drop_repeats(paragraphs)
    paragraphs = drop_comment_thread(paragraphs)
    paragraphs = drop_teasers(paragraphs, links)
    paragraphs = drop_link_boxes(paragraphs, links)
    paragraphs = trim_head(paragraphs)
    return trim_tail(paragraphs, links)


def drop_headline(lines: list[str], headlines: Iterable[str]) -> list[str]:
    """Without the first lines if they are the headline, give or take punctuation and site
    name, or the site's name as the <title> gives it: the banner above the headline
    ("Apache HTTP Server Version 2.4" on a page titled "Binding - Apache HTTP Server
    Version 2.4"), in whatever language the site names itself."""
    titles = [h for h in headlines if h]
    start = found = 0
    while start < len(lines) and found < HEAD_TITLE_LINES:
        if any(is_headline(lines[start], t) or names_site(lines[start], t) for t in titles):
            found += 1
        elif not _BARE_ADDRESS.match(lines[start]):  # the page's own address, printed above
            break
        start += 1
    return lines[start:]


def drop_repeats(lines: list[str]) -> list[str]:
    """Without a line equal to the one before it, nor a sentence seen earlier on the page."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in lines:
        key = _bare(line).casefold()
        if kept and key == _bare(kept[-1]).casefold():
            continue
        if key in seen:
            continue
        if len(key.split()) >= MIN_REPEAT_WORDS and _SENTENCE_END.search(key):
            seen.add(key)
        kept.append(line)
    return kept


def drop_comment_thread(lines: list[str]) -> list[str]:
    """Without the readers' comments after the article: the lines from the first of
    :data:`MIN_THREAD_SIGNATURES` or more signatures (a name or a comment's opening,
    a date and a time, :data:`_SIGNATURE`) to the end, when an article comes before
    them (:data:`MIN_ARTICLE_BEFORE_THREAD`)."""
    signed = [i for i, line in enumerate(lines) if _is_signature(line)]
    if len(signed) < MIN_THREAD_SIGNATURES:
        return lines
    article = lines[: signed[0]]
    return article if sum(map(len, article)) >= MIN_ARTICLE_BEFORE_THREAD else lines


def _is_signature(line: str) -> bool:
    """A short line ending in a date and a time, not a table row (a log's, a listing's)."""
    short = len(line.split()) <= MAX_SIGNATURE_WORDS
    return short and not line.startswith("|") and bool(_SIGNATURE.search(line))


def drop_teasers(lines: list[str], links: PageLinks) -> list[str]:
    """Without "Related: <headline link>" lines: a link's headline under a short label."""
    return [line for line in lines if not _is_teaser(line, links)]


def drop_link_boxes(lines: list[str], links: PageLinks) -> list[str]:
    """Without boxes of story links: a short label line ("Don't miss", "Read more")
    followed by two or more lines that are each a link."""
    linked = [links.share(line) >= LINK_COVER for line in lines]
    # How many link lines follow each line, counted from the end in one pass.
    after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        after[i] = after[i + 1] + 1 if linked[i] else 0
    kept: list[str] = []
    skip_until = 0
    for i, line in enumerate(lines):
        if i < skip_until:
            continue
        if _is_label(line) and after[i + 1] >= 2:
            skip_until = i + 1 + after[i + 1]
            continue
        kept.append(line)
    return kept


def trim_head(lines: list[str]) -> list[str]:
    """Without the short date, byline and reading-time lines above the first paragraph."""
    start = 0
    while start < min(len(lines) - 1, 3) and _is_dateline(lines[start]):
        start += 1
    return lines[start:]


def trim_tail(lines: list[str], links: PageLinks) -> list[str]:
    """Without the tail after the article: link lists, tag lists, calls to action, and
    a label or two ("Comments", "You may also like:") as the very last lines."""
    end = len(lines)
    while end > 1 and _is_tail_junk(lines[end - 1], links, len(lines) - end < TAIL_LABEL_LINES):
        end -= 1
    return lines[:end]


def is_headline(line: str, title: str) -> bool:
    """Whether ``line`` is the title, give or take punctuation, case and site name.

    Pages put the site or section name in <title> ("Pier to close | Westmere Gazette",
    "Opinion | ...") and the bare headline in <h1>, and they differ in quotes and dashes
    (’ and ', – and -): so words are compared, against the whole title and against each
    run of its parts between separators. The words are compared run together, as
    scripts written without spaces space them at will ("服务器版本" and "服务器 版本").
    """
    letters = "".join(_WORD.findall(_bare(line).casefold()))
    parts = _TITLE_SEPARATOR.split(title.casefold())
    runs = (parts[i:j] for i in range(len(parts)) for j in range(i + 1, len(parts) + 1))
    return bool(letters) and any("".join(_WORD.findall(" ".join(run))) == letters for run in runs)


def names_site(line: str, title: str) -> bool:
    """Whether ``line`` is a part of the title (the site's name, as a rule) in other words'
    order, give or take one word: "Versión 2.4 del Servidor HTTP Apache" for a <title>
    ending in "Servidor HTTP Apache Versión 2.4". Short lines ending no sentence only."""
    words = _WORD.findall(_bare(line).casefold())
    if not words or len(words) > MAX_SITE_NAME_WORDS or _FULL_STOP.search(line):
        return False
    for part in _TITLE_SEPARATOR.split(title.casefold()):
        named = set(_WORD.findall(part))
        if len(named) >= 2 and named <= set(words) and len(set(words) - named) <= 1:
            return True
    return False


def squash(s: str) -> str:
    """NFC with runs of whitespace (NBSP included) made one space, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", s).split())


def _is_teaser(line: str, links: PageLinks) -> bool:
    covered, rest = links.cover(line)
    if not rest or covered < LINK_COVER * len(_bare(line)):
        return False
    link_words = len(_bare(line).split()) - len(rest.split())
    return link_words >= MIN_TEASER_WORDS and len(_WORD.findall(rest)) <= MAX_LABEL_WORDS


def _is_label(line: str) -> bool:
    """A short heading-like line that ends no sentence: "Don't miss", "Tags", "More:".

    List items and table rows are not labels: an article may well end on a list.
    """
    return (
        not line.startswith(("- ", "|"))
        and len(line.split()) <= MAX_LABEL_LINE_WORDS
        and len(line) <= MAX_LABEL_LINE_CHARS
        and not _FULL_STOP.search(line)
    )


def _is_dateline(line: str) -> bool:
    bare = _bare(line)
    return (
        len(bare.split()) <= MAX_DATELINE_WORDS
        and not _FULL_STOP.search(bare)
        and bool(DATELINE.search(bare))
    )


def _is_tail_junk(line: str, links: PageLinks, last: bool) -> bool:
    if links.share(line) >= LINK_COVER:
        return True
    if line.startswith(("- ", "|")):  # the article's own list or table, unless of links
        return False
    words = len(line.split())
    return (
        (last and _is_label(line))
        or _is_tag_list(line)
        or _is_link_list(line, links)
        or (words <= MAX_CALL_TO_ACTION_WORDS and bool(CALL_TO_ACTION.search(line)))
        or (words <= MAX_ADDRESS_LINE_WORDS and bool(_ADDRESS.search(line)))
        or (
            words <= MAX_SOCIAL_LINE_WORDS
            and not _FULL_STOP.search(line)
            and bool(SOCIAL_NETWORK.search(line))
        )
    )


def _is_link_list(line: str, links: PageLinks) -> bool:
    """Items between commas or bars that are mostly the page's link texts: tags, topics,
    a row of menu links, whatever their length and language."""
    items = [_strip_brackets(item) for item in _LIST_SEPARATOR.split(line)]
    items = [item for item in items if item]
    linked = sum(item in links.texts for item in items)
    return len(items) >= MIN_LINK_LIST_ITEMS and linked >= LINK_COVER * len(items)


def _is_tag_list(bare: str) -> bool:
    """Short items between commas or bars: tags. Tags are words; items with figures
    ("5th edition, 2014, 896 pages, ISBN ...") make a reference or a row of data."""
    items = [item.strip() for item in _LIST_SEPARATOR.split(bare)]
    return (
        len(items) >= 4
        and all(0 < len(item.split()) <= 4 for item in items)
        and sum(any(char.isdigit() for char in item) for item in items) <= 1
        and not _SENTENCE_END.search(bare)
    )


def _bare(line: str) -> str:
    """The line without trafilatura's list marker."""
    return line[2:] if line.startswith("- ") else line


def _strip_brackets(s: str) -> str:
    return s.strip("[](){}|<>«»“”\"' ")
