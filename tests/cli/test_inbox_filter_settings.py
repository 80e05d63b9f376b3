"""The inbox filters from the command line: `newsflow ingest DIR` takes only the files they
let through (a file named on the command line always), and a bad filter setting stops a
command with one line and exit status 2."""

from __future__ import annotations

import os
import subprocess
import time

import orjson
import pytest
import redis

from tests.cli.helpers import NEWSFLOW, clean_env, run_cli, session_env
from workers.keys import Keys

PROSE = "The harbour board met on Tuesday to discuss the new ferry timetable for the winter.\n"


def queued_paths(client: redis.Redis, keys: Keys) -> list[str]:
    """The source paths of the inputs waiting in the extract queue (no worker runs here)."""
    messages = client.hvals(keys.dramatiq_messages("extract"))
    return sorted(orjson.loads(m)["args"][1]["path"] for m in messages)


def test_ingest_of_a_folder_takes_only_the_files_the_filters_let_through(
    redis_client, keys, tmp_path
):
    archive = tmp_path / "archive"
    (archive / "2024" / "drafts").mkdir(parents=True)
    (archive / "2024" / "story.html").write_text(PROSE)
    (archive / "2024" / "drafts" / "draft.html").write_text(PROSE)  # excluded folder
    (archive / "index.json").write_text("{}")  # not included
    old = archive / "2024" / "old.html"
    old.write_text(PROSE)
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    named = tmp_path / "named.json"  # named on the command line: taken though not included
    named.write_text(PROSE)
    env = {
        **session_env(),
        "NEWSFLOW_INBOX_INCLUDE": "*.html",
        "NEWSFLOW_INBOX_EXCLUDE": "drafts/",
        "NEWSFLOW_INBOX_IGNORE_OLDER": "12h",
    }

    result = run_cli("ingest", str(archive), str(named), env=env)

    assert result.returncode == 0, result.stderr
    assert queued_paths(redis_client, keys) == sorted(
        [str(archive.resolve() / "2024" / "story.html"), str(named.resolve())]
    )
    assert redis_client.xlen(keys.dead) == 0


@pytest.mark.parametrize(
    ("variable", "value", "accepts"),
    [
        (
            "NEWSFLOW_INBOX_IGNORE_OLDER",
            "1.5h",
            "a whole number of seconds or one with a unit (90s, 30m, 12h, 7d); 0 for off",
        ),
        (
            "NEWSFLOW_INBOX_IGNORE_OLDER",
            "7 weeks",
            "a whole number of seconds or one with a unit (90s, 30m, 12h, 7d); 0 for off",
        ),
        (
            "NEWSFLOW_INBOX_EXCLUDE",
            "*.json, !",
            "comma-separated gitignore-style patterns (*.html, news/**/*.txt, archive/)",
        ),
    ],
)
def test_a_bad_filter_setting_is_one_line_and_exit_2(tmp_path, variable, value, accepts):
    result = subprocess.run(
        [*NEWSFLOW, "status"],
        cwd=tmp_path,
        env=clean_env(**{variable: value}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = f"newsflow: {variable}={value!r} is not valid: {accepts}"
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (2, [line], "")


def test_an_age_with_a_unit_is_read_as_seconds(tmp_path):
    result = subprocess.run(
        [*NEWSFLOW, "config", "--json"],
        cwd=tmp_path,
        env=clean_env(NEWSFLOW_INBOX_IGNORE_OLDER="7d", NEWSFLOW_INBOX_EXCLUDE="*.json, tmp/"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    settings = orjson.loads(result.stdout)
    assert settings["NEWSFLOW_INBOX_IGNORE_OLDER"] == {"value": 604800, "source": "environment"}
    assert settings["NEWSFLOW_INBOX_EXCLUDE"] == {"value": "*.json, tmp/", "source": "environment"}
