"""How long the fuzz tests run: a short derandomised run by default (CI), and as many
random examples per target as ``NEWSFLOW_FUZZ_EXAMPLES`` says for a long run.

The default run replays the same generated inputs every time, so a red CI names a
change in the code, never a lucky draw; the regression ``@example``s always run.
Nothing is written into the project: Hypothesis keeps no example database here.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Examples per target for a long run; unset or 0 for the short default run.
LONG_EXAMPLES = int(os.environ.get("NEWSFLOW_FUZZ_EXAMPLES") or 0)

settings.register_profile(
    "newsflow-fuzz",
    deadline=None,  # extraction of one real page can take a second on a busy machine
    database=None,
    derandomize=not LONG_EXAMPLES,
    print_blob=True,
    # Generated pages and feeds are big and slow by design.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(short: int) -> settings:
    """The settings of one fuzz target: ``short`` examples in the default run."""
    return settings(settings.get_profile("newsflow-fuzz"), max_examples=LONG_EXAMPLES or short)
