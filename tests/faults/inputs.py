"""The inputs of a fault-injection run, and the id intake must give each: ``.txt`` and
``.html`` files dropped into the inbox, ``.urls`` lists of pages served on 127.0.0.1, and new
items on loopback RSS feeds.

Expected ids are computed as intake computes them: a file's is
``input_id(str(resolved path), bytes)``, a URL's ``url_input_id(canonical_url(url))``.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.article import input_id
from pipelines.urls import canonical_url, url_input_id
from tests.faults.plan import FaultPlan
from tests.faults.prose import TOWNS, Prose
from tests.workers.feed_helpers import rss
from tests.workers.http_server import LoopbackServer


@dataclass(frozen=True, slots=True)
class Expected:
    """One input the run dropped, and the id intake must give it."""

    article_id: str
    kind: str  #: "txt", "html", "url" (a line of a .urls file) or "feed" (a feed item)
    name: str  #: the file's path, or the URL as written
    batch: int
    listed_in: str | None = None  #: a URL's .urls file, or its feed

    def describe(self) -> str:
        listed = f", in {self.listed_in}" if self.listed_in else ""
        return f"{self.kind} {self.name} (batch {self.batch}{listed})"


@dataclass(slots=True)
class Inputs:
    """Writes the batches: files into the inbox, URL lists, pages and feed items on the site."""

    plan: FaultPlan
    inbox: Path
    site: LoopbackServer
    prose: Prose
    expected: dict[str, Expected] = field(default_factory=dict)
    #: Per feed, its items oldest first: (title, link as written in the XML, guid).
    feed_items: list[list[tuple[str, str, str | None]]] = field(default_factory=list)
    _number: int = 0  #: the last article number used: every input is a different article

    FOLDERS = ("ledger", "courier", "gazette")  #: inbox sources; each gets .txt and .html

    def prepare(self) -> list[str]:
        """Create the inbox folders and the empty feeds; the feed URLs to register."""
        for folder in self.FOLDERS:
            (self.inbox / folder).mkdir(parents=True, exist_ok=True)
        self.feed_items = [[] for _ in range(self.plan.feeds)]
        for k in range(self.plan.feeds):
            self._publish_feed(k)
        return [self._feed_url(k) for k in range(self.plan.feeds)]

    def drop_batch(self, batch: int) -> int:
        """Drop batch number ``batch`` (0-based); how many inputs it held."""
        before = len(self.expected)
        share = {k: _share(n, self.plan.batches, batch) for k, n in self.plan.counts().items()}
        for n in range(share["txt"]):
            self._write_file(batch, "txt", self.prose.text_file(self._next()), n)
        for n in range(share["html"]):
            number = self._next()
            page = self.prose.html_page(number, f"The {TOWNS[number % len(TOWNS)]} Courier")
            self._write_file(batch, "html", page, n)
        self._write_url_list(batch, share["url"])
        self._add_feed_items(batch, share["feed"])
        return len(self.expected) - before

    def _next(self) -> int:
        self._number += 1
        return self._number

    def _write_file(self, batch: int, kind: str, data: bytes, n: int) -> None:
        folder = self.inbox / self.FOLDERS[(batch + n) % len(self.FOLDERS)]
        path = folder / f"b{batch:03d}-{n:04d}-{self._number:05d}.{kind}"
        _write_then_rename(path, data)
        real = path.resolve()
        self._expect(input_id(str(real), data), kind, str(real), batch)

    def _write_url_list(self, batch: int, count: int) -> None:
        if count == 0:
            return
        path = self.inbox / f"links-{batch:03d}.urls"
        urls = []
        for _ in range(count):
            number = self._next()
            urls.append(self._serve_page(f"/news/b{batch:03d}/story-{number:05d}.html", number))
            self._expect(url_input_id(canonical_url(urls[-1])), "url", urls[-1], batch, str(path))
        lines = [f"# pages of batch {batch}", *urls]
        _write_then_rename(path, ("\n".join(lines) + "\n").encode())

    def _add_feed_items(self, batch: int, count: int) -> None:
        touched = set()
        for n in range(count):
            number = self._next()
            url = self._serve_page(f"/stories/b{batch:03d}/item-{number:05d}.html", number)
            k = n % self.plan.feeds
            # A tracking parameter, as feeds add them: the canonical link drops it. rss()
            # writes links as given, so the XML escaping of its "&" is ours.
            link = f"{url}?utm_source=rss&utm_medium=feed"
            self.feed_items[k].append((self.prose.article(number)[0], html.escape(link), None))
            self._expect(url_input_id(canonical_url(link)), "feed", link, batch, self._feed_url(k))
            touched.add(k)
        for k in sorted(touched):
            self._publish_feed(k)

    def _serve_page(self, path: str, number: int) -> str:
        site = f"The {TOWNS[number % len(TOWNS)]} Herald"
        return self.site.route(path, body=self.prose.html_page(number, site))

    def _feed_url(self, k: int) -> str:
        return self.site.url(f"/feeds/{k}.xml")

    def _publish_feed(self, k: int) -> None:
        items = self.feed_items[k]
        self.site.route(
            f"/feeds/{k}.xml",
            body=rss(f"Loopback feed {k}", items[::-1]),  # newest first, as feeds are
            content_type="application/rss+xml; charset=utf-8",
            # A new ETag with every new item: the poller's conditional GETs get a 304 between.
            etag=f'"feed-{k}-{len(items)}"',
        )

    def _expect(
        self, article_id: str, kind: str, name: str, batch: int, listed_in: str | None = None
    ) -> None:
        if article_id in self.expected:
            raise AssertionError(f"harness bug: two inputs with the id {article_id}: {name}")
        self.expected[article_id] = Expected(article_id, kind, name, batch, listed_in)


def _share(total: int, parts: int, index: int) -> int:
    """The ``index``-th of ``parts`` near-equal shares of ``total``."""
    return total * (index + 1) // parts - total * index // parts


def _write_then_rename(path: Path, data: bytes) -> None:
    """As a well-behaved writer does: a temporary name the watcher ignores, then a rename."""
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
