"""The Dockerfile and docker-compose.yml, read as files (no Docker daemon runs here): the
compose roles are the Procfile's, wait for a healthy Redis and restart; the image runs as a
user of its own, keeps NEWSFLOW_HOME on a volume and installs as .ci/run does. The image's
HEALTHCHECK command itself is run against a real HTTP server on loopback."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.workers.http_server import loopback_server
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
#: Redis memory per published article, all key families together, as measured by
#: benchmarks/bench_redis_memory.py: what the compose file's maxmemory is derived from.
ENTRY_BYTES = 16_900
#: A `dead` entry: an id, a stage, one line of reason, a source.
DEAD_ENTRY_BYTES = 500


def default(setting: str) -> float:
    """A setting's default: what the compose file runs with, whatever this process's env."""
    return Settings.model_fields[setting].default


def procfile_roles() -> dict[str, list[str]]:
    roles = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            roles[name.strip()] = shlex.split(command)
    return roles


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def image_env() -> dict[str, str]:
    env = {}
    for keyword, arguments in dockerfile():
        if keyword == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(arguments))
    return env


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def roles(compose) -> dict[str, dict]:
    return {name: s for name, s in compose["services"].items() if name != "redis"}


def test_compose_runs_the_procfile_roles_with_their_commands(roles):
    """One service per Procfile line, running exactly that line's command."""
    expected = procfile_roles()
    assert sorted(roles) == sorted(expected)
    for name, service in roles.items():
        assert service["command"] == expected[name], name
        assert service["build"] == "." and service["image"] == "newsflow", name


def test_every_role_waits_for_a_healthy_redis_and_restarts(compose, roles):
    redis_service = compose["services"]["redis"]
    assert redis_service["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for name, service in compose["services"].items():
        assert service["restart"] == "unless-stopped", name
    for name, service in roles.items():
        assert service["depends_on"] == {"redis": {"condition": "service_healthy"}}, name
        env = service["environment"]
        assert env["NEWSFLOW_REDIS_URL"].startswith("redis://redis:"), name
        assert str(env["NEWSFLOW_METRICS_PORT"]).isdigit(), name


def test_data_is_on_named_volumes(compose, roles):
    """Redis's data and every role's NEWSFLOW_HOME are named volumes; the files the watcher
    queues are at the same path for the workers that read them."""
    declared = set(compose["volumes"])
    mounts = {
        name: dict(v.split(":")[:2] for v in service.get("volumes", []))
        for name, service in compose["services"].items()
    }
    assert mounts["redis"]["redis-data"] == "/data"
    home = image_env()["NEWSFLOW_HOME"]
    for name in roles:
        named = {source for source in mounts[name] if not source.startswith((".", "/"))}
        assert named <= declared, name
        assert home in [mounts[name][source] for source in named], name
    inbox = roles["watcher"]["environment"]["NEWSFLOW_INBOX"]
    assert mounts["watcher"]["./inbox"] == mounts["worker"]["./inbox"] == inbox


def test_redis_memory_and_persistence_fit_the_stream_cap(compose, roles):
    """AOF on (the contract's guarantees need it), no eviction (a lost done marker breaks
    exactly-once), maxmemory above what a capped stream of articles costs in all; workers get
    the stop grace period to finish their messages."""
    command = compose["services"]["redis"]["command"]
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options["--appendonly"] == "yes"
    assert options["--maxmemory-policy"] == "noeviction"
    number, unit = re.fullmatch(r"(\d+)(gb|mb)", options["--maxmemory"]).groups()
    maxmemory = int(number) * {"gb": 1024**3, "mb": 1024**2}[unit]
    assert maxmemory >= default("stream_maxlen") * (ENTRY_BYTES + DEAD_ENTRY_BYTES)
    grace = roles["worker"]["stop_grace_period"]
    assert int(grace.removesuffix("s")) > default("stop_grace_seconds")


def test_the_image_runs_as_its_own_user_with_home_on_a_volume():
    instructions = dockerfile()
    users = [i for i, (keyword, _) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER: the image would run as root"
    user = instructions[users[-1]][1]
    assert user.split(":")[0] not in ("root", "0")
    runs = [i for i, (keyword, _) in enumerate(instructions) if keyword == "RUN"]
    assert any("useradd" in instructions[i][1] and user in instructions[i][1] for i in runs)
    [volume] = [json.loads(args) for keyword, args in instructions if keyword == "VOLUME"]
    assert image_env()["NEWSFLOW_HOME"] in volume


def test_the_image_installs_as_ci_does():
    """.ci/run and the image both install through scripts/install.sh, whose requirements
    (the hash-pinned model) the image copies; nothing copied is kept out by .dockerignore."""
    assert "bash scripts/install.sh" in (ROOT / ".ci" / "run").read_text()
    instructions = dockerfile()
    assert any(k == "RUN" and "bash scripts/install.sh" in a for k, a in instructions)
    sources = [s for k, a in instructions if k == "COPY" for s in shlex.split(a)[:-1]]
    install = (ROOT / "scripts" / "install.sh").read_text()
    for needed in re.findall(r"-r (\S+)", install):
        assert any(needed == s or needed.startswith(s + "/") for s in sources), needed
    assert "--require-hashes" in install
    ignored = [
        line.strip().rstrip("/").removeprefix("**/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, p) for p in ignored), source
    for secret in (".env", ".venv", ".git"):
        assert any(fnmatch.fnmatch(secret, p) for p in ignored), secret


def healthcheck_command() -> list[str]:
    [arguments] = [a for k, a in dockerfile() if k == "HEALTHCHECK"]
    command = json.loads(arguments.split(" CMD ", 1)[1])
    assert command[0] == "python"
    return [sys.executable, *command[1:]]


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_healthcheck_asks_the_metrics_port(status, healthy):
    """The HEALTHCHECK command passes on a 200 from /healthz on NEWSFLOW_METRICS_PORT and
    fails on anything else, never going through a proxy."""
    with loopback_server() as server:
        server.route("/healthz", body=b"ok", status=status, content_type="text/plain")
        port = server.base.rsplit(":", 1)[1]
        env = {"NEWSFLOW_METRICS_PORT": port, "http_proxy": "http://127.0.0.1:9"}
        result = subprocess.run(healthcheck_command(), env=env, capture_output=True, timeout=30)
        assert (result.returncode == 0) is healthy, result.stderr
        assert [r.path for r in server.requests] == ["/healthz"]


def test_healthcheck_fails_when_nothing_listens():
    with loopback_server() as server:
        port = server.base.rsplit(":", 1)[1]
    result = subprocess.run(
        healthcheck_command(), env={"NEWSFLOW_METRICS_PORT": port}, capture_output=True, timeout=30
    )
    assert result.returncode != 0
