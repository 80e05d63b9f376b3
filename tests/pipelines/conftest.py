"""Fixtures shared by the pipeline tests: the named-entity recognizer, loaded once per run."""

from __future__ import annotations

import pytest

from pipelines.entities.recognizer import EntityRecognizer


@pytest.fixture(scope="session")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer()
