"""Fetching pages and feeds from the open web, politely and safely.

- Every TCP connection goes through the address guard (workers/web/address_guard.py),
  which refuses loopback, private, link-local, metadata and other non-global
  addresses. Redirects are followed by hand, one hop at a time, so each new host
  passes the same check before anything is sent to it.
- A size cap, connect/read timeouts and a total deadline bound every download.
- Requests to one host share a concurrency limit and a minimum delay across all
  processes (workers/web/host_gate.py); robots.txt is honoured for pages (workers/web/robots.py).

Permanent failures raise `Rejected` (its reason goes to `dead`); transient ones
raise `TransientFetchError`, with the server's Retry-After when it gave one.
"""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
import redis

from pipelines.article import Rejected
from workers.keys import Keys
from workers.settings import Settings, get_settings
from workers.web.address_guard import AllowList, guard_transport
from workers.web.errors import HostBusy, TransientFetchError
from workers.web.host_gate import HostGate
from workers.web.robots import RobotsRules

USER_AGENT = "newsflow/0.1 (news ingest service; respects robots.txt)"

#: Content types that are article pages, and the kind of input each is.
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}

REDIRECTS = {301, 302, 303, 307, 308}
#: 4xx statuses worth trying again later; every other 4xx is final, every 5xx transient.
TRANSIENT_4XX = {408, 425, 429}

#: A Retry-After longer than this (seconds) is not waited for in full.
MAX_RETRY_AFTER = 3600


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    max_bytes: int = 10_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    #: Bound on a whole download (a server trickling bytes never hits the read timeout).
    total_timeout: float = 60.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    allow: AllowList = field(default_factory=AllowList)
    robots: bool = True
    host_concurrency: int = 2
    #: Seconds between the starts of two requests to one host.
    host_delay: float = 1.0
    #: How long to wait for a turn at a busy host before giving it up for now (HostBusy):
    #: a thread waiting here does nothing else.
    host_wait: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls(
            max_bytes=settings.max_bytes,
            connect_timeout=settings.fetch_connect_timeout,
            read_timeout=settings.fetch_read_timeout,
            total_timeout=settings.fetch_total_timeout,
            max_redirects=settings.fetch_max_redirects,
            user_agent=settings.fetch_user_agent,
            allow=AllowList.parse(settings.fetch_allow),
            robots=settings.fetch_robots,
            host_concurrency=settings.fetch_host_concurrency,
            host_delay=settings.fetch_host_delay,
            host_wait=settings.fetch_host_wait,
        )


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  #: where the body came from, after redirects
    status: int
    headers: httpx.Headers
    body: bytes = b""

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class Fetcher:
    """GETs with the guards above. Thread-safe; one per process is enough."""

    def __init__(
        self,
        policy: FetchPolicy,
        gate: HostGate | None = None,
        robots_cache: redis.Redis | None = None,
        keys: Keys | None = None,
    ) -> None:
        self.policy = policy
        self._gate = gate
        self._robots = (
            RobotsRules(self, robots_cache, keys) if policy.robots and robots_cache else None
        )
        transport = httpx.HTTPTransport(retries=0)
        guard_transport(transport, policy.allow)
        timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": policy.user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def fetch_page(self, url: str) -> tuple[Fetched, str]:
        """An article page and its kind ("html", "text"); robots.txt permitting."""
        if self._robots is not None and not self._robots.allows(url):
            raise Rejected(f"refused by robots.txt: {urlsplit(url).netloc} disallows {url[:200]}")
        fetched = self.get(url)
        kind = PAGE_TYPES.get(fetched.media_type or "text/html")
        if kind is None:
            raise Rejected(
                f"not HTML: {fetched.url[:200]} is {fetched.media_type} "
                f"(newsflow reads HTML pages and plain text)"
            )
        return fetched, kind

    def get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        """GET, following up to max_redirects redirects; a 304 comes back as it is."""
        for _hop in range(self.policy.max_redirects + 1):
            fetched = self._get_once(url, headers or {})
            location = fetched.headers.get("location")
            if fetched.status not in REDIRECTS or not location:
                return fetched
            url = _redirect_target(url, location)
        raise Rejected(
            f"too many redirects: more than {self.policy.max_redirects} from {url[:200]}"
        )

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        host = urlsplit(url).hostname or ""
        try:
            with self._turn(host), self._client.stream("GET", url, headers=headers) as response:
                return self._receive(url, response)
        except httpx.TimeoutException as error:
            raise TransientFetchError(
                f"timed out fetching {url[:200]} ({type(error).__name__})"
            ) from None
        except httpx.InvalidURL as error:
            raise Rejected(f"not a valid URL: {url[:200]} ({error})") from None
        except (httpx.TransportError, httpx.DecodingError) as error:
            raise TransientFetchError(
                f"could not fetch {url[:200]}: {error or type(error).__name__}"
            ) from None

    def _turn(self, host: str) -> AbstractContextManager[None]:
        return self._gate.turn(host) if self._gate else nullcontext()

    def _receive(self, url: str, response: httpx.Response) -> Fetched:
        status = response.status_code
        if status in REDIRECTS or status == 304:
            return Fetched(url, status, response.headers)
        _raise_for_status(url, response)
        declared = int(response.headers.get("content-length") or 0)
        if declared > self.policy.max_bytes:
            raise Rejected(_too_large(url, f"{declared:,} bytes", self.policy.max_bytes))
        return Fetched(url, status, response.headers, self._read_capped(url, response))

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        body, deadline = bytearray(), time.monotonic() + self.policy.total_timeout
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.policy.max_bytes:
                raise Rejected(_too_large(url, "more", self.policy.max_bytes))
            if time.monotonic() > deadline:
                raise TransientFetchError(
                    f"timed out: {url[:200]} took over {self.policy.total_timeout:g} s"
                )
        return bytes(body)


def _raise_for_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    reason = f"HTTP {status} {response.reason_phrase} from {url[:200]}"
    if status in TRANSIENT_4XX or status >= 500:
        raise TransientFetchError(reason, retry_after(response.headers.get("retry-after")))
    raise Rejected(f"{reason}: the page cannot be fetched")


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _redirect_target(url: str, location: str) -> str:
    target = urljoin(url, location.strip())
    if urlsplit(target).scheme not in ("http", "https"):
        raise Rejected(f"refused: {url[:200]} redirects to a non-web address {target[:200]}")
    return target


def _too_large(url: str, size: str, limit: int) -> str:
    limit_text = f"the {limit:,}-byte limit (NEWSFLOW_MAX_BYTES)"
    return f"too large: {url[:200]} sends {size}, over {limit_text}"


_shared_lock = threading.Lock()
_shared: tuple[Settings, Fetcher] | None = None


def shared_fetcher(client: redis.Redis) -> Fetcher:
    """This process's fetcher, built from the current settings on first use."""
    global _shared
    settings = get_settings()
    with _shared_lock:
        if _shared is None or _shared[0] is not settings:
            keys = Keys(settings.prefix)
            policy = FetchPolicy.from_settings(settings)
            _shared = (settings, Fetcher(policy, HostGate(client, keys, policy), client, keys))
        return _shared[1]


def read_page(url: str) -> tuple[bytes, str]:
    """The extract stage's read of a URL input: bytes and kind, or why not.

    A server's Retry-After becomes the delay of dramatiq's next attempt; other
    transient errors take the actor's exponential backoff. Waiting for a turn at a
    busy host is not an attempt: a feed of a thousand items from one site must not
    run out of retries while its pages wait their turn.
    """
    import dramatiq

    from workers.runtime.broker import broker

    try:
        fetched, kind = shared_fetcher(broker.client).fetch_page(url)
    except HostBusy as busy:
        _not_an_attempt()
        raise dramatiq.Retry(busy.reason, delay=int((busy.retry_after or 1.0) * 1000)) from None
    except TransientFetchError as error:
        if error.retry_after is None:
            raise
        delay_ms = int(min(error.retry_after, MAX_RETRY_AFTER) * 1000)
        raise dramatiq.Retry(error.reason, delay=delay_ms) from None
    return fetched.body, kind


def _not_an_attempt() -> None:
    # dramatiq's Retries middleware adds one to the message's count after this raise;
    # taking one off first leaves the count of real attempts as it was.
    from dramatiq.middleware import CurrentMessage

    message = CurrentMessage.get_current_message()
    if message is not None:
        message.options["retries"] = message.options.get("retries", 0) - 1
