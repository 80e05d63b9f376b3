"""Test-only extraction functions for tests/workers/test_sandbox.py.

They live in a module of their own because the sandbox's children import their
target by name ("module:function"), as they import pipelines.extract.extractor.extract.
"""

from __future__ import annotations

import os
import re
import signal
import time

from pipelines.article import Extracted, Rejected


def sleepy(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """Sleeps for the number of seconds the input names, then extracts it verbatim."""
    time.sleep(float(data))
    return Extracted(text=data.decode(), url=url)


def awake_between(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """Sleeps as ``sleepy`` does; says when it started and ended, and in which process."""
    start = time.time()
    time.sleep(float(data))
    return Extracted(text=f"{start} {time.time()} {os.getpid()}")


def backtracking(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """A regex with catastrophic backtracking: seconds or hours inside one C call,
    which no signal handler or dramatiq time limit can interrupt."""
    match = re.match(r"(a+)+$", data.decode())
    return Extracted(text=str(bool(match)))


def hoarder(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """Allocates as many gigabytes as the input names (a memory bomb)."""
    hoard = bytearray(int(data) * 1024**3)
    return Extracted(text=str(len(hoard)))


def suicidal(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """Dies by SIGKILL, as a segfaulting parser or the kernel's OOM killer would end it."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def failing(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """Raises an ordinary bug-like exception."""
    raise KeyError("lost")


def rejecting(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    raise Rejected("no article found: test")


def pid(data: bytes, kind: str, url: str | None, max_bytes: int) -> Extracted:
    """The child's process id, to see children reused or replaced."""
    return Extracted(text=str(os.getpid()))
