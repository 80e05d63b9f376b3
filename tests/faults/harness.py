"""Fault injection: the Procfile's roles as real processes on a real redis-server, killed and
restarted while inputs flow, then every input checked to have ended exactly once.

What one run does (`FaultRun.run`, used by tests/faults/test_faults.py for CI and by
benchmarks/bench_faults.py for the long run):

- starts its own ``redis-server`` (``find_redis_server()``): a unix socket in the run's
  folder, ``--port 0`` (no TCP at all), append-only (``--appendfsync everysec``), no RDB, its
  own ``--dir``. It never talks to any other Redis;
- serves invented web pages and RSS feeds on 127.0.0.1 (tests/workers/http_server.py) and
  registers the feeds with ``newsflow feeds add`` run as a subprocess (``python -m workers``);
- runs ``python -m workers.worker --threads T`` (several), ``python -m workers.watcher`` and
  ``python -m workers.rss_poller``, each in a process group of its own, stderr to a log file
  of the run's folder, with the run's own NEWSFLOW_* settings (none inherited);
- drops inputs in batches: invented ``.txt`` articles and ``.html`` pages written into the
  inbox under a temporary name and renamed, a ``.urls`` list naming loopback pages, and new
  items on the feeds. Every text is generated from word lists with a seeded random, so it
  is distinct prose the cleaner keeps and dedup calls unique;
- meanwhile SIGKILLs a random worker every few seconds (restarted at once), the watcher and
  the poller once each (restarted at once), and restarts Redis once with SHUTDOWN and once
  with SIGKILL (AOF replay), both on the same folder and socket. A role that exits without
  being killed is restarted too, as a supervisor would, and counted as a crash;
- waits until every expected id has an entry on ``<prefix>:articles`` or ``<prefix>:dead``
  (or the deadline passes), waits a quiet moment for late doubles, then reads both streams
  whole and compares them with the expected ids: missing, doubled, unexpected, dead. For a
  missing id it says where the input is stuck (never queued, which queue, a message held by
  a dead worker, ...);
- stops everything it started (SIGTERM to each process group, then SIGKILL), also when it
  fails.

Expected ids are computed as intake computes them: a file's is
``input_id(str(resolved path), bytes)``, a URL's ``url_input_id(canonical_url(url))``.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis

from pipelines.article import input_id
from pipelines.urls import canonical_url, url_input_id
from tests.workers.http_server import LoopbackServer
from workers.keys import Keys
from workers.runtime.embedded import find_redis_server

#: How often the injector looks at its processes and its schedule (seconds).
TICK = 0.1
#: How often the waiting loop reads the stream lengths (seconds).
POLL = 0.5
#: How long a stopping role may take after SIGTERM before its group is SIGKILLed.
STOP_SECONDS = 10.0
#: Lines of each log shown in a failure report.
LOG_TAIL = 25
#: Ids listed per category in a report (all of them are in the JSON).
LIST_AT_MOST = 25


@dataclass(slots=True)
class FaultPlan:
    """The sizes and the faults of one run."""

    inputs: int = 240
    #: Shares of the inputs by kind: inbox .txt, inbox .html, .urls lines, feed items.
    mix: tuple[float, float, float, float] = (0.4, 0.25, 0.15, 0.2)
    batches: int = 12
    batch_seconds: float = 4.0
    workers: int = 3
    threads: int = 2
    feeds: int = 2
    #: A random worker is SIGKILLed every uniform(min, max) seconds, and restarted at once.
    kill_every: tuple[float, float] = (1.0, 3.0)
    #: Worker kills go on this long after the last batch (faults in queues and stages only).
    kill_tail_seconds: float = 10.0
    watcher_kills: int = 1
    poller_kills: int = 1
    redis_shutdowns: int = 1  #: graceful: SHUTDOWN, then started again
    redis_kills: int = 1  #: SIGKILL, then started again (the AOF replays)
    redis_down_seconds: float = 1.0
    #: After the last batch, how long every input has to end before the run gives up.
    completion_seconds: float = 90.0
    #: Give up earlier when no input ended for this long after the faults stopped (None:
    #: wait for the whole ``completion_seconds``).
    stall_seconds: float | None = None
    #: Once every input ended: how long to watch for a late second entry.
    quiet_seconds: float = 3.0
    heartbeat_timeout_ms: int = 5000
    seed: int = 20261123

    def counts(self) -> dict[str, int]:
        """How many inputs of each kind: txt, html, url, feed (adding up to ``inputs``)."""
        kinds = ("txt", "html", "url", "feed")
        counts = {k: int(self.inputs * share) for k, share in zip(kinds, self.mix, strict=True)}
        counts["txt"] += self.inputs - sum(counts.values())
        return counts

    @property
    def feeding_seconds(self) -> float:
        return self.batches * self.batch_seconds


# --- invented prose ------------------------------------------------------------------------
# Word lists for made-up local news. Fixed phrases between slots are short, so two articles
# share few word 5-shingles: dedup sees every article as unique.


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Maren Tobias Ilse Hamid Corinne Declan Priya Anselm Lucia Oskar Niamh Rafael Sunniva "
    "Teodor Amara Bastien Greta Idris Jolene Kasimir Leontine Matthias Noor Orla Piers "
    "Rosalind Stellan Thea Umberto Wilhelmina Yusuf Zofia Edgar Fenella Gideon Harriet"
)
LAST = _words(
    "Holloway Verhoeven Castellano Brennan Okafor Lindqvist Marchetti Abernathy Szabo "
    "Quintero Fairweather Nakashima Oduya Petrakis Rasmussen Thorne Ulrich Vasquez "
    "Whitcombe Yardley Zielinski Achterberg Bellamy Carmody Delacroix Engstrom Fitzallan "
    "Gallagher Haverford Ingersoll Jessop Kowalczyk Lanigan Moreau Nightingale Ostrander"
)
TOWNS = _words(
    "Brackwater Eastmere Kettleford Marrowby Northcombe Oakhaven Pellridge Redhollow "
    "Saltmarsh Thornbury Upcott Westerly Ashgrove Birchwick Coldharbour Dunmore Elderfield "
    "Foxley Glenmoor Harrowgate Ivybridge Kilbride Larchmont Millbrook Netherby Penhallow"
)
ORG_KINDS = [
    "Town Council", "Harbour Board", "Hospital Trust", "Chamber of Commerce", "Rowing Club",
    "Library Service", "Fire Brigade", "Water Company", "Housing Association",
    "Youth Orchestra", "Farmers Union", "Rail Partnership", "Tenants Association",
    "Museum Trust", "Cycling Club", "Allotment Society", "Sailing Club", "Bus Company",
]  # fmt: skip
ROLES = [
    "the mayor", "a councillor", "the head teacher", "a local shopkeeper",
    "the harbour master", "a retired engineer", "the district nurse", "a ferry captain",
    "the parish clerk", "a bus driver", "the museum curator", "a fisherman",
    "a volunteer organiser", "the station manager", "a market trader", "the librarian",
]  # fmt: skip
ADJECTIVES = _words(
    "proposed delayed revised long-awaited disputed temporary expanded overdue ambitious "
    "modest controversial popular costly scaled-back experimental refurbished"
)
NOUNS = [
    "footbridge", "reservoir", "cycle lane", "ferry service", "market hall", "housing scheme",
    "sea wall", "bus depot", "skate park", "allotment site", "library extension",
    "flood barrier", "tram line", "swimming pool", "community orchard", "recycling centre",
    "lifeboat station", "harbour crane", "bandstand", "car park", "lido", "health centre",
]  # fmt: skip
PAST = _words(
    "approved postponed criticised welcomed inspected reopened funded rejected reviewed "
    "debated praised questioned"
)
HEADLINE_PAST = {"approved": "approves", "postponed": "postpones", "criticised": "criticises",
                 "welcomed": "welcomes", "inspected": "inspects", "reopened": "reopens",
                 "funded": "funds", "rejected": "rejects", "reviewed": "reviews",
                 "debated": "debates", "praised": "praises", "questioned": "questions"}  # fmt: skip
FUTURE = [
    "open", "close for repairs", "reopen", "be finished", "be delayed again", "cost more",
    "double in size", "need a new survey", "be reviewed", "carry its first passengers",
]  # fmt: skip
MONTHS = _words(
    "January February March April May June July August September October November December"
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
UNITS = [
    "volunteers", "households", "signatures", "visitors", "tonnes of gravel", "new saplings",
    "parking spaces", "letters of objection", "cyclists", "school pupils", "boats",
]  # fmt: skip
CLAUSES = [
    "despite heavy rain on the estuary", "after a long winter of complaints",
    "while the tide was unusually high", "although several residents objected",
    "before the summer season begins", "as the evenings grew lighter",
    "once the survey results arrived", "because the old one had rusted through",
    "even though the budget is tight", "after the spring floods", "with little fuss",
    "weeks later than promised",
]  # fmt: skip
VERDICTS = [
    "a sensible compromise", "a waste of public money", "long overdue",
    "the best news in years", "a missed opportunity", "far too small", "a brave decision",
    "a relief for families", "rushed and badly explained", "exactly what was needed",
]  # fmt: skip
CROWDS = ["families", "pensioners", "students", "traders", "neighbours", "commuters"]
ACTIONS = [
    "hand in a petition", "watch the first trial run", "hear the announcement",
    "share their concerns", "thank the builders", "ask for a public meeting",
]  # fmt: skip
WORK = ["began", "stalled", "resumed", "slowed", "finished early", "was halted"]

SENTENCES: list[Callable[[Callable[[str], str]], str]] = [
    lambda p: (
        f"{p('person')}, {p('role')} in {p('town')}, said the {p('thing')} would "
        f"{p('future')} by {p('month')}."
    ),
    lambda p: (
        f"Members of the {p('org')} {p('past')} the {p('noun')} on {p('weekday')}, {p('clause')}."
    ),
    lambda p: (
        f"About {p('number')} {p('unit')} were counted near {p('town')} last "
        f"{p('weekday')}, according to {p('person')}."
    ),
    lambda p: f'"We have waited {p("small")} years for this," {p("person")} told the {p("org")}.',
    lambda p: (
        f"The {p('org')} has set aside {p('number')} pounds for the {p('noun')}, {p('clause')}."
    ),
    lambda p: f"{p('person')} called the {p('thing')} {p('verdict')}.",
    lambda p: f"Critics in {p('town')} asked whether the {p('noun')} was needed at all.",
    lambda p: f"A spokesperson for the {p('org')} would not comment on the {p('thing')}.",
    lambda p: (
        f"Work on the {p('noun')} near {p('town')} {p('work')} in {p('month')}, {p('clause')}."
    ),
    lambda p: (
        f"Figures published on {p('weekday')} show {p('number')} {p('unit')} in "
        f"{p('town')}, up from {p('number')} a year earlier."
    ),
    lambda p: f"{p('person')} promised to raise the matter with the {p('org')} in {p('month')}.",
    lambda p: f"Dozens of {p('crowd')} gathered outside the {p('noun')} to {p('action')}.",
    lambda p: (
        f"The decision follows {p('small')} months of talks between the {p('org')} "
        f"and the {p('org')}."
    ),
    lambda p: f"People in {p('town')} may comment on the plans until the end of {p('month')}.",
    lambda p: (
        f"{p('person')}, who has lived in {p('town')} for {p('small')} years, "
        f"said the {p('noun')} {p('past')} by the {p('org')} was {p('verdict')}."
    ),
]


class Prose:
    """One invented local-news article per number, the same for the same seed and number."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def article(self, number: int) -> tuple[str, str, list[str]]:
        """(headline, author, paragraphs) of article ``number``."""
        rng = random.Random(self._seed * 1_000_003 + number)
        pick = _picker(rng)
        org_kind = rng.choice(ORG_KINDS)
        verb = rng.choice(PAST)
        town = rng.choice(TOWNS)
        headline = (
            f"{town} {org_kind} {HEADLINE_PAST[verb]} {rng.choice(ADJECTIVES)} "
            f"{rng.choice(NOUNS)} plan"
        )
        # The story's own lead, so that the headline shares words with the first paragraph.
        lead = (
            f"The {town} {org_kind} {verb} plans for the {pick('thing')} on {pick('weekday')}, "
            f"{pick('clause')}."
        )
        paragraphs = [" ".join([lead, *self._sentences(rng, pick, 2, 3)])]
        for _ in range(rng.randint(3, 5)):
            paragraphs.append(" ".join(self._sentences(rng, pick, 3, 5)))
        return headline, pick("person"), paragraphs

    @staticmethod
    def _sentences(
        rng: random.Random, pick: Callable[[str], str], low: int, high: int
    ) -> list[str]:
        return [rng.choice(SENTENCES)(pick) for _ in range(rng.randint(low, high))]

    def text_file(self, number: int) -> bytes:
        headline, author, paragraphs = self.article(number)
        return "\n\n".join([headline, *paragraphs]).encode() + b"\n"

    def html_page(self, number: int, site: str) -> bytes:
        headline, author, paragraphs = self.article(number)
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        title, name = html.escape(headline), html.escape(site)
        page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {name}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{name}">
</head>
<body>
<header><a href="/">{name}</a>
<nav><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
</header>
<main><article>
<h1>{title}</h1>
<p class="byline">By {html.escape(author)}</p>
{body}
</article></main>
<footer><p>Copyright {name}. All rights reserved.</p></footer>
</body>
</html>
"""
        return page.encode()


def _picker(rng: random.Random) -> Callable[[str], str]:
    def pick(slot: str) -> str:
        match slot:
            case "person":
                return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            case "role":
                return rng.choice(ROLES)
            case "town":
                return rng.choice(TOWNS)
            case "org":
                return f"{rng.choice(TOWNS)} {rng.choice(ORG_KINDS)}"
            case "thing":
                return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            case "number":
                return f"{rng.randint(12, 98_000):,}"
            case "small":
                return str(rng.randint(2, 19))
        return rng.choice(_SLOTS[slot])

    return pick


_SLOTS: dict[str, list[str]] = {
    "noun": NOUNS, "past": PAST, "future": FUTURE, "month": MONTHS, "weekday": WEEKDAYS,
    "unit": UNITS, "clause": CLAUSES, "verdict": VERDICTS, "crowd": CROWDS,
    "action": ACTIONS, "work": WORK,
}  # fmt: skip


# --- the inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """One input the run dropped, and the id intake must give it."""

    article_id: str
    kind: str  #: "txt", "html", "url" (a line of a .urls file) or "feed" (a feed item)
    name: str  #: the file's path, or the URL as written
    batch: int
    listed_in: str | None = None  #: a URL's .urls file, or its feed


@dataclass(slots=True)
class Inputs:
    """Writes the batches: files into the inbox, URL lists, pages and feed items on the site."""

    plan: FaultPlan
    inbox: Path
    site: LoopbackServer
    prose: Prose
    expected: dict[str, Expected] = field(default_factory=dict)
    feed_items: list[list[tuple[str, str]]] = field(default_factory=list)  #: (link, title)
    _number: int = 0

    FOLDERS = ("ledger", "courier", "gazette")  #: inbox sources; each gets .txt and .html

    def prepare(self) -> list[str]:
        """Create the inbox folders and the empty feeds; the feed URLs to register."""
        for folder in self.FOLDERS:
            (self.inbox / folder).mkdir(parents=True, exist_ok=True)
        self.feed_items = [[] for _ in range(self.plan.feeds)]
        for k in range(self.plan.feeds):
            self._publish_feed(k)
        return [self.site.url(f"/feeds/{k}.xml") for k in range(self.plan.feeds)]

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
        lines, urls = [f"# pages of batch {batch}"], []
        for _n in range(count):
            number = self._next()
            url = self._serve_page(f"/news/b{batch:03d}/story-{number:05d}.html", number)
            lines.append(url)
            urls.append(url)
        path = self.inbox / f"links-{batch:03d}.urls"
        for url in urls:
            self._expect(url_input_id(canonical_url(url)), "url", url, batch, str(path))
        _write_then_rename(path, ("\n".join(lines) + "\n").encode())

    def _add_feed_items(self, batch: int, count: int) -> None:
        touched = set()
        for n in range(count):
            number = self._next()
            url = self._serve_page(f"/stories/b{batch:03d}/item-{number:05d}.html", number)
            k = n % self.plan.feeds
            # A tracking parameter, as feeds add them: the canonical link drops it.
            link = f"{url}?utm_source=rss&utm_medium=feed"
            headline = self.prose.article(number)[0]
            self.feed_items[k].append((link, headline))
            feed = self.site.url(f"/feeds/{k}.xml")
            self._expect(url_input_id(canonical_url(link)), "feed", link, batch, feed)
            touched.add(k)
        for k in sorted(touched):
            self._publish_feed(k)

    def _serve_page(self, path: str, number: int) -> str:
        site = f"The {TOWNS[number % len(TOWNS)]} Herald"
        return self.site.route(path, body=self.prose.html_page(number, site))

    def _publish_feed(self, k: int) -> None:
        items = self.feed_items[k]
        self.site.route(
            f"/feeds/{k}.xml",
            body=rss(f"Loopback feed {k}", self.site.url("/"), items),
            content_type="application/rss+xml; charset=utf-8",
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


def rss(title: str, home: str, items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 document of ``items`` (link, title), newest first."""
    entries = []
    for number, (link, headline) in reversed(list(enumerate(items))):
        minute = number % 60
        entries.append(
            f"<item><title>{html.escape(headline)}</title><link>{html.escape(link)}</link>"
            f'<guid isPermaLink="false">item-{number}</guid>'
            f"<pubDate>Mon, 23 Nov 2026 08:{minute:02d}:00 +0000</pubDate>"
            f"<description>{html.escape(headline)}.</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>{html.escape(home)}</link>"
        f"<description>Invented stories for the fault-injection run.</description>"
        f"{''.join(entries)}</channel></rss>\n"
    ).encode()


# --- processes -----------------------------------------------------------------------------


def send_command(socket_path: Path, *args: str, timeout: float = 5.0) -> bytes:
    """One command over the unix socket; the first reply line, b"" when the server hung up
    (a SHUTDOWN's answer). Raises OSError when nobody listens."""
    request = f"*{len(args)}\r\n".encode()
    for arg in args:
        request += f"${len(arg.encode())}\r\n{arg}\r\n".encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(socket_path))
        sock.sendall(request)
        reply = b""
        with contextlib.suppress(ConnectionResetError):
            while not reply.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply


class Managed:
    """A process the run started, in its own process group, its output appended to a log."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict[str, str], cwd: Path):
        self.name, self.argv, self.log, self.env, self.cwd = name, argv, log, env, cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.starts += 1
        with open(self.log, "ab") as out:
            out.write(f"=== harness: start #{self.starts} at {time.time():.3f} ===\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed with its children
            )

    def exit_code(self) -> int | None:
        """None while it runs; its exit status once it has ended."""
        return None if self.process is None else self.process.poll()

    def kill(self) -> None:
        """SIGKILL the whole group (extraction children too) and reap the process."""
        if self.process is None:
            return
        self._signal_group(signal.SIGKILL)
        self.process.wait()
        self._note(f"SIGKILLed at {time.time():.3f}")

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """SIGTERM, a graceful wait, then SIGKILL for whatever of its group is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._note(f"did not stop within {timeout:g}s of SIGTERM: SIGKILL")
        self._signal_group(signal.SIGKILL)  # the group's orphans (fork server, children)
        self.process.wait()

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def _note(self, text: str) -> None:
        with open(self.log, "ab") as out:
            out.write(f"=== harness: {text} ===\n".encode())

    def tail(self, lines: int = LOG_TAIL, width: int = 400) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return "(no log)"
        return "\n".join(line if len(line) <= width else line[:width] + " [...]" for line in text)


class RedisServer(Managed):
    """The run's redis-server: unix socket only, append-only file, its own folder."""

    def __init__(self, folder: Path, log: Path, env: dict[str, str]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket_path = folder / "redis.sock"
        argv = [
            find_redis_server(),
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--port", "0",  # no TCP listener: nothing else can reach it, nor it anything
            "--dir", str(folder),
            "--appendonly", "yes",
            "--appendfilename", "appendonly.aof",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--logfile", "",  # to stdout: the log file
        ]  # fmt: skip
        super().__init__("redis", argv, log, env, folder)

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait until it answers PING (however long loading its AOF takes)."""
        super().start()
        deadline = time.monotonic() + timeout
        while not (reply := self._ping()).startswith(b"+PONG"):
            if self.exit_code() is not None:
                raise RuntimeError(f"redis-server exited at start:\n{self.tail()}")
            if reply.startswith(b"-LOADING"):
                deadline = time.monotonic() + timeout
            elif time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer in {timeout:g}s:\n{self.tail()}")
            time.sleep(0.02)

    def _ping(self) -> bytes:
        try:
            return send_command(self.socket_path, "PING", timeout=1.0)
        except OSError:
            return b""

    def shutdown(self, timeout: float = 30.0) -> None:
        """SHUTDOWN (the AOF is flushed and fsynced), and wait for the process to end."""
        assert self.process is not None
        with contextlib.suppress(OSError):
            send_command(self.socket_path, "SHUTDOWN", timeout=timeout)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._note("did not stop after SHUTDOWN: SIGKILL")
            self.kill()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.shutdown(timeout)
        self._signal_group(signal.SIGKILL)
        self.process.wait()


def role_env(
    redis_url: str, prefix: str, inbox: Path, home: Path, plan: FaultPlan
) -> dict[str, str]:
    """The roles' environment: this process's, minus every NEWSFLOW_* (the session's Redis of
    tests/conftest.py among them), plus the run's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(
        NEWSFLOW_REDIS_URL=redis_url,
        NEWSFLOW_PREFIX=prefix,
        NEWSFLOW_HOME=str(home),  # unused with a Redis URL; never the working directory's
        NEWSFLOW_INBOX=str(inbox),
        NEWSFLOW_SETTLE_SECONDS="0.2",
        NEWSFLOW_FETCH_ALLOW="127.0.0.1",
        NEWSFLOW_FETCH_HOST_DELAY="0",
        NEWSFLOW_FETCH_ROBOTS="false",
        NEWSFLOW_FEED_INTERVAL="1",  # new feed items are noticed within a second
        NEWSFLOW_HEARTBEAT_TIMEOUT_MS=str(plan.heartbeat_timeout_ms),
        NEWSFLOW_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


# --- watching the outcome ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    stream: str  #: "articles" or "dead"
    entry_id: str
    fields: dict[str, str]

    @property
    def millis(self) -> int:
        return int(self.entry_id.split("-")[0])


class Observer:
    """Reads what the run's Redis holds: the two streams, and where a missing input is."""

    def __init__(self, socket_path: Path, keys: Keys) -> None:
        self.keys = keys
        self.client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=10)

    def close(self) -> None:
        self.client.close()

    def ended(self) -> int | None:
        """Entries on both streams together; None while Redis cannot be reached."""
        try:
            return int(self.client.xlen(self.keys.articles) + self.client.xlen(self.keys.dead))
        except redis.RedisError:
            return None

    def entries(self) -> list[Entry]:
        """Every entry of both streams, in stream order."""
        found = []
        for stream, key in (("articles", self.keys.articles), ("dead", self.keys.dead)):
            start = "-"
            while batch := self.client.xrange(key, min=start, count=2000):
                for entry_id, raw in batch:
                    fields = {k.decode(): v.decode(errors="replace") for k, v in raw.items()}
                    found.append(Entry(stream, entry_id.decode(), fields))
                start = "(" + batch[-1][0].decode()
        return found

    def entries_when_up(self, timeout: float = 60.0) -> list[Entry]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.entries()
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(POLL)

    def diagnose(self, missing: list[Expected]) -> dict[str, str]:
        """Where each missing input stands, one line per id."""
        messages = self._messages()
        ids = [m.article_id for m in missing]
        pipe = self.client.pipeline(transaction=False)
        for article_id in ids:
            pipe.sismember(self.keys.seen, article_id)
            pipe.exists(self.keys.work(article_id))
            pipe.get(self.keys.done(article_id))
        answers = pipe.execute()
        out = {}
        for n, article_id in enumerate(ids):
            seen, work, done = answers[3 * n : 3 * n + 3]
            out[article_id] = _where(bool(seen), bool(work), done, messages.get(article_id, []))
        return out

    def feed_state(self, feed_url: str) -> tuple[str, bool]:
        """What the registry holds about a feed, and whether a poller's lease is on it."""
        canonical = canonical_url(feed_url)
        lease_ms = self.client.pttl(self.keys.feed_lease(canonical))
        fields = {
            k.decode(): v.decode(errors="replace")
            for k, v in self.client.hgetall(self.keys.feed(canonical)).items()
        }
        due = self.client.zscore(self.keys.feeds, canonical)
        leased = lease_ms is not None and lease_ms > 0
        lease = f"leased by a poller for {lease_ms / 1000:.0f} s more" if leased else "no lease"
        due_in = f"due in {due - time.time():.0f} s" if due is not None else "not scheduled"
        state = (
            f"{lease}, {due_in}, last poll {fields.get('last_poll')} "
            f"status {fields.get('last_status')!r} errors {fields.get('errors')}"
        )
        return state, leased

    def _messages(self) -> dict[str, list[str]]:
        """Input id -> where each of its dramatiq messages is ("extract: waiting", ...)."""
        namespace = self.keys.dramatiq_namespace
        held = self._held_by_workers(namespace)
        waiting: set[bytes] = set()
        places: dict[str, list[str]] = defaultdict(list)
        for key in self.client.scan_iter(match=f"{namespace}:*", count=1000):
            if self.client.type(key) == b"list":
                waiting.update(self.client.lrange(key, 0, -1))
        for key in self.client.scan_iter(match=f"{namespace}:*.msgs", count=1000):
            name = key.decode()[len(namespace) + 1 : -len(".msgs")]
            for message_id, data in self.client.hgetall(key).items():
                article_id = _article_of(data)
                place = _place(name, message_id in waiting, held.get(message_id))
                places[article_id].append(place)
        return places

    def _held_by_workers(self, namespace: str) -> dict[bytes, str]:
        """Message id -> "worker <id> (heartbeat N s ago)" for messages fetched, not acked."""
        beats = {
            k.decode(): v
            for k, v in self.client.zrange(f"{namespace}:__heartbeats__", 0, -1, withscores=True)
        }
        now_ms = time.time() * 1000
        held = {}
        for key in self.client.scan_iter(match=f"{namespace}:__acks__.*", count=1000):
            broker_id = key.decode().split("__acks__.", 1)[1].split(".", 1)[0]
            beat = beats.get(broker_id)
            age = f"heartbeat {(now_ms - beat) / 1000:.0f} s ago" if beat else "no heartbeat"
            for message_id in self.client.smembers(key):
                held[message_id] = f"worker {broker_id[:8]} ({age})"
        return held


def _events_by_path(log: Path) -> dict[str, tuple[str, list[str]]]:
    """A role's JSON log lines that name a ``path``: path -> ("event (error) at time; ...",
    the event names)."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with contextlib.suppress(OSError), open(log, "rb") as lines:
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and "path" in event:
                name = str(event.get("event"))
                what = f"{name} ({event.get('error', '')}) at {event.get('timestamp')}"
                found[str(event["path"])].append((what, name))
    return {
        path: ("; ".join(w for w, _ in events), sorted({n for _, n in events}))
        for path, events in found.items()
    }


def _article_of(data: bytes) -> str:
    try:
        message = json.loads(data)
        first = message["args"][0]
        return str(first["args"][0] if isinstance(first, dict) else first)
    except (ValueError, KeyError, IndexError, TypeError):
        return "?"


def _place(queue: str, waiting: bool, holder: str | None) -> str:
    if queue.endswith(".XQ"):
        return f"{queue}: dead-lettered"
    if holder:
        return f"{queue}: fetched by {holder}, never acknowledged"
    if queue.endswith(".DQ"):
        return f"{queue}: delayed (a retry's backoff)"
    return f"{queue}: waiting" if waiting else f"{queue}: in no list nor any worker's acks"


def _where(seen: bool, work: bool, done: bytes | None, places: list[str]) -> str:
    if done is not None:
        return f"done marker set ({done.decode()}) but no stream entry"
    if places:
        return "; ".join(sorted(places)) + (" [work key stored]" if work else "")
    if not seen:
        return "never queued: not in the seen set, no message"
    if work:
        return "lost between stages: work key stored, no message in any queue"
    return "lost after intake: in the seen set, but no message and no work key"


# --- the faults ----------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    kills: Counter[str] = field(default_factory=Counter)  #: role kind -> SIGKILLs
    redis_restarts: Counter[str] = field(default_factory=Counter)  #: "shutdown", "sigkill"
    crashes: list[str] = field(default_factory=list)  #: roles that exited on their own
    timeline: list[tuple[float, str]] = field(default_factory=list)
    last_fault: float | None = None  #: wall clock

    def fault(self, t0: float, text: str) -> None:
        self.last_fault = time.time()
        self.timeline.append((time.monotonic() - t0, text))


class Injector(threading.Thread):
    """Kills and restarts processes on a schedule, and restarts any that died on their own."""

    def __init__(self, run: FaultRun) -> None:
        super().__init__(name="fault-injector", daemon=True)
        self.run_ = run
        self.plan = run.plan
        self.rng = random.Random(run.plan.seed)
        self.stop_event = threading.Event()
        self.kill_until: float | None = None  #: monotonic; set once the last batch is out
        self.error: BaseException | None = None
        self._one_offs = self._schedule()

    def _schedule(self) -> list[tuple[float, str]]:
        """(seconds after the start, what) for the faults that happen a set number of times,
        spread over the feeding so that each hits inputs in every phase."""
        plan, events = self.plan, []
        for what, count, offset in (
            ("watcher", plan.watcher_kills, 0.2),
            ("redis-shutdown", plan.redis_shutdowns, 0.4),
            ("poller", plan.poller_kills, 0.55),
            ("redis-sigkill", plan.redis_kills, 0.75),
        ):
            events += [(plan.feeding_seconds * (offset + i) / count, what) for i in range(count)]
        return sorted(events)

    def run(self) -> None:
        try:
            self._loop()
        except BaseException as error:  # reported by the run: a harness failure, not product
            self.error = error

    def _loop(self) -> None:
        t0 = self.run_.t0
        next_kill = time.monotonic() + self.rng.uniform(*self.plan.kill_every)
        while not self.stop_event.wait(TICK):
            self.run_.restart_crashed()
            now = time.monotonic()
            while self._one_offs and t0 + self._one_offs[0][0] <= now:
                self.run_.inject(self._one_offs.pop(0)[1])
            if now >= next_kill and self._killing(now):
                self.run_.inject("worker", self.rng)
                next_kill = time.monotonic() + self.rng.uniform(*self.plan.kill_every)

    def _killing(self, now: float) -> bool:
        if self.run_.complete.is_set() or self.plan.workers == 0:
            return False
        return self.kill_until is None or now < self.kill_until

    @property
    def pending(self) -> int:
        return len(self._one_offs)


# --- one run -------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    plan: dict[str, Any]
    prefix: str
    inputs: int
    by_kind: dict[str, int]
    kills: dict[str, int]
    redis_restarts: dict[str, int]
    crashes: list[str]
    ended: int  #: expected inputs with at least one entry
    lost: list[str]
    doubled: dict[str, list[str]]  #: id -> its entries ("articles 1700000000000-0", ...)
    dead: dict[str, str]  #: expected id -> "stage: error (attempts N)"
    unexpected: list[str]
    statuses: dict[str, int]  #: dedup status on `articles` -> count
    recovery_seconds: float | None  #: last fault -> last input ended; None if not all ended
    #: last fault -> the last of the inputs that did end (the same when all ended)
    drained_seconds: float | None
    elapsed_seconds: float
    complete: bool
    diagnosis: dict[str, str] = field(default_factory=dict)  #: lost id -> where it stands
    #: lost id -> its diagnosis without particulars (ids, ages, times), to group them
    categories: dict[str, str] = field(default_factory=dict)
    described: dict[str, str] = field(default_factory=dict)  #: id -> "kind name (batch N)"
    timeline: list[str] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)  #: process -> its log's tail

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.dead or self.unexpected)

    def summary(self) -> str:
        kills = sum(self.kills.values())
        restarts = sum(self.redis_restarts.values())
        recovery = "n/a" if self.recovery_seconds is None else f"{self.recovery_seconds:.1f}"
        if self.recovery_seconds is None and self.drained_seconds is not None:
            recovery += f" (the last input that ended: {self.drained_seconds:.1f} s after)"
        return (
            f"faults: inputs={self.inputs} kills={kills} "
            f"({', '.join(f'{k}={v}' for k, v in sorted(self.kills.items()))}) "
            f"redis_restarts={restarts} "
            f"({', '.join(f'{k}={v}' for k, v in sorted(self.redis_restarts.items()))}) "
            f"crashes={len(self.crashes)} lost={len(self.lost)} doubled={len(self.doubled)} "
            f"dead={len(self.dead)} unexpected={len(self.unexpected)} "
            f"recovery_s={recovery} elapsed_s={self.elapsed_seconds:.1f}"
        )

    def table(self) -> str:
        recovery = "n/a" if self.recovery_seconds is None else f"{self.recovery_seconds:.1f} s"
        if self.recovery_seconds is None and self.drained_seconds is not None:
            recovery += f" (not all ended; the last that did: {self.drained_seconds:.1f} s)"
        rows = [
            ("inputs", f"{self.inputs} ({_pairs(self.by_kind)})"),
            ("ended", f"{self.ended} of {self.inputs}"),
            ("kills", f"{sum(self.kills.values())} ({_pairs(self.kills)})"),
            ("redis restarts", f"{sum(self.redis_restarts.values())} "
                               f"({_pairs(self.redis_restarts)})"),
            ("role crashes", str(len(self.crashes))),
            ("lost", str(len(self.lost))),
            ("doubled", str(len(self.doubled))),
            ("dead", str(len(self.dead))),
            ("unexpected ids", str(len(self.unexpected))),
            ("dedup statuses", _pairs(self.statuses) or "-"),
            ("recovery", f"{recovery} (last fault -> last input ended)"),
            ("elapsed", f"{self.elapsed_seconds:.1f} s"),
        ]  # fmt: skip
        return "\n".join(f"{name:16} {value}" for name, value in rows)

    def report(self) -> str:
        """Everything a product engineer needs to see what went wrong."""
        parts = [self.summary()]
        parts += self._lost_section() + self._listing("doubled", self.doubled)
        parts += self._listing("dead (every input here is valid)", self.dead)
        if self.unexpected:
            parts.append(f"unexpected ids: {', '.join(self.unexpected[:LIST_AT_MOST])}")
        if self.crashes:
            parts.append("roles that exited on their own:\n  " + "\n  ".join(self.crashes))
        parts.append("timeline (s after start):\n  " + "\n  ".join(self.timeline))
        for name, tail in self.logs.items():
            parts.append(f"--- {name} (last {LOG_TAIL} lines) ---\n{tail}")
        return "\n\n".join(parts)

    def _lost_section(self) -> list[str]:
        if not self.lost:
            return []
        groups: dict[str, list[str]] = defaultdict(list)
        for article_id in self.lost:
            groups[self.categories.get(article_id, "?")].append(article_id)
        lines = [f"lost: {len(self.lost)} inputs never reached articles or dead"]
        for category, ids in sorted(groups.items(), key=lambda g: -len(g[1])):
            lines.append(f"  {len(ids)} x {category}")
            for article_id in ids[:LIST_AT_MOST]:
                lines.append(
                    f"    {article_id} {self.described.get(article_id, '')}: "
                    f"{self.diagnosis.get(article_id, '?')}"
                )
        return ["\n".join(lines)]

    def _listing(self, title: str, found: dict[str, Any]) -> list[str]:
        if not found:
            return []
        lines = [f"{title}: {len(found)}"]
        for article_id, what in list(found.items())[:LIST_AT_MOST]:
            lines.append(f"  {article_id} {self.described.get(article_id, '')}: {what}")
        return ["\n".join(lines)]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))


def _category(diagnosis: str) -> str:
    """A diagnosis without its particulars (in brackets: ids, ages, times, errors)."""
    return " ".join(re.sub(r"\([^()]*\)|\[[^\]]*\]", "", diagnosis).split())


class FaultRun:
    """One run of the roles under faults in ``folder``; see the module's docstring."""

    def __init__(
        self,
        plan: FaultPlan,
        folder: Path,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.plan = plan
        self.folder = folder.absolute()
        self.prefix = f"nffault{os.getpid()}x{random.Random().randrange(1 << 24):06x}"
        self.keys = Keys(self.prefix)
        self.progress = progress or (lambda _line: None)
        self.inbox = (self.folder / "inbox").resolve()
        self.logs = self.folder / "logs"
        self.tally = Tally()
        self.complete = threading.Event()
        self.t0 = time.monotonic()
        self.redis: RedisServer | None = None
        self.roles: list[Managed] = []
        self._lock = threading.Lock()

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> Result:
        """Start everything, feed and inject faults, wait, check; always stops what it started."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.inbox.mkdir(parents=True, exist_ok=True)
        site = LoopbackServer()
        site.start()
        injector: Injector | None = None
        observer: Observer | None = None
        try:
            inputs = Inputs(self.plan, self.inbox, site, Prose(self.plan.seed))
            observer = self._start(inputs)
            injector = Injector(self)
            injector.start()
            self._feed(inputs, injector)
            ended_at = self._await_completion(observer, inputs, injector)
            injector.stop_event.set()
            injector.join()
            if injector.error is not None:
                raise injector.error
            return self._result(observer, inputs, ended_at)
        finally:
            if injector is not None:
                injector.stop_event.set()
                injector.join(timeout=60)
            if observer is not None:
                observer.close()
            self._stop_all()
            site.stop()

    def _start(self, inputs: Inputs) -> Observer:
        base_env = role_env("", self.prefix, self.inbox, self.folder / "home", self.plan)
        self.redis = RedisServer(self.folder / "redis", self.logs / "redis.log", base_env)
        self.redis.start()
        env = {**base_env, "NEWSFLOW_REDIS_URL": self.redis.url}
        feed_urls = inputs.prepare()
        self._register_feeds(feed_urls, env)
        python = sys.executable
        worker = [python, "-m", "workers.worker", "--threads", str(self.plan.threads)]
        for n in range(self.plan.workers):
            self.roles.append(Managed(f"worker-{n + 1}", worker, self._log(f"worker-{n + 1}"),
                                      env, self.folder))  # fmt: skip
        self.roles.append(
            Managed("watcher", [python, "-m", "workers.watcher"], self._log("watcher"), env,
                    self.folder)
        )  # fmt: skip
        self.roles.append(
            Managed("poller", [python, "-m", "workers.rss_poller"], self._log("poller"), env,
                    self.folder)
        )  # fmt: skip
        for role in self.roles:
            role.start()
        self.t0 = time.monotonic()
        return Observer(self.redis.socket_path, self.keys)

    def _log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def _register_feeds(self, urls: list[str], env: dict[str, str]) -> None:
        # `newsflow feeds add`, run as `python -m workers` (the console script's module), so
        # that it is this interpreter's newsflow whatever script the venv happens to hold.
        done = subprocess.run(
            [sys.executable, "-m", "workers", "feeds", "add", *urls],
            env=env, cwd=self.folder, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(
                f"`newsflow feeds add` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )

    def _feed(self, inputs: Inputs, injector: Injector) -> None:
        """Drop the batches on schedule; faults are injected meanwhile by the injector."""
        for batch in range(self.plan.batches):
            due = self.t0 + batch * self.plan.batch_seconds
            time.sleep(max(0.0, due - time.monotonic()))
            dropped = inputs.drop_batch(batch)
            self._note(f"batch {batch + 1}/{self.plan.batches}: {dropped} inputs")
        injector.kill_until = time.monotonic() + self.plan.kill_tail_seconds
        # The one-off faults all fall within the feeding; wait for the last to be done.
        while injector.pending and injector.is_alive():
            time.sleep(TICK)

    def _await_completion(self, observer: Observer, inputs: Inputs, injector: Injector) -> bool:
        """Wait until every expected id has an entry, then a quiet moment; False at the
        deadline (or once nothing ended for ``stall_seconds`` after the faults stopped).
        Never asserts on time: the caller reports what is missing."""
        expected = set(inputs.expected)
        deadline = time.monotonic() + self.plan.completion_seconds
        last_report, last_count, changed = 0.0, None, time.monotonic()
        while time.monotonic() < deadline and injector.is_alive():
            count = observer.ended()
            if count is not None and count >= len(expected) and self._all_ended(observer, expected):
                self.complete.set()
                self._note("every input ended: quiet period")
                self._quiet(observer)
                return True
            if count != last_count:
                last_count, changed = count, time.monotonic()
            if self._stalled(changed, injector):
                self._note(f"stalled: no input ended for {self.plan.stall_seconds:g} s")
                return False
            if time.monotonic() - last_report > 10:
                last_report = time.monotonic()
                self._note(f"waiting: {count} of {len(expected)} entries")
            time.sleep(POLL)
        self._note("deadline passed")
        return False

    def _stalled(self, changed: float, injector: Injector) -> bool:
        stall = self.plan.stall_seconds
        if stall is None or injector.kill_until is None:
            return False
        now = time.monotonic()
        return now > injector.kill_until and now - max(changed, injector.kill_until) > stall

    @staticmethod
    def _all_ended(observer: Observer, expected: set[str]) -> bool:
        try:
            ids = {e.fields.get("id") for e in observer.entries()}
        except redis.RedisError:
            return False
        return expected <= ids

    def _quiet(self, observer: Observer) -> None:
        """Wait until the streams did not grow for ``quiet_seconds``: a late double shows."""
        last, since = -1, time.monotonic()
        while time.monotonic() - since < self.plan.quiet_seconds:
            count = observer.ended()
            if count != last:
                last, since = count, time.monotonic()
            time.sleep(0.2)

    # -- faults (called from the injector thread) --------------------------------------------

    def inject(self, what: str, rng: random.Random | None = None) -> None:
        with self._lock:
            if what == "worker":
                assert rng is not None
                workers = [r for r in self.roles if r.name.startswith("worker-")]
                self._kill_and_restart(rng.choice(workers), "worker")
            elif what in ("watcher", "poller"):
                [role] = [r for r in self.roles if r.name == what]
                self._kill_and_restart(role, what)
            elif what in ("redis-shutdown", "redis-sigkill"):
                self._restart_redis(graceful=what == "redis-shutdown")
            else:
                raise ValueError(what)

    def _kill_and_restart(self, role: Managed, kind: str) -> None:
        role.kill()
        self.tally.kills[kind] += 1
        self.tally.fault(self.t0, f"SIGKILL {role.name}")
        role.start()

    def _restart_redis(self, graceful: bool) -> None:
        assert self.redis is not None
        how = "shutdown" if graceful else "sigkill"
        if graceful:
            self.redis.shutdown()
        else:
            self.redis.kill()
        self.tally.fault(self.t0, f"redis {how}")
        time.sleep(self.plan.redis_down_seconds)
        self.redis.start()
        self.tally.redis_restarts[how] += 1
        self.tally.fault(self.t0, f"redis started again after {how}")

    def restart_crashed(self) -> None:
        """Restart whatever exited without being killed, as a supervisor would."""
        with self._lock:
            if self.redis is not None and self.redis.exit_code() is not None:
                self._crashed(self.redis)
                self.redis.start()
            for role in self.roles:
                if role.exit_code() is not None:
                    self._crashed(role)
                    role.start()

    def _crashed(self, process: Managed) -> None:
        code = process.exit_code()
        last = process.tail(3).replace("\n", " | ")
        self.tally.crashes.append(f"{process.name} exited with status {code}: {last[-300:]}")
        self.tally.fault(self.t0, f"{process.name} exited on its own ({code}): restarted")

    def _note(self, text: str) -> None:
        self.tally.timeline.append((time.monotonic() - self.t0, text))
        self.progress(f"[{time.monotonic() - self.t0:6.1f}s] {text}")

    # -- the verdict -----------------------------------------------------------------------

    def _result(self, observer: Observer, inputs: Inputs, complete: bool) -> Result:
        entries = observer.entries_when_up()
        expected = inputs.expected
        by_id: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_id[entry.fields.get("id", "?")].append(entry)
        lost = sorted(i for i in expected if i not in by_id)
        doubled = {
            i: [f"{e.stream} {e.entry_id}" for e in found]
            for i, found in by_id.items()
            if len(found) > 1
        }
        dead = {
            i: f"{e.fields.get('stage')}: {e.fields.get('error')} "
            f"(attempts {e.fields.get('attempts')})"
            for i, found in by_id.items()
            for e in found
            if e.stream == "dead" and i in expected
        }
        firsts = [found[0] for i, found in by_id.items() if i in expected]
        last_end = max((e.millis for e in firsts), default=None)
        recovery = drained = None
        if last_end is not None and self.tally.last_fault is not None:
            drained = max(0.0, last_end / 1000 - self.tally.last_fault)
        if not lost and last_end is not None and self.tally.last_fault is not None:
            recovery = drained
        return Result(
            plan=asdict(self.plan),
            prefix=self.prefix,
            inputs=len(expected),
            by_kind=dict(Counter(e.kind for e in expected.values())),
            kills=dict(self.tally.kills),
            redis_restarts=dict(self.tally.redis_restarts),
            crashes=list(self.tally.crashes),
            ended=len(firsts),
            lost=lost,
            doubled=doubled,
            dead=dead,
            unexpected=sorted(i for i in by_id if i not in expected),
            statuses=dict(
                Counter(e.fields.get("status", "?") for e in entries if e.stream == "articles")
            ),  # fmt: skip
            recovery_seconds=recovery,
            drained_seconds=drained,
            elapsed_seconds=time.monotonic() - self.t0,
            complete=complete,
            diagnosis=(diagnosis := self._diagnose(observer, inputs, lost))[0],
            categories=diagnosis[1],
            described={
                i: f"{e.kind} {e.name} (batch {e.batch})"
                for i, e in expected.items()
                if i in lost or i in doubled or i in dead
            },
            timeline=[f"{t:7.1f} {text}" for t, text in self.tally.timeline],
        )

    def _diagnose(
        self, observer: Observer, inputs: Inputs, lost: list[str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Where each lost input stands in Redis, with what the watcher logged about its file
        (or its .urls file) and how often its page was fetched; and the same as a category."""
        if not lost:
            return {}, {}
        found = observer.diagnose([inputs.expected[i] for i in lost])
        watched = _events_by_path(self._log("watcher"))
        requested = Counter(urlsplit(r.path).path for r in list(inputs.site.requests))
        details, categories = {}, {}
        for article_id in lost:
            expected = inputs.expected[article_id]
            detail, category = [found[article_id]], [_category(found[article_id])]
            file = expected.name if expected.kind in ("txt", "html") else expected.listed_in
            if file in watched:
                detail.append(f"[watcher logged about {Path(file).name}: {watched[file][0]}]")
                category.append(f"| watcher logged {', '.join(watched[file][1])} for its file")
            if expected.kind in ("url", "feed"):
                hits = requested[urlsplit(expected.name).path]
                detail.append(f"[page fetched {hits} times]")
                category.append("| page fetched" if hits else "| page never fetched")
            if expected.kind == "feed" and expected.listed_in:
                state, leased = observer.feed_state(expected.listed_in)
                detail.append(f"[its feed {expected.listed_in}: {state}]")
                category.append("| its feed is leased" if leased else "| its feed has no lease")
            details[article_id] = " ".join(detail)
            categories[article_id] = f"{expected.kind}: {' '.join(category)}"
        return details, categories

    def attach_logs(self, result: Result) -> None:
        """The tails of every log of the run (for a failure report)."""
        processes: list[Managed] = [*([self.redis] if self.redis else []), *self.roles]
        result.logs = {p.name: p.tail() for p in processes}

    def _stop_all(self) -> None:
        """Stop every role (SIGTERM, a wait, SIGKILL to the group), then Redis."""
        with self._lock:
            for role in self.roles:
                if role.process is not None and role.process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(role.process.pid, signal.SIGTERM)
            for role in self.roles:
                role.stop()
            if self.redis is not None:
                self.redis.stop()
