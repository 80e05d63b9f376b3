"""Fuzzing URL canonicalisation: any text gives a canonical http(s) URL or ``Rejected``,
and a canonical URL is its own canonical form."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from pipelines.article import Rejected
from pipelines.urls import canonical_url, url_input_id
from tests.fuzz.budget import fuzz

# Everything Python's str can hold, lone surrogates included (a URL list decoded with
# surrogateescape, a file name).
any_char = st.characters(codec=None, categories=None)

label_chars = st.sampled_from(
    list("abcXYZ09-_.%~!$&'()*+,;=[]:@ ")
    + ["\u00fc", "\u00df", "\u0130", "\u00ad", "\u3002", "\uff0e", "\uff61", "\u2024"]
    + ["\uff05", "\uff3b"]
    + ["\uff3d", "\u2100", "\u0301", "\u200d", "\ufeff", "\u0000", "\u007f", "\ud800"]
)
domain = st.lists(st.text(label_chars, max_size=70), min_size=1, max_size=5).map(".".join)
ipv6 = st.builds(
    lambda address, zone: f"[{address}{zone}]",
    st.ip_addresses(v=6).map(str),
    st.sampled_from(["", "%25eth0", "%eth0", "%", "%25"]),
)
host = st.one_of(
    domain,
    st.ip_addresses(v=4).map(str),
    ipv6,
    st.sampled_from(["", ".", "..", "[", "]", "[::1", "::1]", "[v1.x]", "xn--", "xn--zz"]),
)
port = st.one_of(
    st.just(""),
    st.integers(-1, 70_000).map(lambda n: f":{n}"),
    st.sampled_from([":", ":080", ":0443", ":+80", ":8o", ":\u0661\u0662", "::80"]),
)
segment = st.lists(
    st.one_of(
        st.sampled_from(list("aZ09-._~%/?#&=+;: ") + ["%7e", "%2F", "%25", "%zz", "%C3%A9"]),
        any_char,
    ),
    max_size=12,
).map("".join)
query = st.lists(
    st.tuples(
        st.sampled_from(["id", "utm_source", "UTM_Medium", "fbclid", "%75tm_x", "q", ""]),
        segment,
    ).map("=".join),
    max_size=4,
).map("&".join)
structured_url = st.builds(
    lambda scheme, userinfo, host, port, path, query, fragment: (
        f"{scheme}://{userinfo}{host}{port}/{path}{'?' if query else ''}{query}{fragment}"
    ),
    st.sampled_from(["http", "https", "HTTP", "hTtPs", "ftp", "", "javascript"]),
    st.sampled_from(["", "user@", "u:p@", "a@b@", "ü@", " @", "%40@"]),
    host,
    port,
    st.lists(segment, max_size=4).map("/".join),
    query,
    st.sampled_from(["", "#", "#top", "#a?b"]),
)


def check_canonical(url: str) -> None:
    """The property: a canonical http(s) URL with a host, stable under canonicalisation,
    that names an input; or Rejected with a one-line reason."""
    try:
        canonical = canonical_url(url)
    except Rejected as rejected:
        assert rejected.reason and "\n" not in rejected.reason
        return
    assert isinstance(canonical, str)
    parts = urlsplit(canonical)
    assert parts.scheme in ("http", "https") and parts.hostname, canonical
    assert not parts.fragment, canonical
    assert canonical_url(canonical) == canonical
    assert len(url_input_id(canonical)) == 16


@fuzz(short=300)
@given(st.text(any_char, max_size=80))
def test_any_text(url: str) -> None:
    """Any text at all."""
    check_canonical(url)


@fuzz(short=300)
# Found by this target: a lone surrogate that no id could hash, and a host of dots only
# whose canonical form "http:///" had no host.
@example("http://\ud800")
@example("http://./")
@given(st.text(any_char, max_size=40).map(lambda rest: "http://" + rest))
def test_any_text_after_the_scheme(url: str) -> None:
    """Any text where the host and path should be."""
    check_canonical(url)


@fuzz(short=500)
# Found by this target: IDNA maps a fullwidth bracket to "[", a canonical form that does
# not parse again, and an ideographic full stop to a trailing dot, kept the first time.
@example("http://\uff3b/")
@example("http://a\uff3db.example/")
@example("http://0\u3002/")
@example("http://0\u3002./")
@given(structured_url)
def test_structured_urls(url: str) -> None:
    """Near-valid URLs: odd hosts, ports, IPv6 literals, percent escapes, IDNA."""
    check_canonical(url)
