"""What a fetch may do (`FetchPolicy`: sizes, timeouts, addresses, politeness) and what
it gives back (`Fetched`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from workers.web.address_guard import AllowList

USER_AGENT = "newsflow/0.1 (news ingest service; respects robots.txt)"


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


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  #: where the body came from, after redirects
    status: int
    headers: httpx.Headers
    body: bytes = b""

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()
