"""The house rules that a tool checks: ruff on everything (every noqa still needed), and
mypy strict on pipelines/ (pyproject.toml holds both configurations)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_finds_nothing():
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-3000:]


def test_pipelines_type_check_strictly():
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-3000:]
