"""Fetching pages and feeds from the open web, politely and safely.

- Every TCP connection goes through `GuardedBackend`, which resolves the host
  itself, refuses loopback, private, link-local, metadata and other non-global
  addresses (unless NEWSFLOW_FETCH_ALLOW lists them), and connects to the very
  address it checked: a DNS answer that changes between check and connect
  ("rebinding") cannot slip through. Redirects are followed by hand, one hop at a
  time, so each new host passes the same check before anything is sent to it.
- A size cap, connect/read timeouts and a total deadline bound every download.
- Requests to one host share a concurrency limit and a minimum delay across all
  processes (`HostGate`, in Redis); robots.txt is honoured for pages.

Permanent failures raise `Rejected` (its reason goes to `dead`); transient ones
raise `TransientFetchError`, with the server's Retry-After when it gave one.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx
import redis
import structlog

from pipelines.article import Rejected
from workers.keys import Keys
from workers.settings import Settings, get_settings

log = structlog.get_logger("newsflow.fetch")

USER_AGENT = "newsflow/0.1 (news ingest service; respects robots.txt)"
#: The product token robots.txt rules are matched against.
ROBOTS_AGENT = "newsflow"

#: Content types that are article pages, and the kind of input each is.
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}

REDIRECTS = {301, 302, 303, 307, 308}
#: Statuses worth trying again later; every other 4xx is final.
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}

#: robots.txt is kept this long; an unreachable one (taken as "allow all") for less.
ROBOTS_TTL, ROBOTS_ERROR_TTL = 24 * 3600, 3600

#: A Retry-After longer than this (seconds) is not waited for in full.
MAX_RETRY_AFTER = 3600


class TransientFetchError(Exception):
    """A fetch that may work later: a timeout, a 5xx, a 429, a busy host."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class HostBusy(TransientFetchError):
    """No turn at the host soon enough: not the page's fault, try it again a bit later."""


class AddressRefused(Rejected):
    """The host resolves to an address newsflow must not connect to."""


@dataclass(frozen=True, slots=True)
class AllowList:
    """NEWSFLOW_FETCH_ALLOW: networks and host names that may be fetched although private."""

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        networks, hosts = [], []
        for item in filter(None, (part.strip().lower() for part in text.split(","))):
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.append(item.rstrip("."))
        return cls(tuple(networks), tuple(hosts))

    def permits(self, host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        host = host.lower().rstrip(".")
        if any(host == h or host.endswith("." + h) for h in self.hosts):
            return True
        return any(
            address in network for network in self.networks if network.version == address.version
        )


def vetted_addresses(host: str, port: int, allow: AllowList) -> list[str]:
    """The addresses of ``host`` newsflow may connect to; AddressRefused if any is forbidden.

    All of them must pass: one private address among public ones is a classic trick.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise TransientFetchError(f"cannot resolve {host}: {error.strerror}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if not _is_public(address) and not allow.permits(host, address):
            raise AddressRefused(
                f"refused: {host} resolves to {address}, a loopback, private, link-local or "
                f"reserved address (list it in NEWSFLOW_FETCH_ALLOW to fetch it)"
            )
    return addresses


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254, the cloud
    # metadata address), CGNAT (100.100.100.200, Alibaba's), ULA (fd00:ec2::254), ...
    return address.is_global and not address.is_multicast


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to vetted addresses."""

    def __init__(self, allow: AllowList) -> None:
        self._allow = allow

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kwargs: Any) -> Any:
        last_error: Exception | None = None
        for address in vetted_addresses(host, port, self._allow):
            try:
                return super().connect_tcp(address, port, timeout=timeout, **kwargs)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error  # try the host's next address, as create_connection does
        raise last_error or httpcore.ConnectError(f"no address for {host}")


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


# KEYS: the host's slot set, its next-start key. ARGV: token, limit, delay ms, lease ms.
# Returns 0 when the slot is taken, else how many ms to wait before asking again.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if next_start > now then return next_start - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 50 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', ARGV[3]) end
return 0
"""


class HostGate:
    """Per-host concurrency limit and delay, shared by every process through Redis.

    A slot expires after ``lease`` seconds, so a process killed mid-request frees it.
    """

    def __init__(self, client: redis.Redis, keys: Keys, policy: FetchPolicy) -> None:
        self._client = client
        self._keys = keys
        self._policy = policy
        self._take = client.register_script(_TAKE_SLOT)

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        token = uuid.uuid4().hex
        slots = self._keys.host_slots(host)
        self._wait_for_slot(host, token)
        try:
            yield
        finally:
            self._client.zrem(slots, token)

    def _wait_for_slot(self, host: str, token: str) -> None:
        policy = self._policy
        lease_ms = int((policy.connect_timeout + policy.total_timeout + 5) * 1000)
        keys = [self._keys.host_slots(host), self._keys.host_next(host)]
        args = [token, policy.host_concurrency, int(policy.host_delay * 1000), lease_ms]
        deadline = time.monotonic() + policy.host_wait
        while (wait_ms := int(self._take(keys=keys, args=args))) > 0:
            if time.monotonic() + wait_ms / 1000 > deadline:
                # Spread the comebacks, or they all find the host busy again together.
                later = wait_ms / 1000 + random.uniform(0.5, 0.5 + 2 * policy.host_concurrency)
                raise HostBusy(f"host busy: no turn at {host} within {policy.host_wait:g} s", later)
            time.sleep(wait_ms / 1000)


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
            _RobotsRules(self, robots_cache, keys) if policy.robots and robots_cache else None
        )
        transport = httpx.HTTPTransport(retries=0)
        # httpx builds its pool with the default socket backend; this one vets addresses.
        transport._pool._network_backend = GuardedBackend(policy.allow)
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

    def _turn(self, host: str) -> Any:
        return self._gate.turn(host) if self._gate else _no_gate()

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
    if status in TRANSIENT_STATUSES or status >= 500:
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


@contextmanager
def _no_gate() -> Iterator[None]:
    yield


class _RobotsRules:
    """robots.txt per origin, cached in Redis so that all workers fetch it once a day."""

    def __init__(self, fetcher: Fetcher, client: redis.Redis, keys: Keys | None) -> None:
        self._fetcher = fetcher
        self._client = client
        self._keys = keys or Keys()

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        key = self._keys.robots(origin)
        cached = self._client.get(key)
        text = (
            cached.decode("utf-8", "replace") if cached is not None else self._refresh(origin, key)
        )
        rules = RobotFileParser()
        rules.parse(text.splitlines())
        return rules.can_fetch(ROBOTS_AGENT, url)

    def _refresh(self, origin: str, key: str) -> str:
        # RFC 9309: a missing robots.txt (4xx) allows everything, but one that cannot be
        # reached (5xx, timeout) means "disallow all" for now: the page waits and is retried.
        try:
            fetched = self._fetcher.get(origin + "/robots.txt")
        except TransientFetchError as error:
            raise TransientFetchError(f"robots.txt of {origin} is unreachable: {error}") from None
        except Rejected as error:  # refused, not text, too large: no usable rules
            log.info("robots_unusable", origin=origin, error=str(error))
            text, ttl = "", ROBOTS_ERROR_TTL
        else:
            if fetched.status >= 500:
                raise TransientFetchError(f"robots.txt of {origin} answered {fetched.status}")
            text = fetched.body.decode("utf-8", "replace") if fetched.status == 200 else ""
            ttl = ROBOTS_TTL
        self._client.set(key, text.encode(), ex=ttl)
        return text


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

    from workers.broker import broker

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
