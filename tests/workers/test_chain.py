"""The stage chain is declared once (workers/stages/chain.py): every actor, `status`'s rows
and the README's stage list follow it."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import dramatiq

import workers.stages
from workers.runtime.broker import broker
from workers.stages import chain

README = Path(__file__).resolve().parents[2] / "README.md"


def every_stage_module() -> None:
    """Import every module of workers/stages/, listed in the chain or not."""
    for module in pkgutil.iter_modules(workers.stages.__path__):
        importlib.import_module(f"workers.stages.{module.name}")


def test_every_declared_actor_has_a_queue_in_the_chain():
    """A stage module whose queue is not in the chain (so `status` has no row for it) fails."""
    every_stage_module()
    queues = {broker.get_actor(name).queue_name for name in broker.get_declared_actors()}
    assert queues == set(chain.QUEUES)


def test_each_stage_is_an_actor_of_its_name_on_its_queue():
    """Messages are sent by stage name: the actor and its queue must both carry it."""
    chain.declare_actors()
    for stage in chain.STAGES:
        assert broker.get_actor(stage).queue_name == stage


def test_every_actor_is_on_newsflows_broker():
    """An actor declared before the broker is built would fall back on dramatiq's default
    Redis at localhost:6379, someone else's server."""
    every_stage_module()
    assert dramatiq.get_broker() is broker
    assert all(broker.get_actor(name).broker is broker for name in broker.get_declared_actors())


def test_successors_follow_the_declared_order():
    following = [chain.successor(stage) for stage in chain.STAGES]
    assert following == [*chain.STAGES[1:], None]


def test_status_shows_a_row_per_queue(services, capsys):
    """`newsflow status` lists every stage of the chain and the bury queue, in order."""
    from workers.cli.status import print_status

    print_status(services)
    table = capsys.readouterr().out
    rows = [line.split("│")[1].strip() for line in table.splitlines() if line.count("│") > 2]
    assert [row for row in rows if row in chain.QUEUES] == list(chain.QUEUES)


def test_readme_names_the_stages_in_order():
    """The README's "One queue per stage (a → b → …)" is the chain."""
    found = re.search(r"One queue per stage \(([^)]*)\)", README.read_text(encoding="utf-8"))
    assert found is not None
    assert tuple(s.strip() for s in found.group(1).split("→")) == chain.STAGES
