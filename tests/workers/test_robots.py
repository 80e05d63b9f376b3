"""robots.txt read as RFC 9309 says (the longest matching rule wins; `*` and `$` are
wildcards), and its Crawl-delay honoured by the host gate: over real HTTP on loopback,
with a real Redis."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from pipelines.article import Rejected
from tests.workers.http_server import LoopbackServer, Request, confine_to_loopback, loopback_server
from workers.keys import Keys
from workers.web.address_guard import AllowList
from workers.web.errors import HostBusy
from workers.web.fetch import Fetcher
from workers.web.host_gate import HostGate
from workers.web.policy import FetchPolicy
from workers.web.robots import RobotsRules

KEYS = Keys("nftest")


class TimedRequests(list[Request]):
    """The server's request log, also noting when each request reached the server."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    def append(self, request: Request) -> None:
        self.arrived[request.path] = time.monotonic()
        super().append(request)


@pytest.fixture
def server(monkeypatch) -> Iterator[LoopbackServer]:
    confine_to_loopback(monkeypatch)
    with loopback_server() as running:
        yield running


def _fetcher(redis_client, **policy) -> Fetcher:
    settings = {"allow": AllowList.parse("127.0.0.1"), "host_delay": 0.0, **policy}
    chosen = FetchPolicy(**settings)
    return Fetcher(chosen, HostGate(redis_client, KEYS, chosen), redis_client, KEYS)


def _robots(server: LoopbackServer, text: str) -> None:
    server.route("/robots.txt", body=text.encode(), content_type="text/plain")


@pytest.mark.parametrize(
    ("robots", "path", "allowed"),
    [
        # The longest match wins, wherever it stands (urllib takes the first in the file).
        ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/news/story.html", True),
        ("User-agent: newsflow\nDisallow: /news\nAllow: /news/today\n", "/news/today/a", True),
        # Wildcards (urllib matches "*" and "$" literally).
        ("User-agent: *\nDisallow: /*.pdf$\n", "/files/report.pdf", False),
        ("User-agent: *\nDisallow: /*/print\n", "/2024/story/print", False),
    ],
)
def test_rules_are_read_as_rfc_9309_says(
    server: LoopbackServer, redis_client, robots: str, path: str, allowed: bool
) -> None:
    _robots(server, robots)
    url = server.route(path, body=b"<p>news</p>")
    if allowed:
        assert _fetcher(redis_client).fetch_page(url)[0].body == b"<p>news</p>"
    else:
        with pytest.raises(Rejected, match="refused by robots.txt"):
            _fetcher(redis_client).fetch_page(url)
        assert server.hits(path) == []


def test_only_the_first_500_kib_are_read(server: LoopbackServer, redis_client) -> None:
    """RFC 9309's parsing limit: a rule past 500 KiB is not read, nor kept in Redis."""
    filler = "# " + "x" * 1022 + "\n"  # a KiB of comment
    _robots(server, "User-agent: *\nDisallow: /early/\n" + filler * 520 + "Disallow: /late/\n")
    early = server.route("/early/a", body=b"<p>a</p>")
    late = server.route("/late/a", body=b"<p>b</p>")
    fetcher = _fetcher(redis_client)
    with pytest.raises(Rejected, match="refused by robots.txt"):
        fetcher.fetch_page(early)
    assert fetcher.fetch_page(late)[0].body == b"<p>b</p>"
    assert len(redis_client.get(KEYS.robots(server.base))) == 500 * 1024


def test_crawl_delay_spaces_two_fetches(server: LoopbackServer, redis_client) -> None:
    """With NEWSFLOW_FETCH_HOST_DELAY at 0 and a Crawl-delay of 1 s, the second page reaches
    the server at least a second after the first (less 50 ms: the gate counts whole
    milliseconds of Redis's clock, and each request takes a moment from its turn to the
    server)."""
    _robots(server, "User-agent: newsflow\nCrawl-delay: 1\n")
    first, second = server.route("/a", body=b"<p>a</p>"), server.route("/b", body=b"<p>b</p>")
    server.requests = log = TimedRequests()
    fetcher = _fetcher(redis_client, host_wait=5.0)
    fetcher.fetch_page(first)
    fetcher.fetch_page(second)
    assert log.arrived["/b"] - log.arrived["/a"] >= 0.95


def test_a_long_crawl_delay_is_capped(server: LoopbackServer, redis_client) -> None:
    """A day's Crawl-delay for newsflow (another robot's shorter one does not count) holds the
    host's next request back 60 s, not a day: the second page is put off that long."""
    _robots(
        server,
        "User-agent: otherbot\nCrawl-delay: 5\n\nUser-agent: newsflow\nCrawl-delay: 86400\n",
    )
    first, second = server.route("/a", body=b"<p>a</p>"), server.route("/b", body=b"<p>b</p>")
    fetcher = _fetcher(redis_client, host_wait=0.2)
    fetcher.fetch_page(first)
    with pytest.raises(HostBusy) as busy:
        fetcher.fetch_page(second)
    # 60 s, plus the gate's spread of comebacks (0.5 to 4.5 s with two slots per host).
    assert 59 < busy.value.retry_after < 65
    assert server.hits("/b") == []


@pytest.mark.parametrize(
    ("robots", "delay"),
    [
        ("User-agent: *\nCrawl-delay: 2.5\n", 2.5),
        ("User-agent: otherbot\nCrawl-delay: 30\n\nUser-agent: *\nCrawl-delay: 3\n", 3.0),
        ("User-agent: otherbot\nCrawl-delay: 30\n", 0.0),
        ("User-agent: newsflow\nCrawl-delay: -1\n", 0.0),
        ("User-agent: newsflow\nCrawl-delay: soon\n", 0.0),
        ("User-agent: newsflow\nCrawl-delay: 86400\n", 60.0),
        (None, 0.0),  # robots.txt not read yet: it is not fetched for this
    ],
)
def test_crawl_delay_for_newsflow(redis_client, robots: str | None, delay: float) -> None:
    def no_fetch(url: str):  # type: ignore[no-untyped-def]
        raise AssertionError(f"crawl_delay fetched {url}")

    if robots is not None:
        redis_client.set(KEYS.robots("https://news.example"), robots.encode())
    rules = RobotsRules(no_fetch, redis_client, KEYS)
    assert rules.crawl_delay("https://news.example/a/story") == delay
