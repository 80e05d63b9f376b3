"""Hypothesis keeps its caches (the character tables, the constants it collects from the
code under test) outside the project: in the system's temporary folder. The function is
not in Hypothesis's documented API: should it go, the caches land in `.hypothesis/`, which
git ignores."""

from __future__ import annotations

import tempfile
from pathlib import Path

try:
    from hypothesis.configuration import set_hypothesis_home_dir
except ImportError:  # pragma: no cover - a Hypothesis without it
    pass
else:
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newsflow-hypothesis")
