"""Fixtures shared by the pipeline tests: the named-entity recognizer, loaded once per run,
and the real article texts the dedup tests compare, read where they lie in shared/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.dedup.minhash import shingles
from pipelines.entities.recognizer import EntityRecognizer
from tests.conftest import shared_files


@pytest.fixture(scope="session")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer()


@pytest.fixture(scope="session")
def seed_texts(seeds: list[Path]) -> list[str]:
    """The plain-text seed articles (500 to 2,200 words each)."""
    return [p.read_text("utf-8") for p in seeds]


@pytest.fixture(scope="session")
def eval_texts() -> list[str]:
    """The 181 human-made article bodies of the extraction evaluation set."""
    paths = shared_files("eval", "extraction", pattern="*.json")
    return [json.loads(p.read_text("utf-8"))["text"] for p in paths]


@pytest.fixture(scope="session")
def long_eval_texts(eval_texts: list[str]) -> list[str]:
    """Twenty evaluation texts of at least 300 shingles, where one edit is a small change."""
    return [t for t in eval_texts if len(shingles(t, 5)) >= 300][:20]
