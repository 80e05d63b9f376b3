"""Generators of near-valid feed and OPML documents for the fuzz tests: RSS, Atom, RDF, JSON
Feed and OPML with odd encodings, byte-order marks, NULs, entities and huge attributes."""

from __future__ import annotations

import orjson
from hypothesis import strategies as st

from tests.fuzz.mutations import mutated

#: Text codecs a document may be written in or declare, and labels no codec has.
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]
ENCODINGS += ["koi8-r", "gb2312", "shift_jis", "cp037", "utf-7", "ascii"]
ODD_LABELS = ["base64", "rot13", "zlib", "hex", "idna", "punycode", "mbcs", "x-unknown", ""]

BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]

#: Character data and attribute values: entities good and bad, NULs, markup that is not.
ODD_TEXT = [
    "Storm Maren closes the coast road",
    "&amp;",
    "&nbsp;",
    "&bogus;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999999999999;",
    "&#8217;",
    "\x00",
    "\x0b\x1b",
    "<![CDATA[ <b>x</b> ]]>",
    "<b>bold</b>",
    "</item>",
    "<!-- c -->",
    "]]>",
    "\ufeff",
    "\ud7ff\U0001f600",
    "x" * 70_000,
]
text = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=30)).map(str)

LINKS = [
    "https://example.org/news/1",
    "http://Example.ORG:80/news/1?utm_source=rss#c",
    "/relative/path",
    "news/2",
    "//other.example/x",
    "http://[::1",
    "http://./",
    "javascript:alert(1)",
    "https://b\u00fccher.example/\u00e4",
    "https://example.org/" + "a" * 5000,
    "",
]
link = st.one_of(st.sampled_from(LINKS), st.text(max_size=30))

DATES = [
    "Fri, 20 Nov 2026 07:30:00 +0000",
    "2020/1/10 14:33:00",
    "2020/13/45",
    "0000/00/00",
    "\u0661\u0669\u0669\u0669/1/1",
    "Tue, 31 Feb 2020 25:61:61 +9999",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "-1000-01-01",
    "1e400",
    "",
]
when = st.one_of(st.sampled_from(DATES), st.text(max_size=20))

huge_attribute = st.sampled_from(["", ' a="' + "x" * 100_000 + '"', " " + "b" * 3000 + '="1"'])


@st.composite
def rss_item(draw: st.DrawFn) -> str:
    return (
        f"<item{draw(huge_attribute)}><title>{draw(text)}</title><link>{draw(link)}</link>"
        f"<guid isPermaLink='{draw(st.sampled_from(['true', 'false', '']))}'>{draw(link)}</guid>"
        f"<pubDate>{draw(when)}</pubDate><description>{draw(text)}</description></item>"
    )


@st.composite
def atom_entry(draw: st.DrawFn) -> str:
    return (
        f"<entry><title type='html'>{draw(text)}</title>"
        f"<link rel='{draw(st.sampled_from(['alternate', 'self', '']))}' href='{draw(link)}'/>"
        f"<feedburner:origLink>{draw(link)}</feedburner:origLink>"
        f"<id>{draw(link)}</id><updated>{draw(when)}</updated></entry>"
    )


@st.composite
def xml_feed(draw: st.DrawFn) -> str:
    """An RSS 2.0, RSS 0.91, RDF or Atom document as text, before encoding."""
    kind = draw(st.sampled_from(["rss", "rss091", "rdf", "atom"]))
    title = draw(text)
    if kind == "atom":
        entries = "".join(draw(st.lists(atom_entry(), max_size=4)))
        return (
            "<feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:feedburner='http://rssnamespace.org/feedburner/ext/1.0'>"
            f"<title>{title}</title>{entries}</feed>"
        )
    items = "".join(draw(st.lists(rss_item(), max_size=4)))
    if kind == "rdf":
        return (
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
            "xmlns='http://purl.org/rss/1.0/'>"
            f"<channel><title>{title}</title></channel>{items}</rdf:RDF>"
        )
    version = "0.91" if kind == "rss091" else "2.0"
    return f"<rss version='{version}'><channel><title>{title}</title>{items}</channel></rss>"


@st.composite
def opml_text(draw: st.DrawFn) -> str:
    outline = st.builds(
        lambda name, url, extra: f"<outline text='x' {name}='{url}'{extra}/>",
        st.sampled_from(["xmlUrl", "xmlurl", "XMLURL", "htmlUrl"]),
        link,
        huge_attribute,
    )
    outlines = draw(st.lists(outline, max_size=5))
    nested = "".join(f"<outline text='group'>{o}</outline>" for o in outlines[:1])
    return f"<opml version='2.0'><head/><body>{''.join(outlines)}{nested}</body></opml>"


@st.composite
def encoded(draw: st.DrawFn, document: str) -> bytes:
    """``document`` with an XML declaration (maybe a false one), a DOCTYPE (maybe declaring
    entities), encoded in some codec, behind some byte-order mark, then maybe mutated."""
    declared = draw(st.sampled_from([None, *ENCODINGS, *ODD_LABELS]))
    doctype = draw(
        st.sampled_from(
            [
                "",
                "<!DOCTYPE rss>",
                '<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "http://x/rss-0.91.dtd">',
                '<!DOCTYPE rss [<!ENTITY a "aaaaaaaa">]>',
                "<!DOCTYPE rss [<!ELEMENT rss ANY>]>",
            ]
        )
    )
    head = f"<?xml version='1.0' encoding='{declared}'?>" if declared is not None else ""
    actual = draw(st.sampled_from(ENCODINGS))
    data = draw(st.sampled_from(BOMS)) + (head + doctype + document).encode(
        actual, errors=draw(st.sampled_from(["xmlcharrefreplace", "replace", "ignore"]))
    )
    return draw(mutated(data))


def _json_value(leaves: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    )


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),  # what orjson writes; longer numbers come from mutation
    st.floats(allow_nan=False),
    text,
    link,
    when,
)


@st.composite
def json_feed(draw: st.DrawFn) -> bytes:
    """A JSON Feed whose fields hold any JSON at all, some of the time."""
    field = _json_value(json_leaf)
    item = st.fixed_dictionaries(
        {},
        optional={
            "id": field,
            "url": st.one_of(link, field),
            "external_url": st.one_of(link, field),
            "title": field,
            "date_published": st.one_of(when, field),
        },
    )
    document = draw(
        st.fixed_dictionaries(
            {
                "version": st.one_of(
                    st.sampled_from(["https://jsonfeed.org/version/1.1", "https://jsonfeed.org/"]),
                    field,
                )
            },
            optional={"title": field, "items": st.one_of(st.lists(item, max_size=4), field)},
        )
    )
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b" \r\n\t", b"\xbb\xef{"]))
    return draw(mutated(prefix + orjson.dumps(document)))
