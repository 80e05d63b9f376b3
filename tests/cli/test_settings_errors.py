"""A bad setting gives one line naming the variable, the value and what it accepts, and
exit status 2, from every entry point: `newsflow <command>` and the Procfile's roles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import NEWSFLOW, clean_env

FEED_INTERVAL = (
    "newsflow: NEWSFLOW_FEED_INTERVAL='15m' is not valid: "
    "a whole number of seconds above 0 (e.g. 900)"
)


def run_in(cwd: Path, argv: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` with no NEWSFLOW_ settings but ``variables``."""
    return subprocess.run(
        argv, cwd=cwd, env=clean_env(**variables), capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("command", "variable", "value", "line"),
    [
        (
            ["status"],
            "NEWSFLOW_LOG_LEVEL",
            "verbose",
            "newsflow: NEWSFLOW_LOG_LEVEL='verbose' is not valid: "
            "one of DEBUG, INFO, WARNING, ERROR (any case)",
        ),
        (["tail"], "NEWSFLOW_FEED_INTERVAL", "15m", FEED_INTERVAL),
        (
            ["feeds", "list"],
            "NEWSFLOW_NEAR_DUPLICATE_THRESHOLD",
            "1.5",
            "newsflow: NEWSFLOW_NEAR_DUPLICATE_THRESHOLD='1.5' is not valid: "
            "a number from 0 to 1 (e.g. 0.8)",
        ),
        (
            ["config"],
            "NEWSFLOW_FETCH_HOST_CONCURRENCY",
            "0",
            "newsflow: NEWSFLOW_FETCH_HOST_CONCURRENCY='0' is not valid: "
            "a whole number above 0 (e.g. 2)",
        ),
        (
            ["ingest", "somewhere"],
            "NEWSFLOW_REDIS_URL",
            "http://reader:hunter2@db.example/0",
            "newsflow: NEWSFLOW_REDIS_URL='http://reader:***@db.example/0' is not valid: "
            "a redis://, rediss:// or unix:// URL, or empty for the embedded Redis",
        ),
        (
            ["run"],
            "NEWSFLOW_FETCH_ROBOTS",
            "maybe",
            "newsflow: NEWSFLOW_FETCH_ROBOTS='maybe' is not valid: true or false",
        ),
    ],
)
def test_a_bad_value_is_one_line_and_exit_2(tmp_path, command, variable, value, line) -> None:
    result = run_in(tmp_path, [*NEWSFLOW, *command], **{variable: value})
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [line], "")
    assert not (tmp_path / ".newsflow").exists()  # refused before any Redis was started


@pytest.mark.parametrize("role", ["workers.worker", "workers.watcher", "workers.rss_poller"])
def test_the_procfile_roles_refuse_a_bad_value_alike(tmp_path, role) -> None:
    result = run_in(tmp_path, [sys.executable, "-m", role], NEWSFLOW_FEED_INTERVAL="15m")
    assert (result.returncode, result.stderr.splitlines()) == (2, [FEED_INTERVAL])


def test_a_bad_value_in_the_env_file_names_the_file(tmp_path) -> None:
    (tmp_path / ".env").write_text("NEWSFLOW_PREFIX=mine\nNEWSFLOW_SETTLE_SECONDS=-1\n")
    result = run_in(tmp_path, [*NEWSFLOW, "status"])
    assert (result.returncode, result.stderr.splitlines()) == (
        2,
        [
            f"newsflow: NEWSFLOW_SETTLE_SECONDS='-1' in {tmp_path / '.env'} is not valid: "
            "a number of seconds, 0 or more (e.g. 1)"
        ],
    )


def test_every_bad_value_gets_its_line_and_the_environment_wins_over_the_file(tmp_path) -> None:
    (tmp_path / ".env").write_text("NEWSFLOW_LOG_LEVEL=loud\nNEWSFLOW_FEED_INTERVAL=600\n")
    result = run_in(tmp_path, [*NEWSFLOW, "why", "abc"], NEWSFLOW_FEED_INTERVAL="15m")
    assert result.returncode == 2
    assert sorted(result.stderr.splitlines()) == [
        FEED_INTERVAL,
        f"newsflow: NEWSFLOW_LOG_LEVEL='loud' in {tmp_path / '.env'} is not valid: "
        "one of DEBUG, INFO, WARNING, ERROR (any case)",
    ]
