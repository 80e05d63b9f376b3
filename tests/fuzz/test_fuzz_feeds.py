"""Fuzzing feed and OPML parsing: any bytes give a ``ParsedFeed`` (or a list of feed URLs)
or ``Rejected``, and what comes out is well formed."""

from __future__ import annotations

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


def is_date(published: str) -> bool:
    """YYYY-MM-DD, as the record's `published`."""
    try:
        return date.fromisoformat(published).isoformat() == published
    except ValueError:
        return False


def check_feed(data: bytes, content_type: str | None = None) -> None:
    """The property: a ParsedFeed of distinct canonical links and valid dates, or Rejected
    with a one-line reason."""
    try:
        feed = parse_feed(data, FEED_URL, content_type)
    except Rejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
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


def check_opml(data: bytes) -> None:
    """The property: distinct, stripped, non-empty feed URLs, or Rejected."""
    try:
        urls = parse_opml(data)
    except Rejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
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


# --- what the targets found, one regression case each ---------------------------------

_RSS_TITLED = "<rss version='2.0'><channel><title>{}</title></channel></rss>"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        # feedparser's lenient parser (used once the strict one fails) calls chr() on every
        # numeric character reference: ValueError, UnicodeEncodeError, OverflowError.
        pytest.param(_RSS_TITLED.format("&#x110000;").encode(), None, id="charref-past-unicode"),
        pytest.param(_RSS_TITLED.format("&#xD800;").encode(), None, id="charref-surrogate"),
        pytest.param(_RSS_TITLED.format("&#99999999999;").encode(), None, id="charref-huge"),
        # feedparser decodes with the header's charset and catches only some errors.
        pytest.param(
            _RSS_TITLED.format("x").encode(),
            "application/rss+xml; charset=punycode",
            id="header-charset-punycode",
        ),
        # feedparser's handler of </width> calls int() on None.
        pytest.param(
            b"<rss version='2.0'><channel></width></channel></rss>", None, id="end-tag-never-opened"
        ),
        # expat raises LookupError for an encoding it does not know.
        pytest.param(
            b"<?xml version='1.0' encoding='tf-8'?>" + _RSS_TITLED.format("x").encode(),
            None,
            id="declared-encoding-unknown",
        ),
    ],
)
def test_feeds_that_crashed_the_parser(data: bytes, content_type: str | None) -> None:
    """Each crashed parse_feed once: now a feed or Rejected with a one-line reason."""
    check_feed(data, content_type)


@pytest.mark.parametrize("encoding", ["x-unknown", "base64", "utf-16-le", "punycode", "idna"])
def test_opml_in_encodings_expat_cannot_use(encoding: str) -> None:
    """Each crashed parse_opml once (LookupError, ValueError, UnicodeError from expat)."""
    check_opml(f"<?xml version='1.0' encoding='{encoding}'?><opml/>".encode())


def test_a_year_before_1000_is_written_in_four_digits() -> None:
    """time.strftime wrote the year 99 as "99-01-01": `published` is YYYY-MM-DD or None."""
    data = (
        b"<rss version='2.0'><channel><item><link>https://example.org/a</link>"
        b"<pubDate>Mon, 01 Jan 0099 00:00:00 GMT</pubDate></item></channel></rss>"
    )
    feed = parse_feed(data, FEED_URL)
    published = feed.items[0].published
    assert published is None or date.fromisoformat(published).isoformat() == published
