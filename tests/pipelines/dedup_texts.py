"""Texts the dedup tests compare: an invented sentence and real articles with some of
their sentences dropped. (The real articles come from the fixtures in conftest.py.)"""

from __future__ import annotations

import random
import re

FOX = "The quick brown fox jumps over the lazy dog by the river bank at dawn."


def edit_sentences(text: str, fraction: float, seed: int) -> str:
    """The text with ``fraction`` of its sentences (at least one) dropped."""
    sentences = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    rng = random.Random(seed)
    dropped = set(rng.sample(range(len(sentences)), max(1, round(fraction * len(sentences)))))
    return "\n".join(s for i, s in enumerate(sentences) if i not in dropped)
