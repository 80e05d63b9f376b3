"""What every command shares: its services on a reachable Redis, and a one-line failure.

Light to import (redis and the services are imported when first used): `newsflow --help`
loads this module and should not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from workers.services import Services


def services_for_command() -> Services:
    """The command's services on its own connection (nothing is checked yet)."""
    from workers.runtime.connection import connect
    from workers.services import Services
    from workers.settings import get_settings

    settings = get_settings()
    return Services(settings, connect(settings))


def reachable_services() -> Services:
    """The command's services, once Redis answered; else exit 2 saying what to do."""
    import redis

    services = services_for_command()
    try:
        services.client.ping()
    except redis.RedisError as error:
        fail(f"cannot reach Redis ({error}): check NEWSFLOW_REDIS_URL or start `newsflow run`")
    return services


def fail(message: str) -> NoReturn:
    typer.echo(f"newsflow: {message}", err=True)
    raise typer.Exit(2)
