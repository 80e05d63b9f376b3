"""`newsflow config`: the effective settings, each with where its value came from.

One `NAME=value  # source` line a setting (source: default, .env or environment), or with
`--json` one object {NAME: {"value", "source"}}. The password of a Redis URL is shown as
`***`: the output is meant to be pasted into an issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import orjson

from workers.settings import env_name, get_settings, shown, sources


def effective_settings() -> dict[str, tuple[Any, str]]:
    """Every setting by its variable name: (value as it may be shown, source)."""
    settings = get_settings()
    origin = sources()
    return {
        env_name(field): (_plain(shown(field, getattr(settings, field))), origin[field])
        for field in type(settings).model_fields
    }


def print_settings(out: TextIO, as_json: bool) -> None:
    effective = effective_settings()
    if as_json:
        document = {
            name: {"value": value, "source": src} for name, (value, src) in effective.items()
        }
        out.write(orjson.dumps(document).decode() + "\n")
        return
    for name, (value, src) in effective.items():
        out.write(f"{name}={_as_text(value)}  # {src}\n")


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
