"""`newsflow ingest`: queue files and folders, and with --wait follow them to their outcome."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import structlog
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from workers.inputs.filters import InboxFilter
from workers.inputs.intake import Offer, inputs_under, shown
from workers.runtime.supervisor import start_workers, stop_workers
from workers.services import Services
from workers.settings import Settings
from workers.state.outcome import Outcomes

log = structlog.get_logger("newsflow.ingest")
POLL_SECONDS = 0.2


def ingest(
    settings: Settings,
    redis_url: str,
    paths: list[Path],
    wait: bool,
    timeout: float | None,
    urls: tuple[str, ...] = (),
    force: bool = False,
) -> int:
    """Exit status: 0 all published, 1 some went to `dead`, 2 bad arguments, 3 timed out.

    With ``wait`` and no worker running anywhere, it starts its own for the
    duration, so a one-shot backfill needs no `newsflow run` beside it. With ``force``,
    an input taken before is taken again, as a new version of its latest record.
    """
    from workers.services import process_services

    missing = [p for p in paths if not p.exists()]
    if missing:
        log.error("not_found", paths=[shown(p) for p in missing], hint="check the paths")
        return 2
    services = process_services()
    offers = _offer_all(services, paths, urls, force)
    if not wait:
        return 0
    return follow(services, redis_url, offers, timeout)


def follow(services: Services, redis_url: str, offers: list[Offer], timeout: float | None) -> int:
    """Follow the inputs to their outcome with a progress bar, then print the summary
    (with workers of its own when none is running): `ingest --wait`'s exit status."""
    helpers = []
    unfinished = None in services.outcomes.outcomes([o.article_id for o in offers])
    if unfinished and not workers_alive(services):
        log.info("starting_workers", reason="no worker is running; `newsflow run` keeps one up")
        # Quiet workers: the progress bar and the summary are the output here.
        helpers = start_workers(processes=1, threads=2, redis_url=redis_url, log_level="WARNING")
    try:
        results = _wait_for(services.outcomes, offers, timeout, lambda: _all_exited(helpers))
        helpers_gone = _all_exited(helpers)
    finally:
        stop_workers(helpers)
    return _summarise(results, len(offers), helpers_gone)


def _all_exited(helpers: list[subprocess.Popen[bytes]]) -> bool:
    """Whether ``--wait`` started workers of its own and every one has exited (a model
    that cannot load, say): nothing will process what is left, so waiting ends."""
    return bool(helpers) and all(helper.poll() is not None for helper in helpers)


def _offer_all(
    services: Services, paths: list[Path], urls: tuple[str, ...], force: bool = False
) -> list[Offer]:
    """Offer every file below ``paths`` (a .urls file: one offer per URL) and every URL.

    What lies below a folder is confined to it, as the inbox's files are to the inbox: a
    link out of it, and any link to a folder, is refused (a file named itself is read).
    The inbox's filters choose among a folder's files; a file named itself is always taken.
    """
    from workers.stages.chain import start

    intake = services.intake(start)
    files = [pair for path in paths for pair in _files_of(path, services.inbox_filter)]
    if force:
        from workers.inputs.reprocess import Reprocessor, force_offers

        offers = force_offers(services, intake, Reprocessor(services, start), files, urls)
        log.info("forced", files=len(files), urls=len(urls), queued=sum(o.queued for o in offers))
        return offers
    offers = []
    for file, folder in files:
        try:
            offers += intake.offer_path(file, confine_to=folder)
        except FileNotFoundError:
            log.warning("vanished", path=shown(file))  # removed while the others were offered
    offers += [intake.offer_url(url) for url in urls]
    queued = sum(o.queued for o in offers)
    seen = len(offers) - queued
    log.info("ingested", files=len(files), urls=len(urls), queued=queued, already_seen=seen)
    return offers


def _files_of(path: Path, wanted: InboxFilter) -> list[tuple[Path, Path | None]]:
    """What to offer for one argument, each with the folder it is confined to, if any."""
    if not path.is_dir():
        return [(path, None)]
    files, skipped = [], 0
    for file in inputs_under(path):
        reason = wanted.skipped_because(file, path)
        if reason is None:
            files.append((file, path))
        else:
            skipped += 1
            log.debug("skipped", path=shown(file), reason=reason)
    if skipped:
        reason = "NEWSFLOW_INBOX_INCLUDE, _EXCLUDE or _IGNORE_OLDER left them out"
        log.info("filtered", folder=shown(path), skipped=skipped, reason=reason)
    return files


def workers_alive(services: Services) -> bool:
    """Whether some worker process is alive (renewed its liveness in the last seconds)."""
    return bool(services.liveness.alive())


def _wait_for(
    outcomes: Outcomes,
    offers: list[Offer],
    timeout: float | None,
    hopeless: Callable[[], bool] = lambda: False,
) -> Counter[str]:
    """The outcome of each offer, counted, once all have one, the timeout passed or
    ``hopeless()`` says none will come."""
    ids = [o.article_id for o in offers]
    deadline = time.monotonic() + timeout if timeout else None
    console = Console(stderr=True)
    columns = (TextColumn("processing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingest", total=len(ids))
        while True:
            finished = outcomes.outcomes(ids)
            done = [f for f in finished if f]
            progress.update(task, completed=len(done))
            over = bool(deadline and time.monotonic() > deadline) or hopeless()
            if len(done) == len(ids) or over:
                counts = Counter(done)
                counts["pending"] = len(ids) - len(done)
                return counts
            time.sleep(POLL_SECONDS)


def _summarise(results: Counter[str], total: int, workers_gone: bool = False) -> int:
    summary = {
        "inputs": total,
        "published": results["articles"],
        "dead": results["dead"],
        "pending": results["pending"],
    }
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    if results["pending"] and workers_gone:
        log.error(
            "workers_exited",
            pending=results["pending"],
            hint="the workers --wait started have stopped: their error is above",
        )
        return 3
    if results["pending"]:
        log.error(
            "timed_out",
            pending=results["pending"],
            hint="is `newsflow run` running? `newsflow status` shows the queues",
        )
        return 3
    if results["dead"]:
        log.warning(
            "some_dead", dead=results["dead"], hint="see them with `newsflow tail --stream dead`"
        )
        return 1
    return 0
