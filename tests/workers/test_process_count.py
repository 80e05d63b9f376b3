"""How many worker processes `newsflow run` starts: one per usable core, as far as the
available memory holds them at about 300 MB each, unless told; and the line saying so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from tests.cli.helpers import NEWSFLOW, REPO, clean_env
from workers.runtime.supervisor import (
    WORKER_MEMORY_BYTES,
    available_memory,
    default_processes,
    usable_cores,
)

MB = 2**20


@pytest.mark.parametrize(
    ("cores", "available_mb", "chosen", "memory_bound"),
    [
        (8, 32_000, 8, 106),  # plenty of memory: one per core
        (8, 1_000, 3, 3),  # 1 GB holds three workers of 300 MB
        (2, 600, 2, 2),
        (2, 599, 1, 1),
        (4, 100, 1, 1),  # never fewer than one
        (1, 32_000, 1, 106),
        (0, 32_000, 1, 106),  # no core reported: still one
    ],
)
def test_one_process_per_core_within_memory(
    cores: int, available_mb: int, chosen: int, memory_bound: int
) -> None:
    count = default_processes(cores, available_mb * MB)
    assert (count.chosen, count.memory_bound) == (chosen, memory_bound)
    assert count.cores == max(1, cores)
    assert count.reason == (
        "bounded by available memory" if chosen < max(1, cores) else "one per core"
    )


def test_unknown_memory_means_one_per_core() -> None:
    count = default_processes(6, None)
    assert (count.chosen, count.memory_bound) == (6, None)
    assert "unknown" in count.reason


def test_available_memory_reads_memavailable_and_the_cgroup_limit(tmp_path: Path) -> None:
    meminfo, cgroup = tmp_path / "meminfo", tmp_path / "cgroup"
    cgroup.mkdir()
    meminfo.write_text("MemTotal:       24684580 kB\nMemAvailable:   1024000 kB\n")
    assert available_memory(meminfo, cgroup) == 1024000 * 1024
    (cgroup / "memory.max").write_text("max\n")
    assert available_memory(meminfo, cgroup) == 1024000 * 1024  # no container limit
    (cgroup / "memory.max").write_text(f"{900 * MB}\n")
    (cgroup / "memory.current").write_text(f"{200 * MB}\n")
    assert available_memory(meminfo, cgroup) == 700 * MB  # the container leaves less
    meminfo.write_text("MemTotal:       24684580 kB\n")
    assert available_memory(meminfo, cgroup) == 700 * MB
    assert available_memory(tmp_path / "missing", tmp_path / "none") is None


def _start_line(*args: str, **env: str) -> dict:
    """The worker_processes event of a real `newsflow run`, which is then stopped."""
    home = Path(tempfile.mkdtemp(prefix="nf-procs-"))
    (home / "inbox").mkdir()
    process = subprocess.Popen(
        [*NEWSFLOW, "run", "--inbox", str(home / "inbox"), *args],
        cwd=REPO,
        env=clean_env(NEWSFLOW_HOME=str(home / "state"), **env),
        stderr=subprocess.PIPE,
        text=True,
    )
    # A run that never says it would keep the loop below reading: stop it after a while.
    guard = threading.Timer(120, process.terminate)
    guard.start()
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if '"worker_processes"' in line:
                return json.loads(line)
        pytest.fail(f"`newsflow run` did not say how many workers it starts: {process.wait()}")
    finally:
        guard.cancel()
        process.terminate()
        process.wait(timeout=120)
        from workers.runtime.embedded import EmbeddedRedis

        EmbeddedRedis(home / "state").stop()
        shutil.rmtree(home, ignore_errors=True)


def test_run_says_how_many_workers_and_why() -> None:
    line = _start_line()
    cores = len(os.sched_getaffinity(0))
    assert line["cores"] == cores == usable_cores()
    memory = available_memory()
    assert memory is not None and line["memory_bound"] >= 1
    assert abs(line["memory_bound"] - memory // WORKER_MEMORY_BYTES) <= 5  # memory moves
    assert line["chosen"] == min(cores, line["memory_bound"])
    assert line["reason"] in ("one per core", "bounded by available memory")


def test_run_takes_the_count_it_is_given() -> None:
    assert _start_line("--processes", "1")["chosen"] == 1
    line = _start_line(NEWSFLOW_PROCESSES="3")
    assert (line["chosen"], line["reason"]) == (3, "as configured")
