"""Hypothesis keeps its caches (the character tables, the constants it collects from the
code under test) outside the project: in the system's temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newsflow-hypothesis")
