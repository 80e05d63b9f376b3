"""A typed reader of newsflow's streams for the services that consume them.

    reader = StreamReader(redis.Redis.from_url(url), group="indexer")
    for entry in reader.articles():     # waits for new entries; never ends
        index(entry.record)             # an ArticleRecord, as docs/record.schema.json says

The reader is one member of a Redis consumer group (created at the stream's start if it is
new), so any number of processes can share a stream's entries. Delivery is at least once:

- an entry is acknowledged (XACK) when the loop asks for the next one, that is after your
  code for it returned; leaving the loop (an exception, ``break``) leaves it pending;
- on start the reader first takes back the entries left pending under its own name (a
  restart with a fixed ``consumer`` name); then, before each read, it claims (XAUTOCLAIM)
  entries another member left pending longer than ``claim_idle_ms``: a member that died;
- an entry that was trimmed from the stream (``NEWSFLOW_STREAM_MAXLEN``) before it was
  handled is acknowledged and skipped, as there is nothing left to read.

So your code should be idempotent per ``entry.id``, as newsflow's own stages are.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, TypedDict, TypeVar, cast

import orjson
import redis

from pipelines.article import SCHEMA_VERSION
from workers.keys import Keys

DedupStatus = Literal["unique", "duplicate", "near_duplicate"]
SourceType = Literal["file", "url", "feed"]
#: `unknown` only in `dead`: the stored article itself could not be read.
DeadSourceType = Literal["file", "url", "feed", "unknown"]
DeadStage = Literal["intake", "extract", "entities", "dedup", "publish"]

# The record's TypedDicts mirror docs/record.schema.json, field for field (a test holds
# them to it); a field added within schema 1 is passed through, untyped.


class SourceRecord(TypedDict):
    type: SourceType
    path: str | None
    url: str | None
    feed: str | None


class DeadSourceRecord(TypedDict):
    type: DeadSourceType
    path: str | None
    url: str | None
    feed: str | None


class EntityRecord(TypedDict):
    name: str
    key: str
    label: str
    count: int
    mentions: list[str]


class DedupRecord(TypedDict):
    status: DedupStatus
    of: str | None
    similarity: float | None
    revision_of: str | None


class ArticleRecord(TypedDict):
    schema: int
    id: str
    source: SourceRecord
    url: str | None
    title: str | None
    author: str | None
    published: str | None
    sitename: str | None
    language: str | None
    text: str
    removed: list[str]
    entities: list[EntityRecord]
    notes: list[str]
    dedup: DedupRecord
    story: str
    replaces: str | None  #: the id of the record this one supersedes (a reprocessed input)
    ingested_at: str
    processed_at: str


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    """An entry of `<prefix>:articles`."""

    entry_id: str  #: the stream entry's id, e.g. "1732361695884-0"
    id: str  #: the article id, the same as ``record["id"]``
    status: DedupStatus
    record: ArticleRecord


@dataclass(frozen=True, slots=True)
class DeadEntry:
    """An entry of `<prefix>:dead`: an input that could not be processed, and why."""

    entry_id: str
    id: str
    stage: DeadStage
    error: str  #: one line saying what to do
    source: DeadSourceRecord
    attempts: int


class MalformedEntry(ValueError):
    """An entry this reader cannot read (another schema version, a field missing). It stays
    pending: upgrade the reader, or acknowledge it by hand once dealt with."""


Entry = TypeVar("Entry", ArticleEntry, DeadEntry)
Fields = dict[bytes, bytes]
#: Where a scan of the pending entries starts, and the cursor XAUTOCLAIM gives at its end.
SCAN_START = "0-0"


def article_entry(entry_id: bytes, fields: Fields) -> ArticleEntry:
    """An `articles` entry's fields, parsed; MalformedEntry if they are not schema 1."""
    name = entry_id.decode()
    try:
        record = orjson.loads(fields[b"data"])
        article_id, status = fields[b"id"].decode(), fields[b"status"].decode()
    except (KeyError, ValueError) as error:  # JSONDecodeError and UnicodeDecodeError too
        raise MalformedEntry(f"articles entry {name} is not a newsflow record: {error}") from None
    version = record.get("schema") if isinstance(record, dict) else None
    if version != SCHEMA_VERSION:
        raise MalformedEntry(
            f"articles entry {name} holds a record of schema {version}, this reader reads "
            f"schema {SCHEMA_VERSION}: upgrade newsflow's consumer"
        )
    return ArticleEntry(name, article_id, cast(DedupStatus, status), cast(ArticleRecord, record))


def dead_entry(entry_id: bytes, fields: Fields) -> DeadEntry:
    """A `dead` entry's fields, parsed; MalformedEntry if one is missing or unreadable."""
    name = entry_id.decode()
    try:
        return DeadEntry(
            entry_id=name,
            id=fields[b"id"].decode(),
            stage=cast(DeadStage, fields[b"stage"].decode()),
            error=fields[b"error"].decode(),
            source=cast(DeadSourceRecord, orjson.loads(fields[b"source"])),
            attempts=int(fields[b"attempts"]),
        )
    except (KeyError, ValueError) as error:  # JSONDecodeError and UnicodeDecodeError too
        raise MalformedEntry(f"dead entry {name} is not a newsflow entry: {error}") from None


class StreamReader:
    """One member of a consumer group reading newsflow's streams; see the module's docs.

    ``consumer`` names this member within the group (default: host and process id); give a
    fixed name to take back what this member left pending when it restarts. ``prefix`` is
    the service's `NEWSFLOW_PREFIX`. ``count`` entries are read at a time, a read waits up to
    ``block_ms`` for new ones, and entries pending longer than ``claim_idle_ms`` with another
    member are taken over: set it above the time your code takes for ``count`` entries.
    """

    def __init__(
        self,
        client: redis.Redis,
        group: str,
        consumer: str | None = None,
        *,
        prefix: str = "newsflow",
        count: int = 100,
        block_ms: int = 5_000,
        claim_idle_ms: int = 60_000,
    ) -> None:
        self.client = client
        self.group = group
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.keys = Keys(prefix)
        self.count = count
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms

    def articles(self, *, follow: bool = True) -> Iterator[ArticleEntry]:
        """The entries of `articles` for this group; ``follow=False`` stops once none is left."""
        return self._handled(self.keys.articles, article_entry, follow)

    def dead(self, *, follow: bool = True) -> Iterator[DeadEntry]:
        """The entries of `dead` for this group; ``follow=False`` stops once none is left."""
        return self._handled(self.keys.dead, dead_entry, follow)

    def _handled(
        self, stream: str, parse: Callable[[bytes, Fields], Entry], follow: bool
    ) -> Iterator[Entry]:
        self._join(stream)
        for entry_id, fields in self._deliveries(stream, follow):
            if fields:  # empty: trimmed from the stream before anyone handled it
                yield parse(entry_id, fields)
            # Reached only when the caller asks for the next entry: its code returned.
            self.client.xack(stream, self.group, entry_id)

    def _join(self, stream: str) -> None:
        try:
            self.client.xgroup_create(stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def _deliveries(self, stream: str, follow: bool) -> Iterator[tuple[bytes, Fields]]:
        yield from self._own_pending(stream)
        cursor: bytes | str = SCAN_START
        while True:
            cursor, claimed = self._claim(stream, cursor)
            if claimed:
                yield from claimed
                continue
            batch = self._read_new(stream, follow)
            if not batch and not follow and cursor in (SCAN_START, SCAN_START.encode()):
                return
            yield from batch

    def _own_pending(self, stream: str) -> Iterator[tuple[bytes, Fields]]:
        """What was delivered to this member's name and never acknowledged (id "0" reads
        the member's own pending entries instead of new ones)."""
        after: bytes | str = "0"
        while batch := self._read(stream, after, block=None):
            yield from batch
            after = batch[-1][0]

    def _claim(
        self, stream: str, cursor: bytes | str
    ) -> tuple[bytes | str, list[tuple[bytes, Fields]]]:
        """One step of a scan of the group's pending entries, taking over the idle ones."""
        response = self.client.xautoclaim(
            stream, self.group, self.consumer, self.claim_idle_ms, cursor, count=self.count
        )
        # Redis 6.2 lists an entry deleted from the stream as (None, None); 7 leaves it out.
        return response[0], [(i, f) for i, f in response[1] if i is not None]

    def _read_new(self, stream: str, follow: bool) -> list[tuple[bytes, Fields]]:
        return self._read(stream, ">", block=self.block_ms if follow else None)

    def _read(
        self, stream: str, after: bytes | str, block: int | None
    ) -> list[tuple[bytes, Fields]]:
        response = cast(
            "list[tuple[bytes, list[tuple[bytes, Fields]]]] | None",
            self.client.xreadgroup(
                self.group, self.consumer, {stream: after}, count=self.count, block=block
            ),
        )
        return list(response[0][1]) if response else []
