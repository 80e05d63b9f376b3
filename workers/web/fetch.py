"""Fetching pages and feeds from the open web, politely and safely.

- Every TCP connection goes through the address guard (workers/web/address_guard.py,
  plugged into httpx by workers/web/transport.py), which refuses loopback, private,
  link-local, metadata and other non-global addresses. Redirects are followed by hand,
  one hop at a time, so each new host passes the same check before anything is sent
  to it; a redirect to an invalid or non-web target ends the fetch, naming the hop.
- A size cap, connect/read timeouts and a total deadline bound every download.
- Requests to one host share a concurrency limit and a minimum delay across all
  processes (workers/web/host_gate.py), longer when robots.txt asks for a Crawl-delay;
  robots.txt is honoured for pages (workers/web/robots.py).

Permanent failures raise `Rejected` (its reason goes to `dead`); transient ones
raise `TransientFetchError`, with the server's Retry-After when it gave one.
"""

from __future__ import annotations

import ipaddress
import re
import time
from contextlib import AbstractContextManager, nullcontext
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
import redis

from pipelines.article import Rejected
from workers.keys import Keys
from workers.runtime import metrics
from workers.web.address_guard import deadline
from workers.web.errors import TransientFetchError
from workers.web.host_gate import HostGate
from workers.web.policy import Fetched, FetchPolicy
from workers.web.robots import RobotsRules
from workers.web.transport import GuardedTransport

#: Content types that are article pages, and the kind of input each is.
PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}

REDIRECTS = {301, 302, 303, 307, 308}
#: 4xx statuses worth trying again later; every other 4xx is final, every 5xx transient.
TRANSIENT_4XX = {408, 425, 429}


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
            RobotsRules(self.get, robots_cache, keys) if policy.robots and robots_cache else None
        )
        timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
        self._client = httpx.Client(
            transport=GuardedTransport(policy.allow),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": policy.user_agent},
            event_hooks={"response": [metrics.count_answer, _vet_redirect]},
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
        """GET, following up to max_redirects redirects; a 304 comes back as it is.

        The whole of it, every hop's connection, headers and body, ends within the
        policy's total timeout.
        """
        started = deadline.set(time.monotonic() + self.policy.total_timeout)
        try:
            for _hop in range(self.policy.max_redirects + 1):
                fetched = self._get_once(url, headers or {})
                location = fetched.headers.get("location")
                if fetched.status not in REDIRECTS or not location:
                    return fetched
                url = _redirect_target(url, location)
        finally:
            deadline.reset(started)
        raise Rejected(
            f"too many redirects: more than {self.policy.max_redirects} from {url[:200]}"
        )

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            with self._turn(url), self._client.stream("GET", url, headers=headers) as response:
                return self._receive(url, response)
        except httpx.TimeoutException as error:
            metrics.fetch_answered(None)
            if time.monotonic() >= (deadline.get() or float("inf")):
                error_text = f"took over {self.policy.total_timeout:g} s"
            else:
                error_text = f"({type(error).__name__})"
            raise TransientFetchError(f"timed out fetching {url[:200]} {error_text}") from None
        except httpx.InvalidURL as error:
            raise Rejected(f"not a valid URL: {url[:200]} ({error})") from None
        except (httpx.TransportError, httpx.DecodingError) as error:
            metrics.fetch_answered(None)
            raise TransientFetchError(
                f"could not fetch {url[:200]}: {error or type(error).__name__}"
            ) from None

    def _turn(self, url: str) -> AbstractContextManager[None]:
        """A turn at the URL's host, spaced from the last as its robots.txt asks, if known."""
        if self._gate is None:
            return nullcontext()
        # Only a robots.txt already read counts: reading one here would need a turn too.
        spacing = self._robots.crawl_delay(url) if self._robots is not None else 0.0
        return self._gate.turn(urlsplit(url).hostname or "", spacing)

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
        body = bytearray()
        for chunk in response.iter_bytes():  # each read ends by the deadline (address_guard)
            body += chunk
            if len(body) > self.policy.max_bytes:
                raise Rejected(_too_large(url, "more", self.policy.max_bytes))
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


def _vet_redirect(response: httpx.Response) -> None:
    """Refuse a bad redirect target before httpx reads it: httpx builds the next request
    even when it does not follow redirects, and fails on a bad Location as it fails on a
    broken connection (a transient error, retried in vain)."""
    location = response.headers.get("location")
    if response.status_code in REDIRECTS and location:
        _redirect_target(str(response.request.url), location)


def _redirect_target(url: str, location: str) -> str:
    """The URL a redirect leads to; Rejected, naming the hop, when it leads nowhere valid."""
    hop = f"{url[:200]} redirects to {location.strip()[:200]!r}"
    try:
        target = urljoin(url, location.strip())
        scheme = urlsplit(target).scheme
    except ValueError as error:  # a broken IPv6 literal ("http://[::1")
        raise Rejected(f"bad redirect: {hop}, not a valid URL ({error})") from None
    if scheme not in ("http", "https"):
        raise Rejected(f"refused: {hop}, a non-web address")
    try:
        parsed = httpx.URL(target)
    except httpx.InvalidURL as error:  # control characters, a port that is no number, ...
        raise Rejected(f"bad redirect: {hop}, not a valid URL ({error})") from None
    host = parsed.raw_host.decode("ascii")
    if not _valid_host(host):
        raise Rejected(f"bad redirect: {hop}, not a valid host name ({host[:100]!r})")
    if not 0 < (parsed.port or 80) < 65536:
        raise Rejected(f"bad redirect: {hop}, not a valid port ({parsed.port})")
    return target


#: One label of a host name (an underscore is not valid, but some sites use one all the same).
_LABEL = re.compile(r"[a-z0-9_-]{1,63}", re.IGNORECASE)


def _valid_host(host: str) -> bool:
    """An IP address, or a name DNS could answer for."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.removesuffix(".").split(".")
        return len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)
    return True


def _too_large(url: str, size: str, limit: int) -> str:
    limit_text = f"the {limit:,}-byte limit (NEWSFLOW_MAX_BYTES)"
    return f"too large: {url[:200]} sends {size}, over {limit_text}"
