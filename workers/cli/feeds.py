"""`newsflow feeds`: add, list, remove, import and export the feeds the poller polls.

Redis, the settings, feedparser and the intake are imported by the commands that use them:
`newsflow feeds --help` loads none of them.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from pipelines.article import Rejected
from workers.cli.common import services_for_command
from workers.runtime.terminal import printable

if TYPE_CHECKING:
    from workers.state.feeds import FeedRegistry, FeedState

feeds_app = typer.Typer(help="The feeds the poller polls (kept in Redis).", no_args_is_help=True)


def registry_for_command() -> FeedRegistry:
    return services_for_command().feed_registry


def _redis() -> AbstractContextManager[object]:
    """The command's Redis (the embedded one started if need be), for its duration."""
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings

    return redis_for_command(get_settings())


def feed_urls_in_file(path: Path) -> list[str]:
    """The feed URLs of an OPML file or of a plain list (one URL a line).

    Raises:
        Rejected: an OPML file that is not well-formed XML.
    """
    from pipelines.feeds import parse_opml
    from workers.inputs.intake import urls_in

    data = path.read_bytes()
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return parse_opml(data)
    return urls_in(data.decode("utf-8", "replace"))


def add_all(
    registry: FeedRegistry, urls: list[str], interval: int | None = None
) -> tuple[int, list[str]]:
    """Register every URL; how many were new, and the ones refused (with why)."""
    added, refused = 0, []
    for url in urls:
        try:
            added += registry.add(url, interval)
        except Rejected as rejection:
            refused.append(rejection.reason)
    return added, refused


@feeds_app.command()
def add(
    urls: Annotated[list[str], typer.Argument(help="Feed URLs (RSS, Atom or JSON Feed).")],
    interval: Annotated[
        int | None, typer.Option(min=60, help="Seconds between polls of these feeds.")
    ] = None,
) -> None:
    """Register feeds; each is polled at once, then every interval."""
    with _redis():
        added, refused = add_all(registry_for_command(), urls, interval)
    _report(added, len(urls), refused)


@feeds_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="An OPML file, or a file of URLs, one a line.")],
) -> None:
    """Register every feed of an OPML subscription list or a URL list."""
    urls = read_feed_file(path)
    with _redis():
        added, refused = add_all(registry_for_command(), urls)
    _report(added, len(urls), refused)


@feeds_app.command()
def remove(urls: Annotated[list[str], typer.Argument(help="Feed URLs as added.")]) -> None:
    """Stop polling feeds (items already queued are not affected)."""
    with _redis():
        registry = registry_for_command()
        missing = [url for url in urls if not _removed(registry, url)]
    if missing:
        _fail(f"not registered: {', '.join(missing)}")


@feeds_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Every feed with its health: last status, last success, items seen, links skipped,
    errors."""
    from workers.settings import get_settings

    max_errors = get_settings().feed_max_errors
    with _redis():
        feeds = registry_for_command().all()
    if not feeds:
        typer.echo(
            "newsflow: no feeds registered; add one with `newsflow feeds add URL` or "
            "`newsflow feeds import FILE`",
            err=True,
        )
    for state in feeds:
        line = _json_line(state, max_errors) if as_json else _text_line(state, max_errors)
        sys.stdout.write(line + "\n")


@feeds_app.command()
def export() -> None:
    """Print the registered feeds as an OPML subscription list."""
    from pipelines.feeds import to_opml

    with _redis():
        feeds = registry_for_command().all()
    sys.stdout.buffer.write(to_opml([(f.url, f.title) for f in feeds]))


def read_feed_file(path: Path) -> list[str]:
    """The URLs of a feed file, or exit 2 saying why they cannot be read."""
    try:
        return feed_urls_in_file(path)
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror}")
    except Rejected as rejection:
        _fail(f"{path}: {rejection.reason}")
    return []


def add_at_start(urls: list[str]) -> None:
    """`newsflow run --feeds FILE`: register the file's feeds (known ones stay as they are)."""
    import structlog

    log = structlog.get_logger("newsflow.feeds")
    if urls:
        added, refused = add_all(registry_for_command(), urls)
        log.info("feeds_added", added=added, already_registered=len(urls) - added - len(refused))
        for reason in refused:
            log.warning("feed_refused", error=reason)


def _removed(registry: FeedRegistry, url: str) -> bool:
    try:
        return registry.remove(url)
    except Rejected:
        return False


def _json_line(state: FeedState, max_errors: int) -> str:
    from workers.state.feeds import FeedState

    record = {field: getattr(state, field) for field in FeedState.__slots__}
    record["healthy"] = state.healthy(max_errors)
    return orjson.dumps(record).decode()


def _text_line(state: FeedState, max_errors: int) -> str:
    """One line for a person: every value from the feed or its server made printable (a
    title or error may carry escape sequences that would retitle or clear the terminal)."""
    health = "ok" if state.healthy(max_errors) else "UNHEALTHY"
    title = f"  title: {printable(state.title)}" if state.title else ""
    left_over = f" left_over={state.left_over}" if state.left_over else ""
    why = f"  error: {printable(state.last_error)}" if state.last_error else ""
    return (
        f"{health:9} {printable(state.url)}  "
        f"status={printable(state.last_status or 'never polled')} "
        f"last_success={state.last_success or '-'} items={state.items_seen}{left_over} "
        f"skipped_links={state.links_skipped} (total {state.links_skipped_total}) "
        f"errors={state.errors} every={state.interval}s{title}{why}"
    )


def _report(added: int, total: int, refused: list[str]) -> None:
    typer.echo(
        f"added={added} already_registered={total - added - len(refused)} refused={len(refused)}"
    )
    for reason in refused:
        typer.echo(f"newsflow: {reason}", err=True)
    if refused:
        raise typer.Exit(2)


def _fail(message: str) -> None:
    typer.echo(f"newsflow: {message}", err=True)
    raise typer.Exit(2)
