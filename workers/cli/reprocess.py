"""`newsflow reprocess`: run inputs again through today's code and settings.

By article id, or every input whose latest record lies under a folder and/or was added
since a time. Each input gets one new version whose record's `replaces` names the record
it supersedes (workers/inputs/reprocess.py); `--dry-run` prints what would be queued,
one JSON line each, and `--wait` follows them as `ingest --wait` does.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from workers.cli.common import fail

if TYPE_CHECKING:  # imported by the command itself: `reprocess --help` needs no Redis
    from workers.inputs.reprocess import Planned

#: `--since` as a duration back from now: a number and a unit.
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def reprocess(
    ids: Annotated[
        list[str] | None, typer.Argument(metavar="ID", help="Article ids (the record's `id`).")
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Every input whose file lies under this folder."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(metavar="WHEN", help="Inputs recorded since: 2026-11-30T00:00Z, or 2d."),
    ] = None,
    dead: Annotated[
        bool, typer.Option("--dead", help="Also inputs whose latest outcome is in dead.")
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Show progress; return when every input is done.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be reprocessed; queue nothing.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(metavar="SECONDS", help="Give up waiting after this many seconds (0: never)."),
    ] = 0,
) -> None:
    """Run inputs again with today's code and settings; each new record replaces the old."""
    import redis

    from workers.cli.common import reachable_services
    from workers.cli.ingest import follow
    from workers.inputs.intake import Offer
    from workers.inputs.reprocess import Reprocessor, Selection, select
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings
    from workers.stages.chain import start

    if not ids and folder is None and since is None:
        fail("say what to reprocess: article ids, --folder DIR or --since WHEN")
    if ids and (folder is not None or since is not None):
        fail("give either article ids or --folder/--since, not both")
    if folder is not None and not folder.is_dir():
        fail(f"--folder {folder} is not a folder: give the folder the files were ingested from")
    selection = Selection(tuple(ids or ()), folder, _since_ms(since), dead)
    with redis_for_command(get_settings()) as url:
        services = reachable_services()
        try:
            found = select(services.client, services.keys, selection)
            reprocessor = Reprocessor(services, start)
            planned = [reprocessor.plan(entry, dead, dry_run) for entry in found]
        except redis.RedisError as error:
            fail(f"lost Redis ({error}): run the same reprocess again, nothing is queued twice")
        missing = sorted(set(selection.ids) - {entry.article_id for entry in found})
        for article_id in missing:
            typer.echo(f"newsflow: no record {article_id} in articles or dead", err=True)
        for item in planned:
            _report(item, dry_run)
        if dry_run or not wait:
            raise typer.Exit(1 if missing else 0)
        follows = [Offer(p.article_id, p.queued) for p in planned if not p.skipped]
        try:
            code = follow(services, url, follows, timeout or None)
        except redis.RedisError as error:
            fail(f"lost Redis ({error}): run `newsflow status` to see what is left")
    raise typer.Exit(code)


def _report(item: Planned, dry_run: bool) -> None:
    """A dry run's line on stdout (replaces, id, source); a skipped input's line on stderr."""
    if item.skipped:
        typer.echo(f"newsflow: not reprocessing {item.replaces}: {item.skipped}", err=True)
    elif dry_run:
        line = {"replaces": item.replaces, "id": item.article_id, "source": item.source}
        sys.stdout.buffer.write(orjson.dumps(line) + b"\n")
        sys.stdout.flush()


def _since_ms(since: str | None) -> int | None:
    """``--since`` as ms since the epoch: an ISO 8601 time (UTC unless it says) or a
    duration back from now (30m, 12h, 2d, 1w)."""
    if since is None:
        return None
    duration = _DURATION.match(since.strip())
    if duration:
        back = timedelta(seconds=float(duration[1]) * _UNIT_SECONDS[duration[2]])
        return int((datetime.now(UTC) - back).timestamp() * 1000)
    try:
        when = datetime.fromisoformat(since.strip())
    except ValueError:
        fail(f"--since {since!r} is not a time: give e.g. 2026-11-30T00:00Z or 2d")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)
