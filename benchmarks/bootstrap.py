"""A 95% interval of a figure measured on a few dozen items (pages, documents), from
resamples of the items with replacement: how far the figure can be trusted."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def interval(
    items: Sequence[Item],
    statistic: Callable[[list[Item]], float],
    rounds: int = 2_000,
    seed: int = 7,
) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of ``statistic`` over ``rounds`` resamples of
    ``items``; the same seed draws the same resamples, so two figures of one set of items
    are measured on the same samples."""
    rng = random.Random(seed)
    values = sorted(statistic([rng.choice(items) for _ in items]) for _ in range(rounds))
    return values[int(0.025 * rounds)], values[min(rounds - 1, int(0.975 * rounds))]
