"""Fetching over real HTTP on loopback: guards against private addresses (before connecting
and after every redirect), limits, content types, statuses, robots.txt and the host gate."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipelines.article import Rejected
from tests.workers.helpers import entries, running_worker, wait_for_entries
from tests.workers.http_server import LoopbackServer, confine_to_loopback, loopback_server
from workers.keys import Keys
from workers.web.address_guard import AddressRefused, AllowList, GuardedBackend, vetted_addresses
from workers.web.errors import HostBusy, TransientFetchError
from workers.web.fetch import Fetcher, retry_after
from workers.web.host_gate import HostGate
from workers.web.policy import FetchPolicy
from workers.web.transport import GuardedTransport

LOOPBACK = AllowList.parse("127.0.0.1")
KEYS = Keys("nftest")


@pytest.fixture
def connections(monkeypatch) -> list[str]:
    return confine_to_loopback(monkeypatch)


@pytest.fixture
def server(connections) -> Iterator[LoopbackServer]:
    with loopback_server() as running:
        yield running


def _fetcher(redis_client=None, **policy) -> Fetcher:
    settings = {"allow": LOOPBACK, "host_delay": 0.0, "read_timeout": 2.0, **policy}
    chosen = FetchPolicy(**settings)
    gate = HostGate(redis_client, KEYS, chosen) if redis_client is not None else None
    return Fetcher(chosen, gate, redis_client, KEYS)


def test_fetches_a_real_page_with_a_clear_user_agent(
    server: LoopbackServer, eval_pages: list[Path]
) -> None:
    """A page comes back whole, as HTML, and the server saw newsflow's User-Agent."""
    page = eval_pages[0].read_bytes()
    fetched, kind = _fetcher().fetch_page(server.route("/story", body=page))
    assert (fetched.body, kind, fetched.status) == (page, "html", 200)
    assert server.hits("/story")[0].headers["user-agent"].startswith("newsflow/")


def test_loopback_is_refused_without_the_allow_list(
    server: LoopbackServer, connections: list[str]
) -> None:
    """By default 127.0.0.1 is refused, and nothing reaches the server."""
    with pytest.raises(AddressRefused, match="127.0.0.1.*NEWSFLOW_FETCH_ALLOW"):
        _fetcher(allow=AllowList()).get(server.route("/story", body=b"<p>x</p>"))
    assert server.requests == [] and connections == []


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://0.0.0.0/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_redirect_to_a_private_address_is_refused_before_connecting(
    server: LoopbackServer, connections: list[str], target: str
) -> None:
    """The redirect is followed by hand; its target is refused without a connection to it."""
    with pytest.raises(AddressRefused, match="refused: .* resolves to"):
        _fetcher().get(server.redirect("/go", target))
    assert len(server.hits("/go")) == 1
    assert set(connections) == {"127.0.0.1"}


def test_redirects_are_followed_up_to_the_limit(server: LoopbackServer) -> None:
    server.redirect("/a", "/b", 301)
    server.redirect("/b", server.url("/c"), 307)
    server.route("/c", body=b"<p>end</p>")
    assert _fetcher().get(server.url("/a")).url == server.url("/c")
    server.redirect("/loop", "/loop")
    with pytest.raises(Rejected, match="too many redirects"):
        _fetcher(max_redirects=3).get(server.url("/loop"))
    assert len(server.hits("/loop")) == 4


def test_redirect_to_another_scheme_is_refused(server: LoopbackServer) -> None:
    with pytest.raises(Rejected, match="non-web address"):
        _fetcher().get(server.redirect("/f", "file:///etc/passwd"))


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("http://[::1", "not a valid URL"),
        ("data:text/html,x", "a non-web address"),
        ("http://news\x01.example/", "not a valid URL"),
        ("http://news.example/\x7fstory", "not a valid URL"),
        ("http://exa mple.com/", "not a valid host name"),
        ("http://a..b/", "not a valid host name"),
        ("https://", "not a valid host name"),
        ("http://news.example:99999/", "not a valid port"),
    ],
)
def test_an_invalid_redirect_target_is_final_and_names_the_hop(
    server: LoopbackServer, connections: list[str], location: str, why: str
) -> None:
    """A redirect to where no request can go is a rejection at once (never a transient error
    to retry), saying which URL redirected where, and why that target is no good."""
    url = server.redirect("/go", location)
    with pytest.raises(Rejected) as rejected:
        _fetcher().get(url)
    assert not isinstance(rejected.value, TransientFetchError)
    assert f": {url} redirects to {location!r}, {why}" in rejected.value.reason
    assert len(server.hits("/go")) == 1 and set(connections) == {"127.0.0.1"}


@pytest.fixture
def worker_fetches_loopback(monkeypatch):
    """The worker's own fetcher (built from the settings) may fetch 127.0.0.1 at full speed."""
    from workers.settings import get_settings

    monkeypatch.setenv("NEWSFLOW_FETCH_ALLOW", "127.0.0.1")
    monkeypatch.setenv("NEWSFLOW_FETCH_HOST_DELAY", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_an_invalid_redirect_sends_the_page_to_dead_after_one_attempt(
    worker_fetches_loopback, redis_client, server: LoopbackServer, intake
) -> None:
    """Through a real worker: the page is buried by its first attempt, with the hop named,
    instead of being retried in vain and buried as "gave up after 4 attempts"."""
    url = server.redirect("/moved", "http://[::1")
    with running_worker():
        offer = intake.offer_url(url)
        wait_for_entries(redis_client, [KEYS.articles, KEYS.dead], 1)
    [dead] = entries(redis_client, KEYS.dead)
    assert dead["id"] == offer.article_id and dead["stage"] == "extract"
    assert dead["error"] == (
        f"bad redirect: {dead['source']['url']} redirects to 'http://[::1', "
        f"not a valid URL (Invalid IPv6 URL)"
    )
    assert dead["attempts"] == "1" and len(server.hits("/moved")) == 1


def test_the_guarded_transport_speaks_httpx(
    server: LoopbackServer, connections: list[str], eval_pages: list[Path]
) -> None:
    """The transport under a plain httpx Client: responses (a gzipped body decoded by httpx,
    as before), the guard's refusals, and httpcore's errors raised as httpx's."""
    page = eval_pages[0].read_bytes()
    url = server.route("/gz", body=gzip.compress(page), headers={"Content-Encoding": "gzip"})
    with httpx.Client(transport=GuardedTransport(LOOPBACK)) as client:
        assert client.get(url).content == page
        with pytest.raises(httpx.ReadTimeout):
            client.get(server.route("/slow", body=b"late", delay=30), timeout=0.3)
    with (
        httpx.Client(transport=GuardedTransport(AllowList())) as client,
        pytest.raises(AddressRefused, match="resolves to 127.0.0.1"),
    ):
        client.get(url)
    assert len(server.hits("/gz")) == 1
    assert "gzip" in server.hits("/gz")[0].headers["accept-encoding"]
    assert _fetcher().get(url).body == page  # and so through the fetcher


def test_size_cap(server: LoopbackServer) -> None:
    """A body over max_bytes is refused from its Content-Length, before it is read."""
    url = server.route("/big", body=b"x" * 5000)
    with pytest.raises(Rejected, match="too large"):
        _fetcher(max_bytes=4999).get(url)
    assert len(_fetcher(max_bytes=5000).get(url).body) == 5000


def test_size_cap_without_content_length(server: LoopbackServer) -> None:
    """A chunked body that grows past max_bytes is cut off while it is read."""
    url = server.route("/stream", body=b"y" * 50_000, chunked=True)
    with pytest.raises(Rejected, match="sends more, over the 20,000-byte limit"):
        _fetcher(max_bytes=20_000).get(url)
    assert _fetcher().get(url).body == b"y" * 50_000


@pytest.mark.parametrize(
    ("content_type", "outcome"),
    [
        ("text/html; charset=utf-8", "html"),
        ("application/xhtml+xml", "html"),
        ("text/plain", "text"),
        ("application/pdf", "not HTML"),
        ("image/png", "not HTML"),
    ],
)
def test_content_type_check(server: LoopbackServer, content_type: str, outcome: str) -> None:
    url = server.route("/doc", body=b"body", content_type=content_type)
    if outcome.startswith("not"):
        with pytest.raises(Rejected, match="not HTML: .* is " + content_type):
            _fetcher().fetch_page(url)
    else:
        assert _fetcher().fetch_page(url)[1] == outcome


@pytest.mark.parametrize(
    ("status", "headers", "error", "wait"),
    [
        (404, {}, Rejected, None),
        (410, {}, Rejected, None),
        (403, {}, Rejected, None),
        (500, {}, TransientFetchError, None),
        (502, {}, TransientFetchError, None),
        (429, {"Retry-After": "120"}, TransientFetchError, 120.0),
        (503, {"Retry-After": "30"}, TransientFetchError, 30.0),
    ],
)
def test_statuses(
    server: LoopbackServer, status: int, headers: dict, error: type, wait: float | None
) -> None:
    """4xx are final; 5xx and 429 are transient and carry the server's Retry-After."""
    with pytest.raises(error, match=f"HTTP {status}") as raised:
        _fetcher().get(server.route("/s", status=status, headers=headers))
    assert getattr(raised.value, "retry_after", None) == wait


def test_retry_after_forms() -> None:
    assert retry_after("90") == 90.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: at once
    assert retry_after("Fri, 01 Jan 2100 00:00:00 GMT") > 3000 and retry_after("soon") is None


def test_slow_server_times_out(server: LoopbackServer) -> None:
    """A server that does not answer within the read timeout is a transient error."""
    with pytest.raises(TransientFetchError, match="timed out"):
        _fetcher(read_timeout=0.3).get(server.route("/slow", body=b"late", delay=30))


def test_conditional_get_gets_304(server: LoopbackServer) -> None:
    url = server.route("/feed", body=b"<rss/>", etag='"v1"')
    assert _fetcher().get(url).headers["etag"] == '"v1"'
    assert _fetcher().get(url, headers={"If-None-Match": '"v1"'}).status == 304


def test_robots_txt_is_honoured_and_cached(server: LoopbackServer, redis_client) -> None:
    """A disallowed page is refused unfetched; robots.txt is fetched once for all."""
    server.route(
        "/robots.txt",
        body=b"User-agent: newsflow\nDisallow: /private/\n",
        content_type="text/plain",
    )
    server.route("/private/a", body=b"<p>secret</p>")
    server.route("/public/a", body=b"<p>news</p>")
    fetcher = _fetcher(redis_client)
    with pytest.raises(Rejected, match="refused by robots.txt"):
        fetcher.fetch_page(server.url("/private/a"))
    assert fetcher.fetch_page(server.url("/public/a"))[0].body == b"<p>news</p>"
    assert server.hits("/private/a") == [] and len(server.hits("/robots.txt")) == 1
    assert (
        _fetcher(redis_client, robots=False).fetch_page(server.url("/private/a"))[0].status == 200
    )


def test_missing_robots_txt_allows_everything(server: LoopbackServer, redis_client) -> None:
    server.route("/a", body=b"<p>news</p>")
    assert _fetcher(redis_client).fetch_page(server.url("/a"))[0].status == 200
    assert len(server.hits("/robots.txt")) == 1


def test_unreachable_robots_txt_holds_the_page_back(server: LoopbackServer, redis_client) -> None:
    """A robots.txt answering 503 means "disallow all for now" (RFC 9309): the page is not
    fetched, and the error is one to retry, not a rejection."""
    server.route("/robots.txt", status=503, body=b"busy", content_type="text/plain")
    server.route("/b", body=b"<p>news</p>")
    with pytest.raises(TransientFetchError, match="robots.txt"):
        _fetcher(redis_client).fetch_page(server.url("/b"))
    assert server.hits("/b") == []


def test_host_gate_limits_concurrency_across_fetchers(redis_client) -> None:
    """With one slot per host, a second turn (another process, say) waits; a free slot
    is taken at once; the slot lives in Redis and is gone after use."""
    policy = FetchPolicy(host_concurrency=1, host_delay=0.0, host_wait=0.2)
    first, second = HostGate(redis_client, KEYS, policy), HostGate(redis_client, KEYS, policy)
    with first.turn("news.example"):
        assert redis_client.zcard(KEYS.host_slots("news.example")) == 1
        with pytest.raises(TransientFetchError, match="host busy"), second.turn("news.example"):
            pass
        with second.turn("other.example"):
            pass
    with second.turn("news.example"):
        pass
    assert redis_client.zcard(KEYS.host_slots("news.example")) == 0


def test_host_gate_spaces_requests(redis_client) -> None:
    """After a request, the host's next one may start only host_delay later."""
    gate = HostGate(redis_client, KEYS, FetchPolicy(host_delay=60.0, host_wait=0.2))
    with gate.turn("news.example"):
        pass
    with pytest.raises(HostBusy, match="host busy") as busy, gate.turn("news.example"):
        pass
    assert busy.value.retry_after > 59  # comes back when the host's next turn is due


def test_allow_list() -> None:
    allow = AllowList.parse(" 10.0.0.0/8, intranet.example ,127.0.0.1")
    assert allow.permits("x", ipaddress.ip_address("10.1.2.3"))
    assert allow.permits("wiki.intranet.example", ipaddress.ip_address("192.168.0.9"))
    assert not allow.permits("x", ipaddress.ip_address("192.168.0.9"))
    assert not allow.permits("x", ipaddress.ip_address("::1"))


def test_a_dns_lookup_that_never_answers_fails_as_transient(monkeypatch, connections) -> None:
    """getaddrinfo has no timeout: a resolver that never answers must not hold the worker
    past the connect timeout. (A stuck resolver cannot run here, so this one is stubbed.)"""
    released = threading.Event()

    def unanswered_getaddrinfo(*args, **kwargs):  # type: ignore[no-untyped-def]
        released.wait(60)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", unanswered_getaddrinfo)
    try:
        with pytest.raises(TransientFetchError, match="no answer from DNS within 0.5 s"):
            _fetcher(allow=AllowList(), connect_timeout=0.5).get("http://news.example/story")
    finally:
        released.set()
    assert connections == []


def test_backend_refuses_metadata_address_without_a_socket(connections: list[str]) -> None:
    """The connection layer itself refuses, whatever URL or redirect led there."""
    with pytest.raises(AddressRefused):
        GuardedBackend(LOOPBACK).connect_tcp("169.254.169.254", 80, timeout=1)
    with pytest.raises(AddressRefused):
        vetted_addresses("10.0.0.1", 80, AllowList())
    assert vetted_addresses("127.0.0.1", 80, LOOPBACK) == ["127.0.0.1"]
    assert connections == []
