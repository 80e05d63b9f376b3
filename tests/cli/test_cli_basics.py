"""What `newsflow` does before any command runs: --version, help without type labels and
without loading the runtime, shell completion."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version

import pytest

from tests.cli.helpers import NEWSFLOW, clean_env, run_cli

COMMANDS = ["run", "ingest", "tail", "status", "why", "config", "entities", "feeds", "reprocess"]


def test_version_comes_from_the_package_metadata() -> None:
    result = run_cli("--version", env=clean_env())
    assert (result.returncode, result.stdout) == (0, f"newsflow {version('newsflow')}\n")
    assert result.stdout == "newsflow 0.1.0\n"


def test_the_command_list_names_every_command() -> None:
    result = run_cli("--help", env=clean_env())
    assert result.returncode == 0
    listed = re.findall(r"^  (\w+) {2,}", result.stdout.split("Commands:")[1], re.M)
    assert listed == COMMANDS


@pytest.mark.parametrize(
    "command", [[], *([name] for name in COMMANDS), ["feeds", "add"], ["feeds", "list"]]
)
def test_help_shows_options_without_type_labels(command) -> None:
    # Help works even with a bad setting: it needs none.
    result = run_cli(*command, "--help", env=clean_env(NEWSFLOW_LOG_LEVEL="verbose"))
    assert (result.returncode, result.stderr) == (0, "")
    assert "Usage: newsflow" in result.stdout
    assert not re.search(r"<\w[^>]*>|\{\w+\}", result.stdout), result.stdout


@pytest.mark.parametrize("command", [[], ["ingest"], ["run"], ["config"], ["status"]])
def test_help_does_not_load_the_runtime(command) -> None:
    """`-X importtime` lists every module imported: none of the slow ones may be."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workers", *command, "--help"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    imported = set(re.findall(r"\|\s+([\w.]+)\s*$", result.stderr, re.M))
    assert "workers.cli.app" in imported
    heavy = ("trafilatura", "redis", "pydantic", "spacy", "structlog", "rich", "workers.services")
    assert sorted(m for m in imported if m.split(".")[0] in heavy or m in heavy) == []


def test_shell_completion_is_offered_and_answers() -> None:
    assert "--install-completion" in run_cli("--help", env=clean_env()).stdout
    env = clean_env(
        _NEWSFLOW_COMPLETE="complete_bash", COMP_WORDS="newsflow feeds a", COMP_CWORD="2"
    )
    assert subprocess.run(
        [*NEWSFLOW], env=env, capture_output=True, text=True, timeout=60
    ).stdout.split() == ["add"]


@pytest.mark.parametrize("name", ["entities", "feeds"])
def test_a_lazy_command_is_listed_as_it_describes_itself(name) -> None:
    """The command list gives its line before the module is imported: the same words."""
    from workers.cli.commands import LAZY_COMMANDS, load

    lazy = LAZY_COMMANDS[name]
    assert load(name, lazy).help.split("\n\n")[0].strip() == lazy.help
