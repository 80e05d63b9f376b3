"""URL canonicalisation: one spelling per page, and nothing that changes which page it is."""

from __future__ import annotations

import pytest

from pipelines.article import Rejected
from pipelines.urls import canonical_url, is_web_url, url_input_id


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("HTTP://Example.COM/News", "http://example.com/News"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=x&gclid=y&MC_CID=z", "https://example.com/a"),
        (
            "https://www.heise.de/meldung/x.html?wt_mc=rss.ho.beitrag.rdf",
            "https://www.heise.de/meldung/x.html",
        ),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        ("https://example.com/a?q=a+b", "https://example.com/a?q=a+b"),
        ("https://example.com/%7euser/a%2fb", "https://example.com/~user/a%2Fb"),
        ("https://example.com/caf\u00e9 au lait", "https://example.com/caf%C3%A9%20au%20lait"),
        ("https://b\u00fccher.example/", "https://xn--bcher-kva.example/"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_canonical_url(given: str, canonical: str) -> None:
    """Case, default ports, fragments and tracking parameters go; meaningful parts stay."""
    assert canonical_url(given) == canonical


def test_canonical_url_is_idempotent() -> None:
    """The canonical form of a canonical URL is itself."""
    once = canonical_url("HTTPS://Ex.com:443/%7ea/b c?x=1&utm_campaign=z#top")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    "bad", ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "https://", "news"]
)
def test_non_web_addresses_are_rejected(bad: str) -> None:
    """Only http(s) URLs with a host are fetched."""
    with pytest.raises(Rejected, match="not a web address"):
        canonical_url(bad)


def test_url_input_id_names_the_canonical_url() -> None:
    """Two spellings of one page are one input; two pages are two."""
    a = url_input_id(canonical_url("https://Example.com/a?utm_source=x"))
    assert a == url_input_id(canonical_url("https://example.com/a#top"))
    assert a != url_input_id(canonical_url("https://example.com/b"))
    assert len(a) == 16


def test_is_web_url() -> None:
    assert (
        is_web_url("https://x.org/a") and is_web_url(" HTTP://x") and not is_web_url("inbox/a.html")
    )
