"""The article record (schema version 1 of CONTRACT.md) and the ids that name inputs."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

SCHEMA_VERSION = 1

#: The values of ``dedup.status`` and of the stream's ``status`` field.
UNIQUE, DUPLICATE, NEAR_DUPLICATE = "unique", "duplicate", "near_duplicate"


class Rejected(Exception):
    """An input that can never be processed: retrying will not help.

    ``reason`` is one line a person can act on; it becomes the ``error`` of the
    ``dead`` stream entry.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Source:
    type: str  #: "file", "url" or "feed"
    path: str | None = None
    url: str | None = None
    feed: str | None = None

    def origin(self) -> tuple[str, str] | None:
        """Where a run of inputs like this one comes from, as (kind, place): ("folder", the
        folder a file sits in), or ("url" or "feed", the host of the page).

        Inputs of one origin share a page template (their repeated lines are learnt
        together) and versions of one article (revisions are looked for among them).
        None when a file's record lacks its path. A new kind of input must say here
        where its inputs come from: otherwise they would all be grouped as one.
        """
        if self.type == "file":
            return ("folder", str(PurePath(self.path).parent)) if self.path else None
        if self.type in ("url", "feed"):
            return self.type, str(urlsplit(self.url or self.feed or "").hostname)
        raise ValueError(f"no origin for inputs of kind {self.type!r}: add it to Source.origin")


@dataclass(slots=True)
class Entity:
    name: str
    key: str
    label: str
    count: int
    mentions: list[str]


@dataclass(slots=True)
class Dedup:
    status: str = UNIQUE
    of: str | None = None
    similarity: float | None = None
    revision_of: str | None = None


@dataclass(slots=True)
class Extracted:
    """What the extract stage finds in one input."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    sitename: str | None = None
    language: str | None = None
    url: str | None = None
    removed: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Article:
    """The record of one article; its fields in the order CONTRACT.md shows them."""

    id: str
    source: Source
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    sitename: str | None = None
    language: str | None = None
    text: str
    removed: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    #: What a stage wants a reader to know about this record, one line each (e.g. why
    #: ``entities`` is empty for a language without a model). Added after 0.1.0: schema 1.
    notes: list[str] = field(default_factory=list)
    dedup: Dedup = field(default_factory=Dedup)
    story: str | None = None
    #: The id of the record this one supersedes (the same input processed again by
    #: `newsflow reprocess` or `ingest --force`), null for a first version. Added: schema 1.
    replaces: str | None = None
    ingested_at: str | None = None
    processed_at: str | None = None

    @classmethod
    def from_extracted(
        cls,
        article_id: str,
        source: Source,
        extracted: Extracted,
        ingested_at: str | None,
        replaces: str | None = None,
    ) -> Article:
        return cls(
            id=article_id,
            source=source,
            text=extracted.text,
            url=extracted.url or source.url,
            title=extracted.title,
            author=extracted.author,
            published=extracted.published,
            sitename=extracted.sitename,
            language=extracted.language,
            removed=list(extracted.removed),
            replaces=replaces,
            ingested_at=ingested_at,
        )

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready record: the schema version, then every field in its order."""
        return {"schema": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Article:
        fields = {k: v for k, v in record.items() if k != "schema"}
        fields["source"] = Source(**fields["source"])
        fields["entities"] = [Entity(**e) for e in fields.get("entities", [])]
        fields["dedup"] = Dedup(**fields.get("dedup") or {})
        return cls(**fields)


def input_id(source_key: str, content: bytes) -> str:
    """The stable article id: the same bytes from the same source, the same id.

    ``source_key`` names the source (a file's absolute path, a URL); a different
    name for the same bytes is a different input, published as a duplicate.
    """
    digest = hashlib.sha256()
    digest.update(source_key.encode("utf-8", "surrogateescape"))
    digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()[:16]


def successor_id(article_id: str) -> str:
    """The id of the next version of an input: derived from the id of the version it
    replaces, so that every command reprocessing that version, and every retry of one,
    names the new version alike and queues it once (generation n+1 from generation n)."""
    return hashlib.sha256(b"reprocess\0" + article_id.encode("ascii")).hexdigest()[:16]


def utc_timestamp() -> str:
    """Now, as the record's timestamps are written: ISO 8601, UTC, milliseconds, Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
