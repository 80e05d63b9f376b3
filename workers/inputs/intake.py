"""Turning files and URLs into queued inputs: shared by the folder watcher, `newsflow ingest`
and the feed poller.

An input's id hashes its path and its bytes, so the same content under the same
name is taken once (across restarts: the ids are kept in Redis), a changed file
is a new input, and a copy under a new name is a new input that dedup marks.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import redis
import structlog

from pipelines.article import Rejected, Source, input_id, utc_timestamp
from pipelines.urls import canonical_url, url_input_id
from workers.inputs.read import read_file, too_large
from workers.keys import Keys
from workers.runtime import metrics
from workers.state.outcome import Outcomes

log = structlog.get_logger("newsflow.intake")

#: Names that editors, browsers and copy tools use while a file is being written.
TEMPORARY_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")

#: How long an input being queued is claimed against a concurrent offer of the same id.
CLAIM_SECONDS = 60

#: Files that hold URLs to fetch, one a line, rather than an article.
URL_LIST_SUFFIXES = (".url", ".urls")


def is_candidate(path: Path, root: Path | None = None) -> bool:
    """False for hidden and temporary names (in the file or any folder under root)."""
    parts = path.relative_to(root).parts if root else (path.name,)
    if any(part.startswith(".") for part in parts):
        return False
    name = path.name
    return not (name.endswith(TEMPORARY_SUFFIXES) or (name.startswith("#") and name.endswith("#")))


#: Queues a new input: (article id, its source as a dict, ingested at, a feed item's meta).
Enqueue = Callable[[str, dict[str, Any], str, "dict[str, Any] | None"], None]


@dataclass(frozen=True, slots=True)
class Offer:
    article_id: str
    queued: bool  #: False when this exact input was taken before, or was refused


class Intake:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        outcomes: Outcomes,
        max_bytes: int,
        enqueue: Enqueue,
        transport: str = "redis",
        input_ttl: int = 7 * 24 * 3600,
    ) -> None:
        """``transport``: NEWSFLOW_INPUT_TRANSPORT ("redis": a file's bytes travel in Redis
        for ``input_ttl`` seconds at most, NEWSFLOW_WORK_TTL; "path": only its path)."""
        self._client = client
        self._keys = keys
        self._outcomes = outcomes
        self._max_bytes = max_bytes
        self._enqueue = enqueue
        self._carry_bytes = transport == "redis"
        self._input_ttl = input_ttl

    def offer_file(self, path: Path, confine_to: Path | None = None) -> Offer:
        """Queue a file unless this content under this name was taken already.

        With ``confine_to`` (the watched inbox, or a folder given to `ingest`), a symlink
        that resolves outside it is refused with a `dead` entry instead of being read.
        Whatever goes wrong with the file sends it to `dead` with the reason; only Redis
        being away is raised (the caller offers the file again later).
        """
        real = _real(path)
        source = Source(type="file", path=shown(real))
        article_id = input_id(str(real), b"")  # named by its path until its bytes are read
        return self._safely(article_id, source, lambda: self._take_file(path, real, confine_to))

    def _take_file(self, path: Path, real: Path, confine_to: Path | None) -> Offer:
        source = Source(type="file", path=str(real))
        if confine_to is not None and not real.is_relative_to(confine_to.resolve()):
            refused = input_id(str(path.absolute()), str(real).encode("utf-8", "surrogateescape"))
            reason = (
                f"refused: {shown(path.name)} is a link to {shown(real)}, outside"
                f" {shown(confine_to.resolve())}: copy the file in instead"
            )
            return self._refuse(refused, replace(source, path=shown(real)), reason)
        try:
            status = real.stat()
        except OSError as error:
            if error.errno != errno.ELOOP:
                raise
            reason = f"refused: {shown(path.name)} is a symbolic link loop: remove or fix the link"
            return self._refuse(input_id(str(real), b"link loop"), source, reason)
        # Named by what it is and when it was last changed: such an input has no bytes to hash.
        unread = f"size={status.st_size} mtime={status.st_mtime_ns}"
        unread_id = input_id(str(real), unread.encode())
        if shown(real) != str(real):
            # The path travels in JSON, which holds only UTF-8: the worker could not open it.
            reason = "the file name is not valid UTF-8: rename it (newsflow reads UTF-8 names)"
            return self._refuse(unread_id, replace(source, path=shown(real)), reason)
        if not stat.S_ISREG(status.st_mode):
            # Reading a FIFO or a device would block the watcher, or never end.
            return self._refuse(unread_id, source, "not a regular file (a pipe, socket or device)")
        if status.st_size > self._max_bytes:
            return self._refuse(unread_id, source, too_large(status.st_size, self._max_bytes))
        try:
            content = real.read_bytes()
        except PermissionError:
            return self._refuse(unread_id, source, "permission denied: make the file readable")
        return self._queue(input_id(str(real), content), source, content=content)

    def offer_path(self, path: Path, confine_to: Path | None = None) -> list[Offer]:
        """A file's offer, or one offer per URL of a `.url`/`.urls` list (one URL a line).

        A link to a folder (which `inputs_under` lists without following it) is refused.
        """
        if path.is_symlink() and path.is_dir():
            return [self._refuse_folder_link(path, confine_to)]
        if path.suffix.lower() not in URL_LIST_SUFFIXES:
            return [self.offer_file(path, confine_to)]
        real = _real(path)
        if confine_to is not None and not real.is_relative_to(confine_to.resolve()):
            return [self.offer_file(path, confine_to)]  # refused there, as any outside link
        listing = input_id(str(real), b"url list")
        source = Source(type="file", path=shown(real))
        try:
            data = read_file(path, self._max_bytes)  # never blocks on a pipe or reads a huge file
        except Rejected as rejection:
            reason = rejection.reason
        except OSError as error:
            reason = f"could not read the URL list: {error.strerror or error}"
        else:
            return [self.offer_url(url) for url in urls_in(data.decode("utf-8", "replace"))]
        return [self._refuse(listing, source, reason)]

    def _refuse_folder_link(self, link: Path, root: Path | None) -> Offer:
        """A `dead` entry for a link to a folder, once: its id names the link and its target.

        Folder links are never followed, wherever they lead: out of the inbox they would
        publish what its owner never put there, and inside it they add nothing (their
        files are taken where they lie) but loops and a second name for every file.
        """
        place = link.parent.resolve() / link.name  # the link itself, not where it leads
        target = link.resolve()
        named = next((link.relative_to(b) for b in _bases(root) if link.is_relative_to(b)), place)
        reason = (
            f"refused: {shown(named)} is a link to a folder ({shown(target)}): newsflow does"
            " not follow folder links, move or copy the files in instead"
        )
        refused = input_id(str(place), b"folder link to " + os.fsencode(target))
        return self._refuse(refused, Source(type="file", path=shown(place)), reason)

    def offer_url(
        self, url: str, feed: str | None = None, meta: dict[str, Any] | None = None
    ) -> Offer:
        """Queue a web page unless its canonical URL was taken before, by any feed or command.

        A URL is one input, fetched once: its id hashes the canonical URL (the id
        must exist before the page is fetched, to follow the input to its outcome).
        A URL that cannot be taken goes to `dead` with the reason.
        """
        source = Source(type="feed" if feed else "url", url=url.strip()[:2000], feed=feed)
        taken_as = url_input_id(url.strip())
        return self._safely(taken_as, source, lambda: self._take_url(source, meta))

    def _take_url(self, source: Source, meta: dict[str, Any] | None) -> Offer:
        canonical = canonical_url(source.url or "")
        return self._queue(url_input_id(canonical), replace(source, url=canonical), meta)

    def _safely(self, article_id: str, source: Source, take: Callable[[], Offer]) -> Offer:
        """``take()``; when it fails, the input goes to `dead` with a one-line reason, so that
        no input can stop the role taking it. Redis being away is raised: the input is
        not lost but waits, and the caller offers it again; so is a file removed before it
        could be taken (nothing to process)."""
        try:
            return take()
        except (redis.RedisError, FileNotFoundError):
            raise
        except Rejected as rejection:
            return self._refuse(article_id, source, rejection.reason)
        except Exception as error:  # a bug or an odd input: this input only
            log.exception("not_taken", article_id=article_id, path=source.path, url=source.url)
            reason = f"could not be taken: {type(error).__name__}: {error}"
            return self._refuse(article_id, source, reason)

    def remembered(self, article_ids: list[str]) -> list[bool]:
        """For each id, whether it is in the seen set: taken (queued or refused) for good."""
        found: list[bool] = []
        for start in range(0, len(article_ids), 1000):
            chunk = article_ids[start : start + 1000]
            found += [bool(m) for m in self._client.smismember(self._keys.seen, chunk)]
        return found

    def _queue(
        self,
        article_id: str,
        source: Source,
        meta: dict[str, Any] | None = None,
        content: bytes | None = None,
    ) -> Offer:
        if self._client.sismember(self._keys.seen, article_id):
            return Offer(article_id, queued=False)
        # Two feeds polled at once often share a link: a short claim lets one of them queue
        # it; should this process die before remembering it, the claim expires unused.
        if not self._client.set(self._keys.claim(article_id), 1, nx=True, ex=CLAIM_SECONDS):
            return Offer(article_id, queued=False)
        if self._client.sismember(self._keys.seen, article_id):
            return Offer(article_id, queued=False)  # queued by whoever held the claim before us
        if content is not None and self._carry_bytes:
            # Before the message: no worker, on any host, finds the message without them.
            self._client.set(self._keys.input_bytes(article_id), content, ex=self._input_ttl)
        # Queue first, remember second: a crash in between queues it twice, and
        # the stable id makes the second one a no-op, whereas the other order
        # could lose the input.
        self._enqueue(article_id, asdict(source), utc_timestamp(), meta)
        self._client.sadd(self._keys.seen, article_id)
        log.info("queued", article_id=article_id, path=source.path, url=source.url)
        metrics.input_taken(source.type)
        return Offer(article_id, queued=True)

    def _refuse(self, article_id: str, source: Source, reason: str) -> Offer:
        self._outcomes.bury(article_id, "intake", reason, source, attempts=1)
        self._client.sadd(self._keys.seen, article_id)
        return Offer(article_id, queued=False)


def _real(path: Path) -> Path:
    """Where ``path`` leads; a link loop stays where it is (stat then says ELOOP)."""
    try:
        return path.resolve()
    except RuntimeError:  # Python before 3.13 raises on a symlink loop
        return path.absolute()


def shown(path: Path | str) -> str:
    """A path as text any JSON, log or terminal takes: bytes of a file name that are not
    UTF-8 become backslash escapes (``caf\\xe9.txt``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _bases(root: Path | None) -> tuple[Path, ...]:
    """The folder as given and as resolved: a path below it may be written either way."""
    return (root, root.resolve()) if root else ()


def urls_in(text: str) -> list[str]:
    """The URLs of a URL list: one a line; blank lines and `#` comments skipped. Windows
    Internet Shortcuts (`[InternetShortcut]` then `URL=...`) read as well."""
    lines = [line.strip() for line in text.splitlines()]
    if any(line.lower() == "[internetshortcut]" for line in lines):
        return [line[4:] for line in lines if line[:4].upper() == "URL="]
    return [line for line in lines if line and not line.startswith("#")]


def inputs_under(folder: Path) -> list[Path]:
    """Every candidate file below a folder, and every link to a folder there: such a link
    is not followed but listed, for `Intake.offer_path` to refuse it with a reason."""
    found = []
    for directory, subdirs, names in os.walk(folder):  # never descends into a folder link
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        links = [d for d in subdirs if os.path.islink(os.path.join(directory, d))]
        found += [Path(directory, n) for n in sorted(names + links)]
    return [p for p in found if is_candidate(p, folder)]
