"""`newsflow status`: the live workers; what is queued, in flight, delayed and dead; every
stream with its consumer groups; the feeds' health. Tables for a person, or with `--json`
one JSON document of the same figures (docs/contract.md)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from workers.runtime.terminal import printable
from workers.services import Services
from workers.stages.chain import QUEUES
from workers.state.overview import DEAD_COUNT_CAP, RECENT_CAP, Overview, gather


def overview(services: Services) -> Overview:
    return gather(
        services.client,
        services.keys,
        QUEUES,
        services.liveness.ttl,
        services.feed_registry,
        services.settings.feed_max_errors,
    )


def print_json(services: Services) -> None:
    """The figures as one JSON document on stdout."""
    document = orjson.dumps(overview(services).as_dict(), option=orjson.OPT_INDENT_2)
    sys.stdout.buffer.write(document + b"\n")
    sys.stdout.flush()


def print_status(services: Services) -> None:
    """The figures as lines and tables for a person."""
    found = overview(services)
    # Names come from whoever runs a worker or reads a stream: no markup, no highlighting.
    console = Console(highlight=False, markup=False, emoji=False)
    console.print(_text(f"workers alive: {len(found.workers)}"))
    if found.workers:
        rows = [(w.id, w.host, w.pid or "-", f"{w.seconds_ago:.1f} s ago") for w in found.workers]
        console.print(_table("workers", ("worker", "host", "pid", "last seen"), rows, names=2))
    queues = [(q.queue, q.queued, q.in_flight, q.delayed, q.failed) for q in found.queues]
    columns = ("stage", "queued", "in flight", "delayed (retry)", "failed")
    console.print(_table("queues", columns, queues))
    console.print(_text(f"dead by stage: {_dead_by_stage(found.dead_by_stage)}"))
    streams = [
        (s.stream, s.length, _last_minute(s.last_minute, s.last_minute_capped))
        for s in found.streams
    ]
    console.print(_table("streams", ("stream", "entries", "last minute"), streams))
    _print_groups(console, found)
    feeds = found.feeds
    why = " (`newsflow feeds list` says why)" if feeds.unhealthy else ""
    console.print(
        _text(f"feeds: {feeds.total} registered, {feeds.ok} ok, {feeds.unhealthy} unhealthy{why}")
    )


def _print_groups(console: Console, found: Overview) -> None:
    if not found.groups:
        console.print(_text("consumer groups: none"))
        return
    columns = ("stream", "group", "consumers", "pending", "lag")
    rows = [
        (g.stream, g.group, g.consumers, g.pending, "unknown" if g.lag is None else g.lag)
        for g in found.groups
    ]
    console.print(_table("consumer groups", columns, rows, names=2))
    if found.consumers:
        columns = ("stream", "group", "consumer", "pending", "idle")
        rows = [
            (c.stream, c.group, c.consumer, c.pending, f"{c.idle_ms / 1000:.1f} s")
            for c in found.consumers
        ]
        console.print(_table("consumers", columns, rows, names=3))


def _table(
    title: str, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]], names: int = 1
) -> Table:
    """The first ``names`` columns name the row (left), the others are figures (right)."""
    table = Table(title=title, title_justify="left")
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < names else "right")
    for row in rows:
        table.add_row(*(_text(str(cell)) for cell in row))
    return table


def _text(text: str) -> Text:
    # A Text is never read as markup, so a name like "[red]" prints as itself.
    return Text(printable(text))


def _dead_by_stage(counts: dict[str, int] | None) -> str:
    if counts is None:
        return f"not counted (over {DEAD_COUNT_CAP} entries)"
    return ", ".join(f"{stage} {n}" for stage, n in counts.items()) or "none"


def _last_minute(count: int, capped: bool) -> str:
    return f"over {RECENT_CAP}" if capped else str(count)
