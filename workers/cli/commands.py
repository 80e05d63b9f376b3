"""The click classes behind `newsflow`: commands whose modules are imported only to run
them, and help that names each option's value instead of printing typer's type labels.

`newsflow --help` has to list every command; importing `feeds` or `entities` for that
would load Redis, feedparser and trafilatura (about a second) to print one line each.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


@dataclass(frozen=True)
class LazyCommand:
    """A command defined in a module of its own, imported when it is run."""

    module: str
    #: A typer.Typer (a group of commands) or a command function.
    attribute: str
    #: Its line in `newsflow --help`.
    help: str


#: Commands listed in `newsflow --help` before their modules are imported, in this order.
LAZY_COMMANDS = {
    "entities": LazyCommand(
        "workers.cli.entities",
        "entities",
        "List the entities named in most articles, or show one with its spellings.",
    ),
    "feeds": LazyCommand(
        "workers.cli.feeds", "feeds_app", "The feeds the poller polls (kept in Redis)."
    ),
    "reprocess": LazyCommand(
        "workers.cli.reprocess",
        "reprocess",
        "Run inputs again with today's code and settings; each new record replaces the old.",
    ),
}


class QuietArgument(TyperArgument):
    """An argument shown by its name alone (`PATHS...`), not `{paths}... <list[str]>`."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [self.metavar if self.required else f"[{self.metavar}]"]


def quiet_params(params: list[Any]) -> None:
    """Show flags bare, options with a value by a name for it, arguments by their name."""
    for param in params:
        if isinstance(param, TyperArgument) and not isinstance(param, QuietArgument):
            # typer offers no way to choose an argument's class: this one only changes
            # how it is shown.
            param.__class__ = QuietArgument
            name = (param.metavar or param.name or "value").upper()
            param.metavar = f"{name}..." if param.nargs != 1 else name
        elif isinstance(param, TyperOption):
            if param.metavar is None:
                param.metavar = "" if param.is_flag else (param.name or "value").upper()
            if param.is_flag and param.default is None:
                # An unset --help is None, which typer coerces through pydantic: 0.2 s of
                # imports before any command's own --help could be shown.
                param.default = False


class QuietCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        quiet_params(params)
        return params


class QuietGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        quiet_params(params)
        return params


class Placeholder(QuietCommand):
    """A lazy command's line in the command list, until it is run."""


class NewsflowGroup(QuietGroup):
    """The `newsflow` group: the commands of LAZY_COMMANDS are imported when resolved."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name, lazy in LAZY_COMMANDS.items():
            self.commands.setdefault(name, Placeholder(name=name, help=lazy.help))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command with its whole first sentence, wrapped, where click would cut it
        to fit one line."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                summary = inspect.cleandoc(command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(summary.split())))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[Any, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, Placeholder):
            command = self.commands[name] = load(name, LAZY_COMMANDS[name])
        return name, command, rest


def load(name: str, lazy: LazyCommand) -> Any:
    """The click command of a lazy one, shown as quietly as the others."""
    target = getattr(importlib.import_module(lazy.module), lazy.attribute)
    if isinstance(target, typer.Typer):
        command: Any = typer.main.get_group(target)  # without completion options of its own
    else:
        single = typer.Typer(add_completion=False)
        single.command(name=name)(target)
        command = typer.main.get_command(single)
    command.name = name
    quiet_tree(command)
    return command


def quiet_tree(command: Any) -> None:
    """Give a command built elsewhere, and its subcommands, the quiet help of QuietCommand."""
    command.rich_markup_mode = None  # plain, as the commands of workers/cli/app.py
    if isinstance(command, TyperGroup):
        command.__class__ = QuietGroup
        for sub in command.commands.values():
            quiet_tree(sub)
    elif isinstance(command, TyperCommand):
        command.__class__ = QuietCommand
