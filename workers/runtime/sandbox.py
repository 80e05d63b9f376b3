"""Run HTML extraction in child processes that can be killed at a time limit.

trafilatura's own timeout applies only to its command line, and dramatiq's time
limit raises an exception in the worker thread, which cannot interrupt lxml busy
in C. So the extract stage hands each page to a child process: the bytes go in,
an ``Extracted`` (or the child's ``Rejected``) comes back. A child that has not
answered within the limit is killed and replaced, and the page goes to `dead`
as too slow; the worker thread is free again at once.

Children are started with the 'forkserver' method (never a fork of a threaded
worker), import the extractor once, serve page after page and are kept idle for
reuse, so the cost per page is pickling the bytes and the result. Each child also
caps its own address space, so a page that makes lxml allocate without bound ends
as a ``MemoryError`` in the child and a ``Rejected`` here, not as a worker killed
by the kernel.
"""

from __future__ import annotations

import importlib
import multiprocessing
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from pipelines.article import Rejected

#: What the children run unless told otherwise: "module:function".
EXTRACT = "pipelines.extract.extractor:extract"

#: A child serves this many pages, then is replaced (lxml's memory only grows).
MAX_TASKS_PER_CHILD = 500

_context = multiprocessing.get_context("forkserver")
# The fork server imports the extractor once; every child forked from it starts warm.
_context.set_forkserver_preload(["pipelines.extract.extractor"])


class SandboxCrashed(RuntimeError):
    """The child died without an answer (a segfault, a kill from outside).

    Not a rejection: the cause may lie outside the page, so the stage retries and
    buries the page only when every attempt ends so.
    """


@dataclass(slots=True)
class _Child:
    process: BaseProcess
    conn: Connection
    tasks: int = 0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def close(self) -> None:
        self.conn.close()  # the child sees EOF and exits
        self.process.join(5)
        if self.process.is_alive():
            self.kill()


@dataclass
class Sandbox:
    """A small pool of reusable extraction processes with a per-call time limit.

    ``timeout``: seconds a call may take; ``idle``: children kept for reuse (one per
    worker thread is right: a call that finds none idle starts one);
    ``memory_mb``: the address-space cap of each child, None for none;
    ``target``: the "module:function" the children call, ``pipelines.extract.extractor.extract``
    by default.
    """

    timeout: float = 30.0
    idle: int = 2
    memory_mb: int | None = 2048
    target: str = EXTRACT
    max_tasks: int = MAX_TASKS_PER_CHILD
    _idle: list[_Child] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __call__(self, *args: Any) -> Any:
        """``target(*args)`` in a child: its result, or the ``Rejected`` it raised.

        Raises:
            Rejected: the target rejected the input, ran out of memory, or took
                longer than ``timeout`` (the child is then killed).
            SandboxCrashed: the child died without answering.
            RuntimeError: the target raised any other exception (retryable).
        """
        child = self._checkout()
        try:
            child.conn.send(args)
            if not child.conn.poll(self.timeout):
                child.kill()
                raise Rejected(
                    f"too slow: extraction took over {self.timeout:g} s (NEWSFLOW_EXTRACT_TIMEOUT)"
                )
            status, value = child.conn.recv()
        except (EOFError, OSError) as err:
            code = child.process.exitcode
            child.kill()
            raise SandboxCrashed(f"extraction process died (exit code {code})") from err
        except BaseException:
            # dramatiq's time limit, a pickling error...: the child may be mid-page, so it
            # can serve no one else; kill it rather than leave it behind.
            child.kill()
            raise
        child.tasks += 1
        self._checkin(child)
        if status == "ok":
            return value
        if status == "rejected":
            raise Rejected(value)
        raise RuntimeError(value)

    def warm_up(self) -> None:
        """Start a child now, so that the first page does not wait (and stay exposed to a
        kill of the worker) while the fork server starts and imports the extractor."""
        self._checkin(self._checkout())

    def close(self) -> None:
        """Stop the idle children (a call in flight keeps its own until it ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.close()

    def children(self) -> list[int]:
        """The pids of the idle children (for tests and diagnostics)."""
        with self._lock:
            return [child.process.pid for child in self._idle if child.process.pid]

    def _checkout(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.process.is_alive():
                    return child
                child.conn.close()
        return self._start()

    def _checkin(self, child: _Child) -> None:
        with self._lock:
            if child.tasks < self.max_tasks and len(self._idle) < self.idle:
                self._idle.append(child)
                return
        child.close()

    def _start(self) -> _Child:
        parent_end, child_end = _context.Pipe()
        process = _context.Process(
            target=_serve,
            args=(child_end, self.target, self.memory_mb),
            name="newsflow-extract",
            daemon=True,
        )
        process.start()
        child_end.close()
        return _Child(process, parent_end)


def _serve(conn: Connection, target: str, memory_mb: int | None) -> None:
    """The child's loop: call ``target`` on each request until the parent hangs up."""
    if memory_mb is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    function = _resolve(target)
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_call(function, args, memory_mb))


def _call(function: Callable[..., Any], args: tuple[Any, ...], memory_mb: int | None) -> tuple:
    try:
        return "ok", function(*args)
    except Rejected as rejection:
        return "rejected", rejection.reason
    except MemoryError:
        return "rejected", (
            f"too large: extraction needed more than {memory_mb} MB of memory"
            " (NEWSFLOW_EXTRACT_MEMORY_MB)"
        )
    except Exception as err:  # reported to the parent, which re-raises it
        return "error", f"{type(err).__name__}: {err}"


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)
