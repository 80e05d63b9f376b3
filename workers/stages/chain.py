"""The order of the stages, declared once.

An input enters the first stage; each stage stores its work and hands the article
id to the next; the last one publishes. A stage is a dramatiq actor of the stage's
name on a queue of the same name, so a message is sent by name and nothing here
needs the actors themselves (an input process sends without declaring them).
`newsflow status` shows a row per stage from this list, and the README's stage list
is checked against it (tests/workers/test_chain.py).
"""

from __future__ import annotations

import importlib
from typing import Any

import dramatiq

from workers.runtime.broker import broker

#: The stages in order.
STAGES = ("extract", "entities", "dedup", "publish")
#: The queue of the actor that writes a message whose retries ran out to `dead`.
BURY_QUEUE = "bury"
#: Every queue newsflow's workers consume, in the order `status` shows them.
QUEUES = (*STAGES, BURY_QUEUE)


def declare_actors() -> None:
    """Declare every stage's actor on the broker: a worker process consumes them all.

    Each queue's actor lives in the module of that name (``workers/stages/<queue>.py``).
    """
    for queue in QUEUES:
        importlib.import_module(f"workers.stages.{queue}")


def warm_up(queues: list[str] | None = None) -> None:
    """Make ready what the stages of ``queues`` (default: all) need before the first message:
    a stage module may have a ``warm_up()`` for what is slow to load."""
    for queue in [q for q in queues or QUEUES if q in QUEUES]:
        module = importlib.import_module(f"workers.stages.{queue}")
        warm = getattr(module, "warm_up", None)
        if warm is not None:
            warm()


def successor(stage: str) -> str | None:
    """The stage after ``stage``; None after the last."""
    position = STAGES.index(stage) + 1
    return STAGES[position] if position < len(STAGES) else None


def pass_on(stage: str, article_id: str) -> None:
    """Hand the article to the stage after ``stage`` (nothing after the last)."""
    following = successor(stage)
    if following is not None:
        _send(following, article_id)


def start(
    article_id: str, source: dict[str, Any], ingested_at: str, meta: dict[str, Any] | None = None
) -> None:
    """Queue a new input for the first stage (``meta``: a feed item's title and date)."""
    _send(STAGES[0], article_id, source, ingested_at, *([meta] if meta else []))


def _send(stage: str, *args: Any) -> None:
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name=stage, actor_name=stage, args=args, kwargs={}, options={}
    )
    broker.enqueue(message)
