"""`newsflow config`: every effective setting with where it came from, the Redis password
masked, as NAME=value lines or one JSON object."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson

from tests.cli.helpers import NEWSFLOW, clean_env

REDIS_URL = "redis://reader:s3cret@db.example:6390/2"


def config_in(cwd: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSFLOW, "config", *args],
        cwd=cwd,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def with_env_file(folder: Path) -> Path:
    (folder / ".env").write_text("NEWSFLOW_FEED_INTERVAL=600\nNEWSFLOW_PREFIX=fromfile\n")
    return folder


def test_lines_say_where_each_value_came_from(tmp_path) -> None:
    from workers.settings import Settings

    result = config_in(
        with_env_file(tmp_path),
        NEWSFLOW_PREFIX="fromenv",
        NEWSFLOW_REDIS_URL=REDIS_URL,
        NEWSFLOW_LOG_LEVEL="debug",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(Settings.model_fields)
    for line in (
        "NEWSFLOW_REDIS_URL=redis://reader:***@db.example:6390/2  # environment",
        "NEWSFLOW_PREFIX=fromenv  # environment",
        "NEWSFLOW_FEED_INTERVAL=600  # .env",
        "NEWSFLOW_LOG_LEVEL=DEBUG  # environment",
        "NEWSFLOW_MAX_BYTES=10000000  # default",
        "NEWSFLOW_FETCH_ROBOTS=true  # default",
    ):
        assert line in lines
    assert "s3cret" not in result.stdout + result.stderr


def test_json_for_machines(tmp_path) -> None:
    result = config_in(
        with_env_file(tmp_path),
        "--json",
        NEWSFLOW_REDIS_URL="unix:///run/redis.sock?db=1&password=s3cret",
    )
    assert result.returncode == 0, result.stderr
    settings = orjson.loads(result.stdout)
    assert settings["NEWSFLOW_REDIS_URL"] == {
        "value": "unix:///run/redis.sock?db=1&password=***",
        "source": "environment",
    }
    assert settings["NEWSFLOW_FEED_INTERVAL"] == {"value": 600, "source": ".env"}
    assert settings["NEWSFLOW_PREFIX"] == {"value": "fromfile", "source": ".env"}
    assert settings["NEWSFLOW_NEAR_DUPLICATE_THRESHOLD"] == {"value": 0.8, "source": "default"}
    assert settings["NEWSFLOW_FETCH_ROBOTS"] == {"value": True, "source": "default"}
    assert "s3cret" not in result.stdout


def test_an_unset_redis_url_is_empty(tmp_path) -> None:
    result = config_in(tmp_path)
    assert "NEWSFLOW_REDIS_URL=  # default" in result.stdout.splitlines()
