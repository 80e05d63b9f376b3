"""Fuzzing feed and OPML parsing: any bytes give a ``ParsedFeed`` (or a list of feed URLs)
or ``Rejected``, and what comes out is well formed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.article import Rejected
from pipelines.feeds import FeedItem, ParsedFeed, parse_feed, parse_opml
from pipelines.urls import canonical_url
from tests.conftest import shared_files
from tests.fuzz.budget import fuzz
from tests.fuzz.feed_documents import ENCODINGS, ODD_LABELS, encoded, json_feed, opml_text
from tests.fuzz.feed_documents import xml_feed as xml_feed_text
from tests.fuzz.mutations import mutated

FEED_URL = "https://feeds.example/news/feed.xml"
REAL_FEEDS = [p.read_bytes() for p in shared_files("eval", "feeds", pattern="*.[xj]*")]

content_type = st.one_of(
    st.none(),
    st.sampled_from(["text/xml", "application/rss+xml", "text/html", "application/json"]),
    st.sampled_from([*ENCODINGS, *ODD_LABELS]).map(lambda c: f"application/xml; charset={c}"),
    st.text(max_size=40),
)


#: Crashes of parse_feed and parse_opml that these targets found, to be fixed in
#: pipelines/feeds.py (outside this folder): (exception type, words of its message). Each
#: has a reproducer below marked xfail(strict=True); when a fix lands, its reproducer
#: fails as XPASS, and the marker and the entry here go together.
KNOWN_CRASHES: list[tuple[type[BaseException], str]] = [
    (ValueError, "chr() arg not in range"),  # feedparser: "&#x110000;" in a loose parse
    (OverflowError, "too large to convert"),  # feedparser: "&#99999999999999999999;" too
    (TypeError, "int() argument must be"),  # feedparser: "</width>" never opened
    (UnicodeEncodeError, "surrogates not allowed"),  # feedparser: "&#xD800;" likewise
    (UnicodeError, "codec failed"),  # a charset of punycode or idna, feedparser or expat
    (UnicodeDecodeError, "'ascii' codec can't decode"),  # expat: encoding='punycode'
    (LookupError, "encoding"),  # expat: encoding='base64', 'mbcs' or 'tf-8'
    (ValueError, "multi-byte encodings are not supported"),  # expat: encoding='utf-16-le'
]


def known_crash(error: BaseException) -> bool:
    return any(isinstance(error, kind) and words in str(error) for kind, words in KNOWN_CRASHES)


def is_date(published: str) -> bool:
    """YYYY-MM-DD, or the known fault (a reproducer below): a year before 1000 written
    short by time.strftime ("99-01-01")."""
    try:
        return date.fromisoformat(published).isoformat() == published
    except ValueError:
        return re.fullmatch(r"\d{1,3}-\d\d-\d\d", published) is not None


def check_feed(data: bytes, content_type: str | None = None, known: bool = True) -> None:
    """The property: a ParsedFeed of distinct canonical links and valid dates, or Rejected
    with a one-line reason. ``known``: let the known crashes pass."""
    try:
        feed = parse_feed(data, FEED_URL, content_type)
    except Rejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
    except Exception as error:
        if known and known_crash(error):
            return
        raise
    assert isinstance(feed, ParsedFeed) and isinstance(feed.version, str)
    assert feed.skipped >= 0 and (feed.title is None or isinstance(feed.title, str))
    assert feed.problem is None or isinstance(feed.problem, str)
    assert all(isinstance(item, FeedItem) for item in feed.items)
    links = [item.link for item in feed.items]
    assert len(set(links)) == len(links)
    assert all(canonical_url(link) == link for link in links)
    for item in feed.items:
        assert item.published is None or is_date(item.published)
        assert item.title is None or isinstance(item.title, str)


def check_opml(data: bytes, known: bool = True) -> None:
    """The property: distinct, stripped, non-empty feed URLs, or Rejected."""
    try:
        urls = parse_opml(data)
    except Rejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
    except Exception as error:
        if known and known_crash(error):
            return
        raise
    assert isinstance(urls, list) and len(set(urls)) == len(urls)
    assert all(isinstance(url, str) and url and url == url.strip() for url in urls)


@fuzz(short=100)
@given(st.binary(max_size=2000), content_type)
def test_feed_of_any_bytes(data: bytes, content_type: str | None) -> None:
    """Any bytes, under any Content-Type."""
    check_feed(data, content_type)


@fuzz(short=40)
@given(xml_feed_text().flatmap(encoded), content_type)
def test_near_valid_xml_feeds(data: bytes, content_type: str | None) -> None:
    """RSS, RDF and Atom with odd encodings, BOMs, NULs, entities, huge attributes."""
    check_feed(data, content_type)


@fuzz(short=50)
@given(json_feed())
def test_near_valid_json_feeds(data: bytes) -> None:
    """JSON Feeds whose fields hold any JSON, with BOMs and mutated bytes."""
    check_feed(data)


@fuzz(short=15)
@given(st.sampled_from(REAL_FEEDS).flatmap(mutated), content_type)
def test_mutated_real_feeds(data: bytes, content_type: str | None) -> None:
    """The real feeds of the eval set with bytes flipped, tags cut and junk inserted."""
    check_feed(data, content_type)


@fuzz(short=100)
@given(st.binary(max_size=2000))
def test_opml_of_any_bytes(data: bytes) -> None:
    """Any bytes as an OPML file."""
    check_opml(data)


@fuzz(short=40)
@given(opml_text().flatmap(encoded))
def test_near_valid_opml(data: bytes) -> None:
    """OPML with odd encodings, BOMs, NULs, entities and huge attributes."""
    check_opml(data)


# --- the known crashes, one reproducer each --------------------------------------------

_RSS_TITLED = "<rss version='2.0'><channel><title>{}</title></channel></rss>"
_LOOSE_CHARREF = (
    "feeds.py: feedparser's loose parser (used once the strict one fails) calls chr() on "
    "every numeric character reference; parse_feed lets the error through"
)
_CHARSET = "feeds.py: feedparser decodes with the header's charset and catches only "
_CHARSET += "UnicodeDecodeError and LookupError; parse_feed lets the UnicodeError through"
_OPML_ENCODING = (
    "feeds.py: expat raises this for an encoding it cannot use (unknown, not a text "
    "codec, multi-byte, or failing on ASCII); parse_opml catches only ParseError"
)


def _crash(raises: type[BaseException], reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=raises, reason=reason)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(
            _RSS_TITLED.format("&#x110000;").encode(),
            None,
            marks=_crash(ValueError, _LOOSE_CHARREF),
            id="charref-past-unicode",
        ),
        pytest.param(
            _RSS_TITLED.format("&#xD800;").encode(),
            None,
            marks=_crash(UnicodeEncodeError, _LOOSE_CHARREF),
            id="charref-surrogate",
        ),
        pytest.param(
            _RSS_TITLED.format("&#99999999999;").encode(),
            None,
            marks=_crash(OverflowError, _LOOSE_CHARREF),
            id="charref-huge",
        ),
        pytest.param(
            _RSS_TITLED.format("x").encode(),
            "application/rss+xml; charset=punycode",
            marks=_crash(UnicodeError, _CHARSET),
            id="header-charset-punycode",
        ),
        pytest.param(
            b"<rss version='2.0'><channel></width></channel></rss>",
            None,
            marks=_crash(TypeError, "feeds.py: feedparser's _end_width calls int() on None"),
            id="end-tag-never-opened",
        ),
        pytest.param(
            b"<?xml version='1.0' encoding='tf-8'?>" + _RSS_TITLED.format("x").encode(),
            None,
            marks=_crash(
                LookupError,
                "feeds.py: refuse_entity_declarations reads the prolog with expat, which raises "
                "LookupError for an encoding it does not know; only ValueError is caught",
            ),
            id="declared-encoding-unknown",
        ),
    ],
)
def test_known_feed_crash(data: bytes, content_type: str | None) -> None:
    """A crash of parse_feed found by the targets above: it must give a feed or Rejected."""
    check_feed(data, content_type, known=False)


@pytest.mark.parametrize(
    "encoding",
    [
        pytest.param("x-unknown", marks=_crash(LookupError, _OPML_ENCODING)),
        pytest.param("base64", marks=_crash(LookupError, _OPML_ENCODING)),
        pytest.param("utf-16-le", marks=_crash(ValueError, _OPML_ENCODING)),
        pytest.param("punycode", marks=_crash(UnicodeDecodeError, _OPML_ENCODING)),
        pytest.param("idna", marks=_crash(UnicodeError, _OPML_ENCODING)),
    ],
)
def test_known_opml_crash(encoding: str) -> None:
    """A crash of parse_opml found by the targets above: it must give URLs or Rejected."""
    check_opml(f"<?xml version='1.0' encoding='{encoding}'?><opml/>".encode(), known=False)


@pytest.mark.xfail(
    strict=True,
    raises=ValueError,
    reason="feeds.py: _published writes time.strftime('%Y-%m-%d'), which gives '99-01-01' "
    "for the year 99; published must be YYYY-MM-DD (or None)",
)
def test_known_short_year() -> None:
    """An item dated in the year 99 gets a published date of the record's form, or none."""
    data = (
        b"<rss version='2.0'><channel><item><link>https://example.org/a</link>"
        b"<pubDate>Mon, 01 Jan 0099 00:00:00 GMT</pubDate></item></channel></rss>"
    )
    feed = parse_feed(data, FEED_URL)
    published = feed.items[0].published
    assert published is None or date.fromisoformat(published).isoformat() == published
