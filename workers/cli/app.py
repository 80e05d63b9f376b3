"""The `newsflow` command line (CONTRACT.md). Output goes to stdout, logs and progress to stderr.

Each command imports what it needs when it runs: `newsflow --help` and `newsflow COMMAND
--help` load typer and nothing of newsflow's runtime (Redis, trafilatura, spaCy, pydantic).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from workers.cli.commands import NewsflowGroup, QuietCommand
from workers.cli.common import fail, reachable_services

app = typer.Typer(
    cls=NewsflowGroup,
    help="newsflow: news files, feeds and URLs in; clean, enriched, de-duplicated articles "
    "out on Redis streams.",
    no_args_is_help=True,
    # Plain help: rich's renderer alone takes 0.15 s to import, more than the rest of --help.
    rich_markup_mode=None,
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"newsflow {version('newsflow')}")
        raise typer.Exit()


@app.callback()
def _setup(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Every command's settings are checked first: a bad value exits 2 with one line."""
    if ctx.resilient_parsing or any(arg in ctx.help_option_names for arg in sys.argv[1:]):
        return  # help and completion need neither the settings nor the logs
    from workers.runtime import logs
    from workers.settings import settings_or_exit

    settings_or_exit()
    logs.configure()


@app.command(cls=QuietCommand)
def run(
    inbox: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Watched folder (default: NEWSFLOW_INBOX, else ./inbox)."),
    ] = None,
    feeds: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Feed URLs (one a line) or OPML to register at start."),
    ] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Worker processes (default: NEWSFLOW_PROCESSES, else one per core within memory).",
        ),
    ] = None,
    threads: Annotated[
        int, typer.Option(min=1, metavar="N", help="Threads per worker process.")
    ] = 2,
) -> None:
    """Run everything in the foreground: Redis, workers, the folder watcher, the feed poller."""
    from workers.cli import feeds as cli_feeds
    from workers.cli import run as running
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings

    settings = get_settings()
    feed_urls = cli_feeds.read_feed_file(feeds) if feeds is not None else []
    with redis_for_command(settings, owner=True) as url:
        cli_feeds.add_at_start(feed_urls)
        status = running.run(settings, url, inbox or settings.inbox, processes, threads)
    raise typer.Exit(status)


@app.command(cls=QuietCommand)
def ingest(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH", help="Files, folders (recursively) or URLs.")
    ],
    wait: Annotated[
        bool, typer.Option("--wait", help="Show progress; return when every input is done.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(metavar="SECONDS", help="Give up waiting after this many seconds (0: never)."),
    ] = 0,
    force: Annotated[
        bool,
        typer.Option("--force", help="Take inputs again; each new record replaces the last."),
    ] = False,
) -> None:
    """Queue files, folders and web pages for processing (one-shot backfill)."""
    import redis

    from pipelines.urls import is_web_url
    from workers.cli import ingest as backfill
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings

    settings = get_settings()
    urls = tuple(p for p in paths if is_web_url(p))
    files = [Path(p) for p in paths if not is_web_url(p)]
    with redis_for_command(settings) as url:
        reachable_services()
        try:
            code = backfill.ingest(settings, url, files, wait, timeout or None, urls, force)
        except redis.RedisError as error:
            fail(f"lost Redis ({error}): run the same ingest again, nothing is taken twice")
    raise typer.Exit(code)


@app.command(cls=QuietCommand)
def tail(
    stream: Annotated[str, typer.Option(metavar="NAME", help="articles or dead.")] = "articles",
    from_start: Annotated[bool, typer.Option("--from-start", help="The first N entries.")] = False,
    count: Annotated[int, typer.Option(min=1, metavar="N", help="How many entries.")] = 10,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new entries.")
    ] = False,
    group: Annotated[
        str | None,
        typer.Option(
            metavar="NAME", help="Read as a member of this consumer group and acknowledge."
        ),
    ] = None,
    consumer: Annotated[
        str | None, typer.Option(metavar="NAME", help="Consumer name within --group.")
    ] = None,
) -> None:
    """Print stream entries as JSON lines on stdout."""
    from workers.cli import tail as streams
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings

    if stream not in ("articles", "dead"):
        fail(f"--stream must be articles or dead, not {stream!r}")
    settings = get_settings()
    with redis_for_command(settings):
        services = reachable_services()
        key = services.keys.stream(stream)
        reader = streams.StreamPrinter(services.client, key, sys.stdout.buffer)
        try:
            if group:
                reader.consume(group, consumer, count, follow)
            else:
                reader.tail(count, from_start, follow)
        except KeyboardInterrupt:
            pass
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): not an error


@app.command(cls=QuietCommand)
def status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document, not tables.")] = False,
) -> None:
    """Live workers, queues (in flight, delayed, dead), streams and consumer groups, feeds."""
    from workers.cli import status as report
    from workers.runtime.connection import embedded_for
    from workers.settings import get_settings

    settings = get_settings()
    embedded = embedded_for(settings)
    if embedded is not None and not embedded.is_running():
        fail(f"Redis is not running (embedded, {embedded.url}): start it with `newsflow run`")
    services = reachable_services()
    (report.print_json if as_json else report.print_status)(services)


@app.command(cls=QuietCommand)
def why(
    article_id: Annotated[
        str, typer.Argument(metavar="ID", help="The article id (the record's `id`).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line instead of text.")] = False,
) -> None:
    """What dedup decided for an article, against which others, with the similarities."""
    from workers.cli import why as cli_why
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings

    settings = get_settings()
    with redis_for_command(settings):
        index = reachable_services().dedup_index
        if not cli_why.explain(index, article_id, sys.stdout, as_json):
            typer.echo(f"newsflow: {cli_why.UNKNOWN.format(id=article_id)}", err=True)
            raise typer.Exit(1)


@app.command(cls=QuietCommand)
def config(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object instead of NAME=value lines.")
    ] = False,
) -> None:
    """The effective settings, each with where it came from (default, .env, environment)."""
    from workers.cli import config as settings_report

    settings_report.print_settings(sys.stdout, as_json)


# `entities`, `feeds` and `reprocess` live in modules of their own, imported only when they are run
# (workers/cli/commands.py lists them).
