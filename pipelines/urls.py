"""URL canonicalisation: one spelling per web page, so a link is recognised when seen again.

Feeds and sharers decorate the same article link in many ways: host case, a
default port, a fragment, tracking parameters (utm_*, fbclid, ...). The
canonical form drops all of that and is what newsflow fetches, remembers and
names an input by. Parameters that may select content are kept, in their order.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

from pipelines.article import Rejected, input_id

#: Query parameters that only track where a click came from (exact names, lower case).
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "wt_mc",
        "wt_zmc",
        "wt.mc_id",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ito",
        "smid",
        "sr_share",
        "at_medium",
        "at_campaign",
    }
)

#: Prefixes of tracking parameter families (utm_source, utm_medium, pk_campaign, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "__s")

DEFAULT_PORTS = {"http": 80, "https": 443}

# Characters a path or query may hold unescaped: RFC 3986 sub-delims, ':', '@', '/', '?',
# and '%' so that existing escapes are kept as they are.
_SAFE = "/:@!$&'()*+,;=?%"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# The characters IDNA reads as the dot between labels (RFC 3490, 3.1).
_DOTS = ".\u3002\uff0e\uff61"
# What no host name may hold (the WHATWG URL Standard's forbidden host code points, C0
# controls and DEL), checked after IDNA: "［" (U+FF3B) becomes "[" on the way.
_FORBIDDEN_IN_HOST = re.compile(r"[\x00-\x20#/:<>?@\[\\\]^|\x7f]")


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL.

    Raises:
        Rejected: not an http or https URL with a host.
    """
    _refuse_unencodable(url)
    try:
        parts = urlsplit(url.strip())
    except ValueError as error:  # "http://[::1/": an unclosed IPv6 bracket, say
        raise Rejected(f"not a valid URL: {url[:200]!r} ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise Rejected(f"not a web address: {url[:200]!r} (newsflow fetches http and https URLs)")
    return urlunsplit((scheme, _netloc(parts, scheme), _path(parts.path), _query(parts.query), ""))


def url_input_id(canonical: str) -> str:
    """The article id of a URL input: its canonical URL names it, fetched once.

    The id must be known before the page is fetched (to track the input to its
    outcome), so it cannot hash the page's bytes as a file's id does.
    """
    return input_id(canonical, b"")


def is_web_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def _refuse_unencodable(url: str) -> None:
    # A lone surrogate (a name read with surrogateescape, say) has no UTF-8 form: the URL
    # could be neither fetched nor hashed into an id.
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected(f"not a valid URL: {url[:200]!r} (characters that are not text)") from None


def _netloc(parts: SplitResult, scheme: str) -> str:
    try:
        port = parts.port
    except ValueError:
        raise Rejected(f"not a web address: bad port in {parts.netloc!r}") from None
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    host = _host(parts.hostname or "", literal=hostinfo.startswith("["))
    netloc = f"{userinfo}@{host}" if userinfo else host
    return netloc if port in (None, DEFAULT_PORTS[scheme]) else f"{netloc}:{port}"


def _host(hostname: str, literal: bool) -> str:
    """The host in its one spelling (urlsplit lower-cases it already); Rejected when no host
    name could be spelt that way."""
    if literal:
        return f"[{hostname}]"  # an IP literal, which urlsplit has checked
    host = hostname.rstrip(_DOTS)
    with contextlib.suppress(UnicodeError):  # not a valid IDN: kept as written, fetching says so
        host = host.encode("idna").decode("ascii")
    host = host.rstrip(".")  # IDNA's mapping makes dots of other characters too ("․", U+2024)
    if not host:  # "http://./"
        raise Rejected("not a web address: the host name is empty")
    if _FORBIDDEN_IN_HOST.search(host):
        raise Rejected(f"not a web address: {host[:200]!r} cannot be a host name")
    return host


def _path(path: str) -> str:
    return _escapes(path) or "/"


def _query(query: str) -> str:
    # Pairs are kept as written ("+" and "%20" may mean different things to a server);
    # only whole tracking pairs go.
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=")[0])]
    return "&".join(_escapes(pair) for pair in kept)


def _escapes(text: str) -> str:
    """Raw spaces and non-ASCII escaped; escapes of unreserved characters decoded, the
    rest upper-cased: "/a%7eb", "/a~b" and "/a%7Eb" are one path, "%2F" stays escaped."""
    return _ESCAPE.sub(_normal_escape, quote(text, safe=_SAFE))


def _normal_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(0)[1:], 16))
    return char if char in _UNRESERVED else match.group(0).upper()


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    lowered = unquote(lowered)
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)
