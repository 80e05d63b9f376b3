"""robots.txt per origin, cached in Redis so that all workers fetch it once a day."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import redis
import structlog

from pipelines.article import Rejected
from workers.keys import Keys
from workers.web.errors import TransientFetchError
from workers.web.policy import Fetched

log = structlog.get_logger("newsflow.fetch")

#: The product token robots.txt rules are matched against.
ROBOTS_AGENT = "newsflow"

#: robots.txt is kept this long; an unusable one (taken as "allow all") for less.
ROBOTS_TTL, ROBOTS_ERROR_TTL = 24 * 3600, 3600


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
        parts = urlsplit(url)
        rules = RobotFileParser()
        rules.parse(self._text(f"{parts.scheme}://{parts.netloc}").splitlines())
        return rules.can_fetch(ROBOTS_AGENT, url)

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
            text = fetched.body.decode("utf-8", "replace") if fetched.status == 200 else ""
            ttl = ROBOTS_TTL
        self._client.set(key, text.encode(), ex=ttl)
        return text
