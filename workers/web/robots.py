"""robots.txt per origin, cached in Redis so that all workers fetch it once a day, and read
as RFC 9309 says with Protego: the longest matching rule wins, `*` and `$` are wildcards.
(urllib.robotparser takes the first rule in file order and matches `*` literally.)"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

import redis
import structlog
from protego import Protego

from pipelines.article import Rejected
from workers.keys import Keys
from workers.web.errors import TransientFetchError
from workers.web.policy import Fetched

log = structlog.get_logger("newsflow.fetch")

#: The product token robots.txt rules are matched against.
ROBOTS_AGENT = "newsflow"

#: robots.txt is kept this long; an unusable one (taken as "allow all") for less.
ROBOTS_TTL, ROBOTS_ERROR_TTL = 24 * 3600, 3600

#: Only this much of a robots.txt is read, the least RFC 9309 asks crawlers to parse: a
#: bigger one costs Redis and every worker's memory and says nothing more.
ROBOTS_MAX_BYTES = 500 * 1024

#: A Crawl-delay (seconds) longer than this is taken as this: a site asking for an hour
#: between requests would otherwise hold its pages back for days.
MAX_CRAWL_DELAY = 60.0


class RobotsRules:
    """Whether robots.txt lets newsflow fetch a URL, reading it with ``get`` (the fetcher's,
    which owns these rules and lends its guarded GET to them)."""

    def __init__(
        self, get: Callable[[str], Fetched], client: redis.Redis, keys: Keys | None
    ) -> None:
        self._get = get
        self._client = client
        self._keys = keys or Keys()

    def allows(self, url: str) -> bool:
        return _parsed(self._text(_origin(url))).can_fetch(url, ROBOTS_AGENT)

    def crawl_delay(self, url: str) -> float:
        """The seconds robots.txt asks newsflow to leave between two requests to the URL's
        origin (capped at MAX_CRAWL_DELAY), or 0: taken from the cache only, never fetched."""
        cached = self._client.get(self._keys.robots(_origin(url)))
        if cached is None:
            return 0.0
        delay = _parsed(cached.decode("utf-8", "replace")).crawl_delay(ROBOTS_AGENT)
        # Older Protego releases pass a negative or infinite value through.
        if delay is None or not math.isfinite(delay) or delay <= 0:
            return 0.0
        return min(delay, MAX_CRAWL_DELAY)

    def _text(self, origin: str) -> str:
        key = self._keys.robots(origin)
        cached = self._client.get(key)
        if cached is not None:
            return cached.decode("utf-8", "replace")
        return self._refresh(origin, key)

    def _refresh(self, origin: str, key: str) -> str:
        # RFC 9309: a missing robots.txt (4xx) allows everything, but one that cannot be
        # reached (5xx, timeout) means "disallow all" for now: the page waits and is retried.
        try:
            fetched = self._get(origin + "/robots.txt")
        except TransientFetchError as error:
            raise TransientFetchError(f"robots.txt of {origin} is unreachable: {error}") from None
        except Rejected as error:  # refused, not text, too large: no usable rules
            log.info("robots_unusable", origin=origin, error=str(error))
            text, ttl = "", ROBOTS_ERROR_TTL
        else:
            if fetched.status >= 500:
                raise TransientFetchError(f"robots.txt of {origin} answered {fetched.status}")
            body = fetched.body[:ROBOTS_MAX_BYTES] if fetched.status == 200 else b""
            text = body.decode("utf-8", "replace")
            ttl = ROBOTS_TTL
        self._client.set(key, text.encode(), ex=ttl)
        return text


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=32)
def _parsed(text: str) -> Protego:
    """robots.txt's rules, parsed once per text (every page and request asks)."""
    return Protego.parse(text)
