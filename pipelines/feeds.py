"""Feed documents in, items out: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed
by hand, OPML subscription lists both ways. Pure: bytes in, dataclasses out.

Feeds come from the open web, so the XML parsers themselves refuse every entity
declaration (the "billion laughs" and quadratic-blowup bombs need one, external
entities read local files, and real feeds never declare any): defusedxml's expat
reads OPML, a feed's prolog, and is feedparser's strict parser; feedparser's loose
fallback is never handed a declared entity either (pipelines/feed_xml.py).
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree
import feedparser
import orjson
from defusedxml import DefusedXmlException

from pipelines.article import Extracted, Rejected
from pipelines.feed_xml import ENTITIES_DECLARED, refuse_entity_declarations
from pipelines.urls import canonical_url

# "2020/1/10 14:33:00": feedparser reads it as 2020-11-01 (kc0011 in the eval feeds).
_SLASHED_DATE = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\b")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"

#: What feedparser and expat raise on documents they cannot read rather than report as
#: malformed: a charset that is no text codec (punycode, base64), a character reference
#: past Unicode or to a surrogate in the lenient parser, an end tag never opened.
FEEDPARSER_FAILURES = (ValueError, LookupError, TypeError, OverflowError)


@dataclass(frozen=True, slots=True)
class FeedItem:
    link: str  #: canonical URL of the article
    title: str | None = None
    published: str | None = None  #: YYYY-MM-DD, as the record's `published`
    guid: str | None = None


@dataclass(slots=True)
class ParsedFeed:
    version: str  #: feedparser's name for the format ("rss20", "atom10", ...) or "json1"
    title: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    skipped: int = 0  #: entries without a usable http(s) link
    problem: str | None = None  #: what was wrong with a feed that still parsed (bozo)


def parse_feed(data: bytes, feed_url: str, content_type: str | None = None) -> ParsedFeed:
    """The items of a feed document, in document order, each link once.

    ``content_type`` is the HTTP header: its charset wins over a wrong or missing
    XML declaration, as in browsers. Relative links resolve against ``feed_url``.

    Raises:
        Rejected: an entity declaration (an XML bomb), or no feed in the bytes.
    """
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _parse_json_feed(data, feed_url)
    refuse_entity_declarations(data)
    headers = {"content-location": feed_url, "content-type": _as_xml(content_type)}
    try:
        # A stream, not bytes: feedparser opens bytes that name a file or URL.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    except DefusedXmlException:  # a ValueError itself: caught first
        raise Rejected(ENTITIES_DECLARED) from None
    except FEEDPARSER_FAILURES as error:
        raise Rejected(f"not a feed: feedparser failed on it ({_one_line(error)})") from None
    if not parsed.get("version") and not parsed.entries:
        raise Rejected(f"not a feed: no RSS, Atom or JSON Feed document ({_bozo(parsed)})")
    feed = ParsedFeed(version=parsed.version or "unknown", title=_text(parsed.feed.get("title")))
    feed.problem = _bozo(parsed) if parsed.bozo else None
    _collect(feed, (_item_of(entry, feed_url) for entry in parsed.entries), feed_url)
    return feed


def fill_gaps(extracted: Extracted, meta: dict[str, Any] | None) -> Extracted:
    """The extracted record with what the page lacked taken from its feed item."""
    if not meta:
        return extracted
    return dataclasses.replace(
        extracted,
        title=extracted.title or meta.get("title"),
        published=extracted.published or meta.get("published"),
        sitename=extracted.sitename or meta.get("feed_title"),
    )


def item_meta(item: FeedItem, feed: ParsedFeed) -> dict[str, Any]:
    """What travels with a feed item to the extract stage (small: messages carry no bodies)."""
    return {"title": item.title, "published": item.published, "feed_title": feed.title}


# --- RSS and Atom ---------------------------------------------------------------


def _item_of(entry: Any, feed_url: str) -> FeedItem | None:
    link = _entry_link(entry)
    if link is None:
        return None
    try:
        canonical = canonical_url(_absolute(link, feed_url))
    except Rejected:
        return None
    return FeedItem(
        link=canonical,
        title=_text(entry.get("title")),
        published=_published(entry),
        guid=entry.get("id"),
    )


def _entry_link(entry: Any) -> str | None:
    # FeedBurner's origLink is the article; `link` is a feedproxy redirect to it.
    for candidate in (entry.get("feedburner_origlink"), entry.get("link")):
        if candidate:
            return str(candidate)
    guid = entry.get("id") or ""
    # RSS 2.0: a guid that is a permalink is the item's link.
    return guid if guid.startswith(("http://", "https://")) else None


def _absolute(link: str, feed_url: str) -> str:
    """``link`` resolved against the feed's URL; Rejected when it cannot be."""
    try:
        return urljoin(feed_url, link.strip())
    except ValueError as error:  # "http://[::1": urljoin parses the link first
        raise Rejected(f"not a valid URL: {link[:200]!r} ({error})") from None


def _published(entry: Any) -> str | None:
    raw = dict.get(entry, "published") or dict.get(entry, "updated") or ""
    slashed = _SLASHED_DATE.match(raw)
    if slashed:
        return _safe_date(*map(int, slashed.groups()))
    # dict.get: feedparser's own get maps a missing "updated" to "published", with a warning.
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    # Not strftime: it writes the year 99 as "99", not "0099".
    return _safe_date(*parsed[:3]) if parsed else None


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _as_xml(content_type: str | None) -> str:
    """The Content-Type to show feedparser: only its charset counts.

    Feeds come as text/xml, text/html, application/rss+xml or nothing at all;
    feedparser follows RFC 3023, where text/xml without a charset means US-ASCII,
    which no feed means. As application/xml, the XML declaration decides, unless
    the server named a charset.
    """
    charset = _CHARSET.search(content_type or "")
    return f"application/xml; charset={charset.group(1)}" if charset else "application/xml"


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]


def _bozo(parsed: Any) -> str:
    error = parsed.get("bozo_exception")
    return f"{type(error).__name__}: {error}"[:200] if error else "unreadable"


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _collect(feed: ParsedFeed, items: Any, feed_url: str) -> None:
    """Keep each link once, first occurrence first; count entries without a web link, and
    those whose link is the feed itself (an empty, "#" or "//" link resolves to it)."""
    try:
        own = canonical_url(feed_url)
    except Rejected:
        own = None
    seen: set[str] = set()
    for item in items:
        if item is None or item.link == own:
            feed.skipped += 1
        elif item.link not in seen:
            seen.add(item.link)
            feed.items.append(item)


# --- JSON Feed -------------------------------------------------------------------


def _parse_json_feed(data: bytes, feed_url: str) -> ParsedFeed:
    try:
        document = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as error:
        raise Rejected(f"not a feed: JSON that does not parse ({error})") from None
    version = document.get("version", "") if isinstance(document, dict) else ""
    if not str(version).startswith(_JSON_FEED_VERSION):
        raise Rejected("not a feed: JSON without a JSON Feed version")
    feed = ParsedFeed(version="json" + version.removeprefix(_JSON_FEED_VERSION))
    feed.title = _text(document.get("title"))
    items = document.get("items")
    entries = items if isinstance(items, list) else []
    _collect(feed, (_json_item(i, feed_url) for i in entries), feed_url)
    return feed


def _json_item(item: Any, feed_url: str) -> FeedItem | None:
    # A link post's external_url is the article, as an Atom entry's alternate link is.
    url = item.get("external_url") or item.get("url") if isinstance(item, dict) else None
    if not isinstance(url, str):
        return None
    try:
        link = canonical_url(_absolute(url, feed_url))
    except Rejected:
        return None
    published = str(item.get("date_published") or "")[:10]
    return FeedItem(
        link=link,
        title=_text(item.get("title")),
        published=_safe_iso(published),
        guid=str(item.get("id")) if item.get("id") is not None else None,
    )


def _safe_iso(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


# --- OPML -----------------------------------------------------------------------


def parse_opml(data: bytes) -> list[str]:
    """Feed URLs of an OPML subscription list (every outline with an xmlUrl), in order.

    Raises:
        Rejected: not XML, or an entity declaration.
    """
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:  # a ValueError itself: caught first
        raise Rejected(ENTITIES_DECLARED) from None
    except (ParseError, ValueError, LookupError) as error:  # and encodings expat cannot use
        raise Rejected(f"not OPML: the file is not readable XML ({_one_line(error)})") from None
    urls = [o.get("xmlUrl") or o.get("xmlurl") for o in root.iter("outline")]
    return list(dict.fromkeys(u.strip() for u in urls if u and u.strip()))


def to_opml(feeds: list[tuple[str, str | None]], title: str = "newsflow feeds") -> bytes:
    """An OPML 2.0 subscription list of (feed URL, feed title) pairs."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_escape(title)}</title></head>",
        "  <body>",
    ]
    for url, name in feeds:
        label = quoteattr(name or url)
        lines.append(
            f'    <outline type="rss" text={label} title={label} xmlUrl={quoteattr(url)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
