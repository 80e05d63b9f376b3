"""Running inputs again: `newsflow reprocess` and `newsflow ingest --force`.

An input processed again is a new version with an id of its own (`successor_id` of the id
it replaces): the outcome marker lets an id end exactly once, so the old one cannot be
reused. The new id is derived from the replaced one alone, so two commands reprocessing
the same record at once, or one run again after a crash, name the new version alike and
queue it once. ``<prefix>:successors`` maps each replaced id to its successor: a version
already replaced is never replaced a second time, its latest version is (`tip`).

The new version goes through every stage with today's code and settings; its record's
``replaces`` names the record it supersedes. A file is read again from its path; a web
page is fetched again, unless its bytes were kept (NEWSFLOW_KEEP_RAW, `keep_page`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import orjson
import redis
import structlog

from pipelines.article import Rejected, Source, successor_id, utc_timestamp
from pipelines.extract.extractor import kind_of
from pipelines.urls import canonical_url
from workers.inputs.intake import CLAIM_SECONDS, Enqueue, Intake, Offer, shown
from workers.inputs.read import read_file
from workers.keys import Keys

if TYPE_CHECKING:
    from workers.services import Services

log = structlog.get_logger("newsflow.reprocess")

#: How long a web page's fetched bytes are kept (NEWSFLOW_KEEP_RAW): long enough to
#: reprocess last month's pages after an upgrade, short enough to bound the memory to
#: a month of pages (each at most NEWSFLOW_MAX_BYTES).
KEEP_RAW_SECONDS = 30 * 86400

#: Entries read from a stream per round trip while selecting inputs.
SCAN_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Found:
    """An input's latest entry in `articles` or `dead`: what reprocessing starts from."""

    article_id: str
    source: Source
    stream: str  #: "articles" or "dead"
    stage: str | None = None  #: a `dead` entry's stage


@dataclass(frozen=True, slots=True)
class Selection:
    """Which entries to reprocess: ids, or those under a folder and/or since a time."""

    ids: tuple[str, ...] = ()
    folder: Path | None = None
    since_ms: int | None = None  #: entries added since (ms since the epoch)
    dead: bool = False  #: also inputs whose latest outcome is a `dead` entry


@dataclass(frozen=True, slots=True)
class Planned:
    """One input to run again: the id it replaces, the new id, or why not."""

    replaces: str
    article_id: str  #: the id to follow to its outcome (the new one, or one in flight)
    source: Source
    queued: bool = False
    skipped: str | None = None  #: why it is not queued (in flight, buried, refused)


def source_key(source: Source) -> str | None:
    """What names one input across its versions: a file's path, a page's URL."""
    return source.path if source.type == "file" else source.url


# -- selecting ------------------------------------------------------------------------------


def entries(client: redis.Redis, stream: str, since_ms: int | None) -> Iterator[Found]:
    """Every entry of a stream (since a time), oldest first, as `Found`."""
    start = f"{since_ms}-0" if since_ms is not None else "-"
    name = stream.rsplit(":", 1)[-1]
    while True:
        batch = client.xrange(stream, min=start, count=SCAN_BATCH)
        for _entry_id, fields in batch:
            found = _found(name, fields)
            if found is not None:
                yield found
        if len(batch) < SCAN_BATCH:
            return
        start = "(" + batch[-1][0].decode()


def _found(stream: str, fields: dict[bytes, bytes]) -> Found | None:
    try:
        if stream == "articles":
            source = orjson.loads(fields[b"data"])["source"]
        else:
            source = orjson.loads(fields[b"source"])
        stage = fields[b"stage"].decode() if b"stage" in fields else None
        return Found(fields[b"id"].decode(), Source(**source), stream, stage)
    except (KeyError, TypeError, ValueError):
        return None  # not an entry newsflow wrote: nothing to reprocess


def select(client: redis.Redis, keys: Keys, selection: Selection) -> list[Found]:
    """The entries to reprocess: each id asked for, or the latest entry of each input
    (file path, page URL) under the folder and/or since the time; later wins."""
    streams = [keys.articles] + ([keys.dead] if selection.dead or selection.ids else [])
    wanted = set(selection.ids)
    folder = selection.folder.resolve() if selection.folder else None
    latest: dict[str, Found] = {}
    for stream in streams:
        for found in entries(client, stream, None if wanted else selection.since_ms):
            if wanted:
                if found.article_id in wanted:
                    latest[found.article_id] = found
                continue
            key = source_key(found.source)
            if key is None:
                continue
            if folder is not None and not _under(found.source, folder):
                continue
            previous = latest.get(key)
            # `articles` is read first: a later `dead` entry of the same input is newer only
            # if it comes from a version that replaced it, which the tip finds anyway.
            if previous is None or previous.stream == found.stream:
                latest[key] = found
    return list(latest.values())


def _under(source: Source, folder: Path) -> bool:
    path = source.path if source.type == "file" else None
    return path is not None and PurePath(path).is_relative_to(folder)


def latest_of(client: redis.Redis, keys: Keys, names: set[str]) -> dict[str, Found]:
    """The latest entry (`articles`, then `dead`) of each file path or page URL in ``names``."""
    latest: dict[str, Found] = {}
    for stream in (keys.articles, keys.dead):
        for found in entries(client, stream, None):
            key = source_key(found.source)
            if key in names and (key not in latest or latest[key].stream == found.stream):
                latest[key] = found
    return latest


# -- queueing -------------------------------------------------------------------------------


class Reprocessor:
    def __init__(self, services: Services, enqueue: Enqueue) -> None:
        self._client = services.client
        self._keys = services.keys
        self._outcomes = services.outcomes
        self._marker_ttl = services.settings.work_ttl
        self._enqueue = enqueue

    def tip(self, article_id: str) -> str:
        """The latest version of an input: follows the successors of ``article_id``."""
        seen = {article_id}
        while True:
            following = self._client.hget(self._keys.successors, article_id)
            if following is None or following.decode() in seen:
                return article_id
            article_id = following.decode()
            seen.add(article_id)

    def plan(self, found: Found, dead: bool, dry_run: bool = False) -> Planned:
        """Queue the next version of ``found``'s input (unless ``dry_run``), or say why not."""
        tip = self.tip(found.article_id)
        source = found.source
        if found.stream == "dead" and found.stage == "intake" and tip == found.article_id:
            why = "refused at intake: use `newsflow ingest --force PATH` to take it again"
            return Planned(tip, tip, source, skipped=why)
        outcome = self._outcomes.outcomes([tip])[0]
        if outcome is None:
            return Planned(tip, tip, source, skipped="still being processed: wait for it")
        if outcome == "dead" and not dead:
            return Planned(tip, tip, source, skipped="its latest version is in dead: add --dead")
        new = successor_id(tip)
        if dry_run:
            return Planned(tip, new, source)
        return Planned(tip, new, source, queued=self._queue(new, tip, outcome, source))

    def _queue(self, new: str, replaced: str, outcome: str, source: Source) -> bool:
        """Queue the new version once, as the intake queues an input (claim, queue, remember)."""
        if self._client.sismember(self._keys.seen, new):
            return False
        if not self._client.set(self._keys.claim(new), 1, nx=True, ex=CLAIM_SECONDS):
            return False
        if self._client.sismember(self._keys.seen, new):
            return False
        if outcome == "articles":
            self._inherit_counts(replaced, new)
        # Queue first, remember second (as the intake): a crash in between queues the
        # same id again on the next run, which publishes once.
        meta: dict[str, Any] = {"replaces": replaced}
        self._enqueue(new, asdict(source), utc_timestamp(), meta)
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(self._keys.successors, replaced, new)
        pipe.sadd(self._keys.seen, new)
        pipe.execute()
        log.info("requeued", article_id=new, replaces=replaced, path=source.path, url=source.url)
        return True

    def _inherit_counts(self, replaced: str, new: str) -> None:
        """The published version's document was counted in the entity registry and in its
        source's learned lines: its successor is the same document, not a second one, so
        it is marked counted (and the cleaner does not take its own lines as repeated)."""
        pipe = self._client.pipeline(transaction=False)
        pipe.set(self._keys.entities_counted(new), b"1", nx=True, ex=self._marker_ttl)
        pipe.set(self._keys.lines_recorded(new), b"1", nx=True, ex=self._marker_ttl)
        pipe.execute()


def force_offers(
    services: Services,
    intake: Intake,
    reprocessor: Reprocessor,
    files: list[tuple[Path, Path | None]],
    urls: tuple[str, ...],
) -> list[Offer]:
    """`ingest --force`: each file (confined to its folder, if any) and URL taken again. An
    input with an earlier entry gets a new version replacing its latest one; any other
    is offered as `ingest` offers it."""
    real = {file: file.resolve() for file, _ in files}
    canonical = {url: _canonical(url) for url in urls}
    names = {shown(p) for p in real.values()} | {u for u in canonical.values() if u}
    latest = latest_of(services.client, services.keys, names)
    offers: list[Offer] = []
    for file, folder in files:
        found = latest.get(shown(real[file]))
        confined = folder is None or real[file].is_relative_to(folder.resolve())
        refused = found is not None and found.stage == "intake"  # the intake judges it anew
        if found is None or refused or not confined or file.suffix.lower() in (".url", ".urls"):
            offers += intake.offer_path(file, confine_to=folder)
        else:
            offers.append(_offer(reprocessor.plan(found, dead=True)))
    for url in urls:
        found = latest.get(canonical[url] or "")
        if found is None or found.stage == "intake":
            offers.append(intake.offer_url(url))
        else:
            offers.append(_offer(reprocessor.plan(found, dead=True)))
    return offers


def _offer(planned: Planned) -> Offer:
    if planned.skipped:
        log.info("not_requeued", article_id=planned.replaces, reason=planned.skipped)
    return Offer(planned.article_id, queued=planned.queued)


def _canonical(url: str) -> str | None:
    try:
        return canonical_url(url.strip())
    except ValueError:
        return None  # the intake gives it its `dead` entry


# -- reading again (the extract stage) ------------------------------------------------------


def read_again(services: Services, source: Source, article_id: str) -> tuple[bytes, str]:
    """A new version's bytes and kind: a file as it is now, a page's kept bytes (with
    NEWSFLOW_KEEP_RAW) or the page fetched again."""
    if source.type == "file" and source.path:
        return _read_file_again(Path(source.path), services.settings.max_bytes)
    if source.url and services.settings.keep_raw:
        kept = kept_page(services.client, services.keys, source.url)
        if kept is not None:
            return kept
    return services.input_reader.read(source, article_id)


def _read_file_again(path: Path, max_bytes: int) -> tuple[bytes, str]:
    kind = kind_of(str(path))
    if kind is None:
        raise Rejected(f"unsupported file type {path.suffix or '(none)'}: cannot reprocess it")
    if not os.path.lexists(path):
        raise Rejected(f"file not found: {shown(path)} is gone, so it cannot be reprocessed")
    if path.is_symlink():
        # The record names the file a link led to when it was taken; a link there now
        # could lead anywhere.
        raise Rejected(f"refused: {shown(path)} is now a link: ingest the file it leads to")
    return read_file(path, max_bytes), kind


def keep_page(client: redis.Redis, keys: Keys, url: str, body: bytes, kind: str) -> None:
    """Keep a fetched page's bytes for reprocessing (NEWSFLOW_KEEP_RAW)."""
    pipe = client.pipeline(transaction=True)
    pipe.hset(keys.raw(url), mapping={"body": body, "kind": kind})
    pipe.expire(keys.raw(url), KEEP_RAW_SECONDS)
    pipe.execute()


def kept_page(client: redis.Redis, keys: Keys, url: str) -> tuple[bytes, str] | None:
    body, kind = client.hmget(keys.raw(url), ["body", "kind"])
    if body is None or kind is None:
        return None
    return body, kind.decode()
