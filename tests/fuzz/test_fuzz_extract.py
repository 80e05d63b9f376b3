"""Fuzzing the extract stage's entry point (``pipelines.extract.extractor.extract``, which the
sandbox runs on every page): any bytes, and the real eval pages mutated, give an
``Extracted`` with text in it or ``Rejected``."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pipelines.article import Extracted, Rejected
from pipelines.extract.extractor import extract
from tests.conftest import shared_files
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import mutated

EVAL_PAGES = shared_files("eval", "extraction", pattern="*.html")

#: Where a page came from, as the stage passes it: mostly nothing or a plain URL.
page_url = st.one_of(
    st.none(),
    st.sampled_from(
        ["https://news.example/2024/05/01/story.html", "http://[::1", "", "news", "http://./"]
    ),
    st.text(max_size=30),
)

PARAGRAPHS = [
    "The harbour board agreed on Tuesday to raise ferry fares by ten percent from March.",
    "Commuters from Eastbank said the rise would cost them more than forty pounds a year.",
    "“We cannot go on like this,” said the mayor, who has led the town since 2019.",
    "&#x110000; &#xD800; &#0; &nbsp; &bogus; caf&eacute;",
    "Share on Facebook | Share on Twitter",
    "",
]
JSON_LD = ["{", "[]", '{"@type": "NewsArticle", "author": 1, "datePublished": [2024]}']


@st.composite
def small_page(draw: st.DrawFn) -> bytes:
    """A small article page with a charset, metadata and a few paragraphs, then mutated."""
    charset = draw(st.sampled_from(["utf-8", "iso-8859-1", "utf-16", "base64", "x-bogus", ""]))
    paragraphs = draw(st.lists(st.sampled_from(PARAGRAPHS) | st.text(max_size=80), max_size=8))
    page = (
        f"<!DOCTYPE html><html lang='{draw(st.sampled_from(['en', 'de-AT', '', 'x' * 300]))}'>"
        f"<head><meta charset='{charset}'><title>{draw(st.text(max_size=40))}</title>"
        f"<meta property='article:published_time' content='{draw(st.text(max_size=25))}'>"
        "<script type='application/ld+json'>"
        f"{draw(st.sampled_from(JSON_LD))}"
        "</script></head><body><nav><a href='/'>Home</a></nav><article><h1>Ferry fares</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "cp1252", "koi8-r"]))
    return draw(mutated(page.encode(encoding, errors="xmlcharrefreplace")))


@st.composite
def mutated_eval_page(draw: st.DrawFn) -> bytes:
    """One of the real eval pages with bytes flipped, tags cut and junk inserted."""
    return draw(mutated(draw(st.sampled_from(EVAL_PAGES)).read_bytes(), most=6))


def check_extract(data: bytes, kind: str, url: str | None = None) -> None:
    """The property: an Extracted with text and well-formed metadata, or Rejected with a
    one-line reason."""
    try:
        found = extract(data, kind, url)
    except Rejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
    assert isinstance(found, Extracted)
    assert isinstance(found.text, str) and found.text.strip()
    for value in (found.title, found.author, found.sitename, found.url):
        assert value is None or isinstance(value, str)
    assert found.published is None or date.fromisoformat(found.published)
    assert found.language is None or (len(found.language) == 2 and found.language.islower())
    assert all(isinstance(line, str) for line in found.removed)


@fuzz(short=100)
@given(st.binary(max_size=3000), st.sampled_from(["html", "text"]), page_url)
def test_any_bytes(data: bytes, kind: str, url: str | None) -> None:
    """Any bytes, as a page or as a text file."""
    check_extract(data, kind, url)


@fuzz(short=40)
@given(small_page(), page_url)
def test_small_pages(data: bytes, url: str | None) -> None:
    """A small article page with odd charsets, metadata, entities and mutated bytes."""
    check_extract(data, "html", url)


@fuzz(short=25)
@given(mutated_eval_page(), page_url)
def test_mutated_eval_pages(data: bytes, url: str | None) -> None:
    """The real pages of the extraction eval set, mutated."""
    check_extract(data, "html", url)


@fuzz(short=15)
@given(mutated_eval_page())
def test_mutated_eval_pages_as_text(data: bytes) -> None:
    """The same pages read as text files: the decoder and the cleaner on markup."""
    check_extract(data, "text")
