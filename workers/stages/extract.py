"""The extract stage: an input's bytes in, the article's clean text and metadata out.

HTML goes to a child process that is killed at NEWSFLOW_EXTRACT_TIMEOUT
(workers/runtime/sandbox.py); plain text is cleaned here, with what its source's
earlier texts repeat (workers/state/line_stats.py).
"""

from __future__ import annotations

from typing import Any

import dramatiq
import structlog
from dramatiq.middleware import CurrentMessage

from pipelines.article import Article, Extracted, Rejected, Source
from pipelines.clean.cleaner import clean_document
from pipelines.clean.paragraphs import document_lines
from pipelines.clean.repetition import source_name
from pipelines.extract.extractor import decode_text
from pipelines.feeds import fill_gaps
from workers.inputs import reprocess
from workers.runtime.sandbox import Sandbox
from workers.services import process_services
from workers.stages import chain
from workers.stages.base import RETRIES, finished, once_per_process, run_stage
from workers.web.errors import MAX_RETRY_AFTER, HostBusy, TransientFetchError

log = structlog.get_logger("newsflow.stages")


@dramatiq.actor(queue_name="extract", time_limit=300_000, **RETRIES)
def extract(
    article_id: str, source: dict[str, Any], ingested_at: str, meta: dict[str, Any] | None = None
) -> None:
    """``meta``: a feed item's title and date, for what the page itself does not state;
    ``replaces`` in it: the id of the version this one replaces (`newsflow reprocess`)."""
    origin = Source(**source)
    meta = dict(meta or {})
    replaces = meta.pop("replaces", None)
    if _already_extracted(article_id):
        return

    def step() -> Article:
        data, kind = _read(origin, article_id, replaces)
        if kind == "text":
            found = _clean_text(data, origin, article_id)
        else:
            settings = process_services().settings
            found = _sandbox()(data, kind, origin.url, settings.max_bytes)
        found = fill_gaps(found, meta)
        return Article.from_extracted(article_id, origin, found, ingested_at, replaces)

    if run_stage(article_id, "extract", origin, step):
        chain.pass_on("extract", article_id)


def _already_extracted(article_id: str) -> bool:
    """A redelivered extract message: the input is finished, or past this stage.

    Extracting again would fetch a URL twice and overwrite the stored article,
    entities and all, under a chain still running. When the article is stored
    but maybe never handed on (a crash just before passing it on), it is handed
    on now: every later stage is idempotent.
    """
    if finished(article_id):
        log.info("already_finished")
        return True
    services = process_services()
    if services.client.exists(services.keys.work(article_id)):
        log.info("already_extracted")
        chain.pass_on("extract", article_id)
        return True
    return False


def _read(origin: Source, article_id: str, replaces: str | None) -> tuple[bytes, str]:
    """The input's bytes and kind; a web page's Retry-After is dramatiq's next delay.

    Other transient errors take the actor's exponential backoff. Waiting for a turn at
    a busy host is not an attempt: a feed of a thousand items from one site must not
    run out of retries while its pages wait their turn. A version replacing another is
    read again as it is now (a page: its kept bytes, if NEWSFLOW_KEEP_RAW kept them).
    """
    services = process_services()
    try:
        if replaces is not None:
            data, kind = reprocess.read_again(services, origin, article_id)
        else:
            carried = _carried_bytes(origin, article_id)
            data, kind = services.input_reader.read(origin, article_id, carried)
    except HostBusy as busy:
        _not_an_attempt()
        raise dramatiq.Retry(busy.reason, delay=int((busy.retry_after or 1.0) * 1000)) from None
    except TransientFetchError as error:
        if error.retry_after is None:
            raise
        delay_ms = int(min(error.retry_after, MAX_RETRY_AFTER) * 1000)
        raise dramatiq.Retry(error.reason, delay=delay_ms) from None
    if origin.url and origin.type != "file" and services.settings.keep_raw:
        reprocess.keep_page(services.client, services.keys, origin.url, data, kind)
    return data, kind


def _carried_bytes(origin: Source, article_id: str) -> bytes | None:
    """An inbox file's bytes as its intake stored them (NEWSFLOW_INPUT_TRANSPORT=redis), so
    that this worker needs no access to the inbox; None for the path alone."""
    if origin.type != "file":
        return None
    services = process_services()
    stored: bytes | None = services.client.get(services.keys.input_bytes(article_id))
    return stored


def _not_an_attempt() -> None:
    # dramatiq's Retries middleware adds one to the message's count after this raise;
    # taking one off first leaves the count of real attempts as it was.
    message = CurrentMessage.get_current_message()
    if message is not None:
        message.options["retries"] = message.options.get("retries", 0) - 1


def _clean_text(data: bytes, origin: Source, article_id: str) -> Extracted:
    """Decode and clean a text input with its source's history, then count its lines."""
    services = process_services()
    source = source_name(origin, services.settings.inbox.resolve())
    lines = document_lines(decode_text(data))
    found = clean_document(lines, services.line_stats.history(source, article_id, lines))
    if not found.text:
        raise Rejected("no article found: the text file is empty once cleaned")
    services.line_stats.record(source, article_id, lines)
    return found


def _start_sandbox() -> Sandbox:
    settings = process_services().settings
    return Sandbox(timeout=settings.extract_timeout, memory_mb=settings.extract_memory_mb)


#: The extraction children of this process, started on first use.
_sandbox = once_per_process(_start_sandbox)


def warm_up() -> None:
    """Start an extraction child before the worker takes messages: a page must not wait
    (and be exposed to a kill) for the second or so a fresh child takes."""
    _sandbox().warm_up()
