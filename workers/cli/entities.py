"""`newsflow entities [--top N] [KEY]`: the shared entity registry, as JSON lines on stdout.

Without KEY: the N entities named in most articles, one line each (key, name, label,
articles, mentions, first_seen, first_article). With KEY (an entity key such as
``person:lavrov``, or a key one of its spellings would get, such as ``gpe:kiev``): that
entity with its spellings and their mention counts. JSON lines whether or not stdout is
a terminal, so `| jq` always works; exit status 1 when KEY is unknown.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

if TYPE_CHECKING:  # imported by the command itself: `entities --help` needs no Redis
    from workers.state.entity_registry import EntityRegistry


def entities(
    key: Annotated[str | None, typer.Argument(help="An entity key, e.g. person:lavrov.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many entities to list.")] = 20,
) -> None:
    """List the entities named in most articles, or show one with its spellings."""
    from workers.cli.common import reachable_services
    from workers.runtime.connection import redis_for_command
    from workers.settings import get_settings

    with redis_for_command(get_settings()):
        code = print_entities(reachable_services().entity_registry, key, top)
    raise typer.Exit(code)


def print_entities(registry: EntityRegistry, key: str | None, top: int) -> int:
    """Write the listing (or the one entity) to stdout; the exit status."""
    if key is None:
        rows = registry.top(top)
    else:
        found = registry.show(key)
        if found is None:
            typer.echo(f"newsflow: no entity {key!r} in the registry", err=True)
            return 1
        rows = [found]
    for row in rows:
        sys.stdout.buffer.write(orjson.dumps(row) + b"\n")
    sys.stdout.flush()
    return 0
