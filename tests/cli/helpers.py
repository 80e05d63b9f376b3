"""Running `newsflow` as a user does: a child process of `python -m workers` (the same entry
point as the installed `newsflow` script), its output captured as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: The command line of `newsflow`, for `subprocess.Popen` (e.g. `newsflow run`, which keeps going).
NEWSFLOW = [sys.executable, "-m", "workers"]


def run_cli(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `newsflow ARGS` to its end, in the repository, with exactly ``env``."""
    return subprocess.run(
        [*NEWSFLOW, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def session_env() -> dict[str, str]:
    """The environment of a command on the session's Redis, under the tests' prefix."""
    return {**os.environ, "NEWSFLOW_PREFIX": "nftest"}


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment without the session's NEWSFLOW_ settings, plus ``variables``:
    a command that finds its Redis as a user's would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    return {**env, **variables}
