"""Feed parsing on the real feeds of ../shared/eval/feeds and on invented ones, XML bombs
included; OPML both ways; feed metadata filling the extracted record's gaps."""

from __future__ import annotations

import tracemalloc

import pytest

from pipelines.article import Extracted, Rejected
from pipelines.feeds import fill_gaps, item_meta, parse_feed, parse_opml, to_opml
from tests.conftest import shared_file

#: Entries per real feed as feedparser counts them (the corpus README), minus links
#: that collapse into one canonical link: Scripting News points 50 items at 7 pages
#: (fragment permalinks `26.html#a080605`), Daring Fireball links mnml.af twice.
EXPECTED_ITEMS = {
    "rss2-guardian-us-media.xml": 55,
    "rss2-bbc-urdu-media.xml": 26,
    "rss2-techcrunch-content-encoded.xml": 20,
    "rss2-golem-de-iso-8859-1.xml": 40,
    "rss2-ibash-ru-windows-1251.xml": 50,
    "rss2-kc0011-cn-gb2312.xml": 20,
    "rss2-theomnishow-podcast.xml": 4,
    "rss2-aktuality-sk-image-in-item.xml": 30,
    "rss2-donthitsave-utf8-bom.xml": 10,
    "rss2-scriptingnews-untitled-items.xml": 7,
    "atom-github-releases-gulp.xml": 10,
    "atom-daringfireball.xml": 47,
    "atom-heise-developer.xml": 15,
    "rdf-slashdot-iso-8859-1.xml": 15,
    "rdf-biorxiv-plant-biology.xml": 30,
    "rss090-heise-newsticker.xml": 60,
    "rss091-onestepback.xml": 10,
    "jsonfeed-daringfireball.json": 47,
    "broken-control-chars-notsostupid.xml": 10,
    "broken-cp1252-byte-in-utf8-ianlandsman.xml": 10,
    "broken-mismatched-tag-justasummary.xml": 25,
    "broken-undeclared-latin1-uol.xml": 15,
}


def _real(name: str) -> bytes:
    return shared_file("eval", "feeds", name).read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECTED_ITEMS))
def test_real_feeds_yield_their_items(name: str) -> None:
    """Every real feed parses, broken ones included, into canonical http(s) links."""
    feed = parse_feed(_real(name), f"https://feeds.example/{name}")
    assert len(feed.items) == EXPECTED_ITEMS[name]
    assert all(
        item.link.startswith(("http://", "https://")) and "#" not in item.link
        for item in feed.items
    )
    assert len({item.link for item in feed.items}) == len(feed.items)
    assert (feed.problem is not None) == name.startswith("broken-")


@pytest.mark.parametrize("name", [n for n in EXPECTED_ITEMS if n.startswith("broken-")])
def test_broken_feeds_are_flagged_and_kept(name: str) -> None:
    """A malformed feed still gives its items, with what was wrong in `problem`."""
    feed = parse_feed(_real(name), "https://feeds.example/f")
    assert feed.problem and feed.items


def test_formats_are_recognised() -> None:
    versions = {
        n: parse_feed(_real(n), "https://f.example/").version
        for n in (
            "rss2-guardian-us-media.xml",
            "atom-heise-developer.xml",
            "rdf-slashdot-iso-8859-1.xml",
            "rss090-heise-newsticker.xml",
            "rss091-onestepback.xml",
            "jsonfeed-daringfireball.json",
        )
    }
    assert versions == {
        "rss2-guardian-us-media.xml": "rss20",
        "atom-heise-developer.xml": "atom10",
        "rdf-slashdot-iso-8859-1.xml": "rss10",
        "rss090-heise-newsticker.xml": "rss090",
        "rss091-onestepback.xml": "rss091n",
        "jsonfeed-daringfireball.json": "json1",
    }


def test_atom_and_json_feed_of_one_site_agree() -> None:
    """Daring Fireball's Atom and JSON Feed snapshots name the same 47 articles."""
    atom = parse_feed(_real("atom-daringfireball.xml"), "https://daringfireball.net/feeds/main")
    json = parse_feed(
        _real("jsonfeed-daringfireball.json"), "https://daringfireball.net/feeds/json"
    )
    assert [i.link for i in atom.items] == [i.link for i in json.items]


def test_tracking_query_is_dropped_from_links() -> None:
    """heise's RSS 0.90 links carry ?wt_mc=...: the canonical link does not."""
    feed = parse_feed(_real("rss090-heise-newsticker.xml"), "https://www.heise.de/rss")
    assert not any("wt_mc" in item.link for item in feed.items)


def test_slashed_dates_are_read_right() -> None:
    """kc0011's "2020/1/10 14:33:00": feedparser says 2020-11-01, the item says 10 January."""
    feed = parse_feed(_real("rss2-kc0011-cn-gb2312.xml"), "http://www.kc0011.net/rss")
    assert feed.items[0].published == "2020-01-10"


def test_http_charset_decodes_an_undeclared_feed() -> None:
    """UOL's ISO-8859-1 bytes declare nothing: the HTTP charset decodes them right."""
    feed = parse_feed(
        _real("broken-undeclared-latin1-uol.xml"),
        "https://uol.example/rss",
        content_type="text/xml; charset=ISO-8859-1",
    )
    assert "simulações" in feed.items[0].title


def test_feedburner_original_link_wins() -> None:
    """TechCrunch's items link to feedproxy redirects; origLink is the article itself."""
    feed = parse_feed(
        _real("rss2-techcrunch-content-encoded.xml"), "http://feeds.feedburner.com/TechCrunch"
    )
    assert all(item.link.startswith("http://techcrunch.com/") for item in feed.items)


INVENTED_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Westmere  Gazette</title><link>https://gazette.example/</link>
<item><title>Pier to close</title><link>/news/pier?utm_source=rss#top</link>
  <guid isPermaLink="false">a-1</guid><pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate></item>
<item><title>Pier to close (updated)</title><link>https://GAZETTE.example:443/news/pier</link><guid>a-2</guid></item>
<item><title>Permalink guid only</title><guid isPermaLink="true">https://gazette.example/news/ferry</guid></item>
<item><title>No link at all</title><description>nothing to fetch</description></item>
<item><title>Mail link</title><link>mailto:desk@gazette.example</link></item>
</channel></rss>"""


def test_invented_rss2() -> None:
    """Relative links resolve, one page under two GUIDs is one item, guid permalinks count,
    items without a web link are skipped and counted."""
    feed = parse_feed(INVENTED_RSS, "https://gazette.example/feed.xml")
    assert feed.title == "Westmere Gazette"
    assert [i.link for i in feed.items] == [
        "https://gazette.example/news/pier",
        "https://gazette.example/news/ferry",
    ]
    assert (feed.items[0].title, feed.items[0].published, feed.items[0].guid) == (
        "Pier to close",
        "2026-11-23",
        "a-1",
    )
    assert feed.skipped == 2


def test_invented_atom_and_rdf() -> None:
    atom = parse_feed(
        b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Wire</title><id>urn:hw</id>
<entry><title>Storm Maren</title><id>urn:hw:1</id><updated>2026-11-20T10:00:00Z</updated>
<link rel="alternate" href="https://wire.example/storm-maren"/></entry></feed>""",
        "https://wire.example/atom",
    )
    rdf = parse_feed(
        b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://valley.example/"><title>Valley Post</title><link>https://valley.example/</link></channel>
<item rdf:about="https://valley.example/a"><title>Dam repairs</title><link>https://valley.example/a</link>
<dc:date>2026-11-19</dc:date></item></rdf:RDF>""",
        "https://valley.example/rdf",
    )
    assert (atom.version, atom.items[0].link, atom.items[0].published) == (
        "atom10",
        "https://wire.example/storm-maren",
        "2026-11-20",
    )
    assert (rdf.version, rdf.items[0].title, rdf.items[0].published) == (
        "rss10",
        "Dam repairs",
        "2026-11-19",
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://bomb.example/a</link></item></channel></rss>"""


def _quadratic_blowup() -> bytes:
    big = b"x" * 100_000
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "'
        + big
        + b'">]><rss version="2.0"><channel>'
        + b"<title>"
        + b"&a;" * 50_000
        + b"</title></channel></rss>"
    )


@pytest.mark.parametrize(
    "bomb",
    [
        BILLION_LAUGHS,
        _quadratic_blowup(),
        BILLION_LAUGHS.decode()
        .replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>')
        .encode("utf-16"),
    ],
    ids=["billion-laughs", "quadratic-blowup", "utf-16"],
)
def test_entity_bombs_are_refused_before_parsing(bomb: bytes) -> None:
    """A DOCTYPE declaring entities is refused outright: no parser ever expands it."""
    with pytest.raises(Rejected, match="declares XML entities"):
        parse_feed(bomb, "https://bomb.example/feed")


#: A DOCTYPE whose first comment holds "]>": a text search for the end of the internal
#: subset stops there and misses the declarations after it.
COMMENT_TRICK = "<!-- ]> -->"
#: 10 kB referenced 5,000 times: 50 MB if ever expanded.
BIG_ENTITY = '<!ENTITY a "' + "x" * 10_000 + '">'
BIG_REFERENCES = "&a;" * 5_000
LAUGHS = "\n".join(BILLION_LAUGHS.decode().splitlines()[2:12])


def _with_doctype(subset: str, body: str, root: str = "rss", before: str = "") -> bytes:
    """A document whose DOCTYPE opens with the comment trick, then ``subset``."""
    return (
        f'<?xml version="1.0"?>\n{before}<!DOCTYPE {root} [\n{COMMENT_TRICK}\n{subset}\n]>\n{body}'
    ).encode()


def _feed(title: str, tail: str = "") -> str:
    return (
        f'<rss version="2.0"><channel><title>{title}</title><item><title>{title}</title>'
        f"<link>https://bomb.example/a</link></item></channel>{tail}</rss>"
    )


def _opml(title: str) -> str:
    return (
        f'<opml version="2.0"><head><title>{title}</title></head><body>'
        f'<outline text="{title}" xmlUrl="https://bomb.example/rss"/></body></opml>'
    )


DECLARATIONS = {
    "billion-laughs": (LAUGHS, "&lol9;"),
    "quadratic-blowup": (BIG_ENTITY, BIG_REFERENCES),
    "external-entity": ('<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;"),
    "parameter-entity": ("<!ENTITY % p \"<!ENTITY a 'pwned'>\">\n%p;", "&a;"),
    "external-parameter-entity": ('<!ENTITY % p SYSTEM "file:///etc/passwd">\n%p;', "x"),
}


def _refused_in_bounded_memory(parse, document: bytes) -> None:  # type: ignore[no-untyped-def]
    """``parse(document)`` raises the entity refusal, in one line, having allocated under
    5 MB."""
    tracemalloc.start()
    try:
        with pytest.raises(Rejected, match="declares XML entities") as refused:
            parse(document)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "\n" not in refused.value.reason and peak < 5_000_000


@pytest.mark.parametrize("kind", sorted(DECLARATIONS))
def test_entity_declarations_behind_a_comment_are_refused(kind: str) -> None:
    """The parser reads the DOCTYPE, comments included: every entity declaration after a
    comment holding "]>" is refused with one line, in a feed and in OPML, expanding
    nothing (50 MB for the quadratic blowup if it were)."""
    subset, references = DECLARATIONS[kind]
    _refused_in_bounded_memory(
        lambda d: parse_feed(d, "https://bomb.example/feed"),
        _with_doctype(subset, _feed(references)),
    )
    _refused_in_bounded_memory(parse_opml, _with_doctype(subset, _opml(references), "opml"))


@pytest.mark.parametrize(
    ("before", "tail"),
    [("<!-- a -- b -->\n", ""), ("", "<<<"), ("<?xml-stylesheet ?? ?>\n", "")],
    ids=["malformed-before", "malformed-after", "bad-instruction-before"],
)
def test_no_parser_expands_a_declared_entity(before: str, tail: str) -> None:
    """A document malformed before its DOCTYPE makes feedparser's strict parser fail before
    it meets the declarations, and fall back to its loose parser, which it hands the
    DOCTYPE's simple entities to expand: refused there too. Malformed after it: refused
    on reading the DOCTYPE."""
    _refused_in_bounded_memory(
        lambda d: parse_feed(d, "https://bomb.example/feed"),
        _with_doctype(BIG_ENTITY, _feed(BIG_REFERENCES, tail), before=before),
    )


def test_lower_case_declarations_are_no_declarations() -> None:
    """`<!doctype`/`<!entity` declare nothing in XML: the feed is read as broken, with its
    references left as they are."""
    feed = parse_feed(
        BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!doctype").replace(b"<!ENTITY", b"<!entity"),
        "https://bomb.example/feed",
    )
    assert feed.title == "&lol9;" and feed.problem and len(feed.items) == 1


def test_a_doctype_without_entities_is_fine() -> None:
    """RSS 0.91's Netscape DOCTYPE names an external DTD: not fetched, not refused, also
    when it follows the XML declaration on its line."""
    netscape = _real("rss091-onestepback.xml")
    assert len(parse_feed(netscape, "https://f.example/").items) == 10
    one_line = b'<?xml version="1.0"?>' + netscape
    assert len(parse_feed(one_line, "https://f.example/").items) == 10


def test_a_body_naming_a_file_is_not_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """feedparser reads the file that bytes name: a feed whose body is a local path must not
    give that file's items."""
    local = tmp_path / "local.xml"
    local.write_bytes(INVENTED_RSS)
    with pytest.raises(Rejected, match="not a feed"):
        parse_feed(str(local).encode(), "https://f.example/feed")


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (
            b"<html><head><title>Log in</title></head><body><p>Please log in</p></body></html>",
            "not a feed",
        ),
        (b"", "not a feed"),
        (b'{"items": []}', "without a JSON Feed version"),
        (b"{not json", "does not parse"),
    ],
)
def test_what_is_not_a_feed_is_rejected(data: bytes, why: str) -> None:
    with pytest.raises(Rejected, match=why):
        parse_feed(data, "https://f.example/feed")


def test_opml_round_trip() -> None:
    """Export then import gives back the same feeds; titles are escaped."""
    feeds = [("https://a.example/rss?x=1&y=2", 'A & "B"'), ("https://b.example/atom", None)]
    assert parse_opml(to_opml(feeds)) == [url for url, _title in feeds]


def test_opml_nested_outlines_and_bombs() -> None:
    opml = b"""<?xml version="1.0"?><opml version="1.0"><body><outline text="News">
      <outline text="A" xmlUrl="https://a.example/rss"/>
      <outline text="B" xmlUrl=" https://b.example/feed "/>
      <outline text="A again" xmlUrl="https://a.example/rss"/></outline></body></opml>"""
    assert parse_opml(opml) == ["https://a.example/rss", "https://b.example/feed"]
    with pytest.raises(Rejected, match="declares XML entities"):
        parse_opml(BILLION_LAUGHS)
    with pytest.raises(Rejected, match="not OPML"):
        parse_opml(b"<opml><body>")


def test_feed_metadata_fills_only_gaps() -> None:
    """The item's title and date and the feed's title fill what the page lacked, no more."""
    feed = parse_feed(INVENTED_RSS, "https://gazette.example/feed.xml")
    meta = item_meta(feed.items[0], feed)
    bare = fill_gaps(Extracted(text="body"), meta)
    assert (bare.title, bare.published, bare.sitename) == (
        "Pier to close",
        "2026-11-23",
        "Westmere Gazette",
    )
    full = Extracted(text="body", title="Pier closes", published="2026-11-22", sitename="Gazette")
    assert fill_gaps(full, meta) == full
    assert fill_gaps(full, None) is full
