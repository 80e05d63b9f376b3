"""What an HTML page states about itself: title, author, date, site name, language, URL.

Built from trafilatura's own metadata readers, minus the parts newsflow does not
publish (categories, tags, licence) and with htmldate's cheap search only
(``extensive_search=False``: header, JSON-LD, URL, ``<time>``/``<abbr>`` and date
patterns, but no scan of every text segment with dateparser) unless that finds
nothing. On the eval set that halves the metadata time at no loss of filled fields.

The author named in the page's markup (a byline element) is looked for by our own
``find_author`` rather than trafilatura's: the same kinds of markers, tested on each
element's attributes in one walk over the tree as it is, where trafilatura copies the
whole tree and runs XPath expressions whose regular expressions call back into Python.
On the eval pages that search took an eighth of the extract stage's time, and every page
stating no author in its head pays it, as most pages other than news articles do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)

#: <meta> names and properties that declare the page's language.
_LANGUAGE_METAS = {"og:locale", "content-language", "language", "dc.language"}

# The primary subtag of a language tag: "en", "en-US", "pt_BR", "en, fr".
_LANGUAGE_TAG = re.compile(r"\s*([a-z]{2})(?:[-_][a-z0-9]+)*\s*(?:[,;]|$)", re.IGNORECASE)

# "inLanguage": "en-US" in JSON-LD, read without parsing the whole blob.
_JSON_LD_LANGUAGE = re.compile(r'"inLanguage"\s*:\s*"([^"]{2,20})"')

# The host of a URL without "www.", as trafilatura names a site that states no name.
_SITE_IN_URL = re.compile(r"https?://(?:www\.)?([^/:?#]+)")

# A site name that is only a domain or a handle is no better than nothing; trafilatura
# capitalises bare words ("westmere" -> "Westmere") and we keep that.
_HANDLE = re.compile(r"^@")


#: A byline's text is shorter than this (characters).
MAX_AUTHOR_CHARS = 120


#: Elements that may hold a byline, and those that may not (comment threads, sidebars,
#: hidden and quoted text, share and print buttons, categories, dates, figures).
_TEXT_TAGS = frozenset({"a", "div", "p", "span"})
_BYLINE_TAGS = _TEXT_TAGS | {"address", "link", "strong"}
_HEADED_TAGS = _TEXT_TAGS | {"h3", "h4"}
_HIDING_TAGS = _TEXT_TAGS - {"p"} | {"section"}

# A byline's markers, from the most specific to the loosest (Chinese sites: zuozhe,
# bianji, xiaobian, "author" and "editor").
_AUTHOR_NAME_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_AUTHOR_CLASS = re.compile(
    r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_AUTHOR_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_LOOSE_AUTHOR_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
_BYLINE_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
_AUTHOR_TEST_IDS = frozenset({"AuthorCard", "AuthorURL"})

_NOT_AUTHOR_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    r"|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_NOT_AUTHOR_ID = re.compile(r"^comments|comment-?list|ProductReviews")


@dataclass(slots=True)
class PageMetadata:
    title: str | None = None
    author: str | None = None
    published: str | None = None  #: ISO 8601 date, YYYY-MM-DD
    sitename: str | None = None
    language: str | None = None  #: ISO 639-1 code, lower case
    url: str | None = None
    #: The page's <title>, og:title and <h1> texts, to recognise the headline (and the
    #: site's banner) at the top of the body.
    headlines: tuple[str, ...] = ()


def read_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """The metadata ``tree`` states, each field None where the page does not say."""
    found = examine_meta(tree)
    # <meta>'s single-word "authors" are site names and handles, not people (JSON-LD's
    # are taken as they are, as trafilatura does).
    if found.author and " " not in found.author:
        found.author = None
    found = extract_meta_json(tree, found)
    page_url = found.url or extract_url(tree, url)
    sitename = found.sitename or extract_sitename(tree) or _domain_name(page_url)
    return PageMetadata(
        title=squash(found.title or extract_title(tree)),
        author=squash(found.author or find_author(tree)),
        published=_published(tree, page_url),
        sitename=_sitename(sitename),
        language=declared_language(tree),
        url=squash(page_url) or url,
        headlines=tuple(_headlines(tree)),
    )


def find_author(tree: HtmlElement) -> str | None:
    """The author a byline element of ``tree`` names, the most specific markers first.

    Text inside comments, sidebars, quotes, dates and figures is not the author's name,
    nor is a text of 120 characters or more (a paragraph about the author).
    """
    hidden, tiers = _author_markup(tree)
    for candidates in tiers:
        for element in candidates:
            if hidden and not hidden.isdisjoint(element.iterancestors()):
                continue
            text = squash(" ".join(_text_outside(element, hidden)))
            if text and 2 < len(text) < MAX_AUTHOR_CHARS:
                return normalize_authors(None, text)
    return None


def states_article(tree: HtmlElement) -> bool:
    """Whether the page's Open Graph type is an article ("article", "article:news")."""
    return any(
        (meta.get("content") or "").strip().lower().startswith("article")
        for meta in tree.iterfind(".//meta[@property='og:type']")
    )


def declared_language(tree: HtmlElement) -> str | None:
    """The two-letter code of the language the page declares, most authoritative first."""
    for value in _language_hints(tree):
        match = _LANGUAGE_TAG.match(value or "")
        if match:
            return match.group(1).lower()
    return None


def squash(value: str | None) -> str | None:
    """NFC with runs of whitespace (NBSP included) made one space, ends trimmed; None if empty."""
    if not value:
        return None
    return " ".join(unicodedata.normalize("NFC", value).split()) or None


def _published(tree: HtmlElement, url: str | None) -> str | None:
    # The cheap search finds the date on all but about 1 % of news pages; only those pay
    # for the extensive one (every text segment through dateparser), and only if the page
    # says it is an article. On other pages (about, product, service pages) what it finds
    # is mostly a copyright year read as 1 January, at up to half the page's extraction
    # time, and far more in a fresh process (dateparser compiles each language it meets).
    for extensive in (False, True) if states_article(tree) else (False,):
        found = find_date(
            tree,
            url=url,
            original_date=True,
            extensive_search=extensive,
            max_date=date.today().isoformat(),
        )
        if found:
            break
    # htmldate's default output format is YYYY-MM-DD; anything else is dropped
    # rather than passed on as a date consumers would mis-parse.
    try:
        return date.fromisoformat(found).isoformat() if found else None
    except ValueError:
        return None


def _sitename(value: str | None) -> str | None:
    value = squash(value)
    if value is None:
        return None
    value = _HANDLE.sub("", value)
    if "." not in value and not value[:1].isupper():
        value = value.title()
    return value or None


def _domain_name(url: str | None) -> str | None:
    """The site's name as its address gives it ("www.westmere.example" -> "westmere.example")."""
    match = _SITE_IN_URL.match(url or "")
    return match.group(1) if match else None


def _language_hints(tree: HtmlElement) -> Iterator[str | None]:
    root = tree.getroottree().getroot()
    yield root.get("lang")
    yield root.get("xml:lang")
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("http-equiv") or meta.get("name") or ""
        if key.lower() in _LANGUAGE_METAS:
            yield meta.get("content")
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        match = _JSON_LD_LANGUAGE.search(script.text or "")
        if match:
            yield match.group(1)


def _author_markup(tree: HtmlElement) -> tuple[set[HtmlElement], list[list[HtmlElement]]]:
    """The elements of ``tree`` whose text names no author (comment threads, sidebars,
    dates...), and those that may name one, by tier.

    One walk over the tree, testing each element's attributes in Python: the same tests
    as XPath expressions took several times as long on the eval pages.
    """
    hidden: set[HtmlElement] = set()
    tiers: list[list[HtmlElement]] = [[], [], []]
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions
        if _hides_author(element, tag):
            hidden.add(element)
        elif (tier := _author_tier(element, tag)) is not None:
            tiers[tier].append(element)
    return hidden, tiers


def _hides_author(element: HtmlElement, tag: str) -> bool:
    if tag in ("time", "figure"):
        return True
    if tag not in _HIDING_TAGS:
        return False
    ident, cls = element.get("id") or "", element.get("class") or ""
    return (
        ident == "comments"
        or cls in ("comments", "title", "date")
        or "Figure" in (element.get("data-component") or "")
        or bool(ident and _NOT_AUTHOR_ID.search(ident))
        or bool(cls and _NOT_AUTHOR_CLASS.search(cls))
    )


def _author_tier(element: HtmlElement, tag: str) -> int | None:
    """0 for a marker meant for the author, 1 for a byline class, 2 for a loose mention."""
    if tag == "author":
        return 0
    attrib = element.attrib
    if not attrib:
        return None
    cls, ident = attrib.get("class", ""), attrib.get("id", "")
    itemprop, rel = attrib.get("itemprop", ""), attrib.get("rel")
    if tag in _BYLINE_TAGS and (
        rel in ("author", "me")
        or ident == "author"
        or cls == "author"
        or itemprop == "author name"
        or attrib.get("data-testid") in _AUTHOR_TEST_IDS
        or bool(cls and _AUTHOR_NAME_CLASS.search(cls))
    ):
        return 0
    if tag in _HEADED_TAGS and (
        cls in _BYLINE_CLASSES
        or "author" in itemprop
        or bool(ident and _AUTHOR_ID.search(ident))
        or bool(cls and _AUTHOR_CLASS.search(cls))
    ):
        return 1
    if (
        "Byline" in attrib.get("data-component", "")
        or "author" in itemprop
        or "uthor" in ident  # "author", "Author"
        or bool(cls and _LOOSE_AUTHOR_CLASS.search(cls))
    ):
        return 2
    return None


def _text_outside(element: HtmlElement, hidden: set[HtmlElement]) -> Iterator[str]:
    """The texts of ``element`` and its descendants, those in ``hidden`` left out."""
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child not in hidden:
            yield from _text_outside(child, hidden)
        if child.tail:
            yield child.tail


def _headlines(tree: HtmlElement) -> Iterator[str]:
    # The <title> as the page has it, site name and all: trafilatura's title is often
    # the <h1>, and the site's name is what a banner above the body repeats.
    for title in tree.iterfind(".//head/title"):
        if text := squash(title.text_content()):
            yield text
    for meta in tree.iterfind(".//meta[@property='og:title']"):
        if text := squash(meta.get("content")):
            yield text
    for h1 in tree.iter("h1"):
        if text := squash(h1.text_content()):
            yield text
