"""Every input ends exactly once, on `articles` or `dead`, while the roles and Redis are killed.

The Procfile's roles run as real processes on a redis-server this test starts (AOF on, unix
socket only; see tests/faults/harness.py). While a few hundred invented inputs are dropped in
batches (inbox .txt and .html files, a .urls list of loopback pages, loopback RSS items),
workers are SIGKILLed every one to three seconds, the watcher and the poller once each, and
Redis is restarted once with SHUTDOWN and once with SIGKILL. Afterwards every expected id
must be on `articles` or `dead` exactly once, and none on `dead` (every input is valid).

The long run on the same harness is benchmarks/bench_faults.py.
"""

from __future__ import annotations

import pytest

from tests.faults.harness import FaultPlan, FaultRun

#: Inputs of the CI run: 40% .txt, 25% .html, 15% .urls lines, 20% feed items.
INPUTS = 240
#: Dropped in this many batches, one every BATCH_SECONDS: faults hit every phase.
BATCHES = 12
BATCH_SECONDS = 4.0
#: Worker processes (of WORKER_THREADS threads each); one is SIGKILLed every KILL_EVERY s.
WORKERS = 3
WORKER_THREADS = 2
KILL_EVERY = (1.0, 3.0)
#: Worker kills go on this long after the last batch.
KILL_TAIL_SECONDS = 10.0
#: After the last batch, how long every input has to end before the test fails.
COMPLETION_SECONDS = 90.0
#: The roles' NEWSFLOW_HEARTBEAT_TIMEOUT_MS: a killed worker's messages are due back after it.
HEARTBEAT_TIMEOUT_MS = 5000
SEED = 20261123


@pytest.mark.timeout(900)
def test_every_input_ends_exactly_once_under_faults(tmp_path):
    plan = FaultPlan(
        inputs=INPUTS,
        batches=BATCHES,
        batch_seconds=BATCH_SECONDS,
        workers=WORKERS,
        threads=WORKER_THREADS,
        kill_every=KILL_EVERY,
        kill_tail_seconds=KILL_TAIL_SECONDS,
        watcher_kills=1,
        poller_kills=1,
        redis_shutdowns=1,
        redis_kills=1,
        completion_seconds=COMPLETION_SECONDS,
        heartbeat_timeout_ms=HEARTBEAT_TIMEOUT_MS,
        seed=SEED,
    )
    run = FaultRun(plan, tmp_path, progress=print)
    result = run.run()
    print(result.summary())
    if not result.ok:
        run.attach_logs(result)
        pytest.fail(result.report(), pytrace=False)
    assert result.ended == result.inputs
