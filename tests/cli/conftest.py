"""Fixtures of the command-line tests: those of the runtime tests (the process's services and
intake on the session's Redis, the key names), for commands checked against real work."""

from __future__ import annotations

from tests.workers.conftest import intake, keys, services  # noqa: F401 (fixtures, shared)
