"""Fixtures of the runtime tests: the process's services on the session's Redis."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def keys():
    """Every key and stream name of the session's prefix."""
    from workers.keys import Keys

    return Keys(os.environ["NEWSFLOW_PREFIX"])


@pytest.fixture
def services(redis_client):
    """This process's services (on the broker's client), on a freshly emptied Redis."""
    from workers.services import process_services

    return process_services()


@pytest.fixture
def intake(services):
    """Queues inputs for the first stage, as the watcher and `ingest` do."""
    from workers.stages.chain import start

    return services.intake(start)
