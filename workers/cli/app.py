"""The `newsflow` command line (CONTRACT.md). Output goes to stdout, logs and progress to stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import redis
import typer

from workers.cli.common import fail, reachable_services
from workers.runtime import logs
from workers.runtime.connection import embedded_for, redis_for_command
from workers.settings import get_settings

app = typer.Typer(
    help="newsflow: news files, feeds and URLs in; clean, enriched, de-duplicated articles "
    "out on Redis streams.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _setup() -> None:
    logs.configure()


@app.command()
def run(
    inbox: Annotated[
        Path | None, typer.Option(help="Watched folder (default: NEWSFLOW_INBOX, else ./inbox).")
    ] = None,
    feeds: Annotated[
        Path | None, typer.Option(help="Feed URLs (one a line) or OPML to register at start.")
    ] = None,
    processes: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    threads: Annotated[int, typer.Option(min=1, help="Threads per worker process.")] = 2,
) -> None:
    """Run everything in the foreground: Redis, workers, the folder watcher, the feed poller."""
    from workers.cli import feeds as cli_feeds
    from workers.cli import run as running

    settings = get_settings()
    feed_urls = cli_feeds.read_feed_file(feeds) if feeds is not None else []
    with redis_for_command(settings, owner=True) as url:
        cli_feeds.add_at_start(feed_urls)
        status = running.run(settings, url, inbox or settings.inbox, processes, threads)
    raise typer.Exit(status)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursively) or URLs.")],
    wait: Annotated[
        bool, typer.Option("--wait", help="Show progress; return when every input is done.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="Give up waiting after this many seconds (0: never).")
    ] = 0,
) -> None:
    """Queue files, folders and web pages for processing (one-shot backfill)."""
    from pipelines.urls import is_web_url
    from workers.cli import ingest as backfill

    settings = get_settings()
    urls = tuple(p for p in paths if is_web_url(p))
    files = [Path(p) for p in paths if not is_web_url(p)]
    with redis_for_command(settings) as url:
        reachable_services()
        try:
            code = backfill.ingest(settings, url, files, wait, timeout or None, urls)
        except redis.RedisError as error:
            fail(f"lost Redis ({error}): run the same ingest again, nothing is taken twice")
    raise typer.Exit(code)


@app.command()
def tail(
    stream: Annotated[str, typer.Option(help="articles or dead.")] = "articles",
    from_start: Annotated[bool, typer.Option("--from-start", help="The first N entries.")] = False,
    count: Annotated[int, typer.Option(min=1, help="How many entries.")] = 10,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new entries.")
    ] = False,
    group: Annotated[
        str | None, typer.Option(help="Read as a member of this consumer group and acknowledge.")
    ] = None,
    consumer: Annotated[str | None, typer.Option(help="Consumer name within --group.")] = None,
) -> None:
    """Print stream entries as JSON lines on stdout."""
    from workers.cli import tail as streams

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


@app.command()
def status() -> None:
    """Queue depths, in-flight and delayed messages, stream lengths, recent throughput."""
    from workers.cli import status as report

    settings = get_settings()
    embedded = embedded_for(settings)
    if embedded is not None and not embedded.is_running():
        fail(f"Redis is not running (embedded, {embedded.url}): start it with `newsflow run`")
    services = reachable_services()
    report.print_status(services)


@app.command()
def why(
    article_id: Annotated[str, typer.Argument(help="The article id (the record's `id`).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line instead of text.")] = False,
) -> None:
    """What dedup decided for an article, against which others, with the similarities."""
    from workers.cli import why as cli_why

    settings = get_settings()
    with redis_for_command(settings):
        index = reachable_services().dedup_index
        if not cli_why.explain(index, article_id, sys.stdout, as_json):
            typer.echo(f"newsflow: {cli_why.UNKNOWN.format(id=article_id)}", err=True)
            raise typer.Exit(1)


from workers.cli.feeds import feeds_app  # noqa: E402 (listed after the main commands)

app.add_typer(feeds_app, name="feeds")

from workers.cli.entities import entities as entities_command  # noqa: E402

app.command(name="entities")(entities_command)
