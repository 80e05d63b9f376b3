"""The extraction sandbox (workers/runtime/sandbox.py): real child processes, real time limits."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

import pytest

from pipelines.article import Rejected
from pipelines.extract.extractor import extract
from tests.workers.helpers import entries, running_worker, wait_for_entries
from workers.runtime.sandbox import Sandbox, SandboxCrashed

TARGETS = "tests.workers.sandbox_targets"

PAGE = (
    "<html lang='en'><head><title>Pier to be rebuilt</title></head><body><article>"
    "<h1>Pier to be rebuilt</h1>"
    + "".join(
        f"<p>Paragraph {i}: the harbour authority of Westmere confirmed on Tuesday that the "
        "old grain pier will be rebuilt over the next two summers, ending years of argument.</p>"
        for i in range(6)
    )
    + "</article></body></html>"
).encode()


@pytest.fixture
def sandbox_of():
    made: list[Sandbox] = []

    def make(target: str | None = None, **options) -> Sandbox:
        sandbox = Sandbox(target=f"{TARGETS}:{target}" if target else Sandbox.target, **options)
        made.append(sandbox)
        return sandbox

    yield make
    for sandbox in made:
        sandbox.close()


class TestExtraction:
    def test_result_equals_in_process_extraction(self, sandbox_of):
        """A page through the sandbox gives the same Extracted as a direct call."""
        sandbox = sandbox_of(timeout=60)

        assert sandbox(PAGE, "html", "https://w.example/p", 10_000) == extract(
            PAGE, "html", url="https://w.example/p", max_bytes=10_000
        )

    def test_rejection_keeps_its_reason(self, sandbox_of):
        """A Rejected raised in the child reaches the caller with its reason."""
        sandbox = sandbox_of(timeout=60)

        with pytest.raises(Rejected) as err:
            sandbox(b"", "html", None, 10_000)

        assert err.value.reason == "empty input: no bytes"

    def test_other_errors_are_retryable_runtime_errors(self, sandbox_of):
        """A bug in the child is a RuntimeError naming it: retried, not rejected."""
        sandbox = sandbox_of("failing", timeout=60)

        with pytest.raises(RuntimeError, match=r"^KeyError: 'lost'$"):
            sandbox(b"x", "html", None, 10)

    def test_children_are_reused(self, sandbox_of):
        """Calls one after another are served by the same warm child."""
        sandbox = sandbox_of("pid", timeout=60)

        pids = {sandbox(b"", "html", None, 0).text for _ in range(5)}

        assert len(pids) == 1

    def test_a_child_is_replaced_after_max_tasks(self, sandbox_of):
        """A child retires after max_tasks pages, bounding what lxml's heap can grow to."""
        sandbox = sandbox_of("pid", timeout=60, max_tasks=2)

        pids = [sandbox(b"", "html", None, 0).text for _ in range(4)]

        assert pids[0] == pids[1] != pids[2] == pids[3]

    def test_concurrent_calls_get_a_child_each(self, sandbox_of):
        """Two threads calling at once are served at once, by two children."""
        sandbox = sandbox_of("awake_between", timeout=60)
        sandbox(b"0", "html", None, 0)  # one warm child
        spans: list[tuple[float, float, int]] = []

        def call() -> None:
            start, end, pid = sandbox(b"1", "html", None, 0).text.split()
            spans.append((float(start), float(end), int(pid)))

        threads = [threading.Thread(target=call) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        (start_a, end_a, pid_a), (start_b, end_b, pid_b) = spans
        assert pid_a != pid_b
        assert start_a < end_b and start_b < end_a  # side by side, not one after the other


class TestLimits:
    @pytest.mark.timeout(60)
    def test_slow_extraction_is_killed_at_the_limit(self, sandbox_of):
        """A call over the time limit is Rejected as too slow when the limit is up, its
        child is killed, and the sandbox serves the next page with a new child."""
        sandbox = sandbox_of("sleepy", timeout=1)
        sandbox(b"0", "html", None, 0)
        [slow_child] = sandbox.children()

        # The child would sleep an hour: only a kill at the limit ends the call within the
        # test's own 60 s limit.
        with pytest.raises(Rejected) as err:
            sandbox(b"3600", "html", None, 0)

        assert err.value.reason == "too slow: extraction took over 1 s (NEWSFLOW_EXTRACT_TIMEOUT)"
        assert sandbox.children() == []  # killed, not put back
        with pytest.raises(ProcessLookupError):
            os.kill(slow_child, 0)
        assert sandbox(b"0.1", "html", None, 0).text == "0.1"

    @pytest.mark.timeout(60)
    def test_a_call_stuck_in_c_is_killed_too(self, sandbox_of):
        """Catastrophic regex backtracking holds the GIL inside C for hours; the
        child is killed all the same, which no in-process time limit could do."""
        sandbox = sandbox_of("backtracking", timeout=1)

        with pytest.raises(Rejected, match=r"^too slow: "):
            sandbox(b"a" * 64 + b"!", "html", None, 0)

        assert sandbox(b"aaa", "html", None, 0).text == "True"

    @pytest.mark.timeout(60)
    def test_memory_bomb_is_rejected_as_too_large(self, sandbox_of):
        """A call allocating past the child's cap is Rejected; the worker is untouched."""
        sandbox = sandbox_of("hoarder", timeout=30, memory_mb=1024)

        with pytest.raises(Rejected) as err:
            sandbox(b"8", "html", None, 0)

        assert err.value.reason == (
            "too large: extraction needed more than 1024 MB of memory (NEWSFLOW_EXTRACT_MEMORY_MB)"
        )
        assert sandbox(b"0", "html", None, 0).text == "0"

    @pytest.mark.timeout(60)
    def test_entity_bomb_page_is_extracted_small(self, sandbox_of):
        """A real "billion laughs" page through the real extractor under a 1 GB cap:
        nothing is expanded, the page is extracted or rejected, never a crash."""
        from tests.pipelines.extract_helpers import billion_laughs

        sandbox = sandbox_of(timeout=30, memory_mb=1024)

        try:
            text = sandbox(billion_laughs(), "html", None, 10_000_000).text
        except Rejected:
            text = ""

        assert "lollol" not in text and len(text) < 5_000

    @pytest.mark.timeout(60)
    def test_deeply_nested_page_is_handled(self, sandbox_of):
        """200,000 nested <div>s (a parser and recursion stress) end in time, one way or
        the other, and the sandbox stays usable."""
        sandbox = sandbox_of(timeout=20, memory_mb=1024)
        page = b"<html><body>" + b"<div>" * 200_000 + b"<p>deep</p>" + b"</div>" * 200_000

        with contextlib.suppress(Rejected):
            sandbox(page, "html", None, 10_000_000)

        assert sandbox(PAGE, "html", None, 10_000).text

    @pytest.mark.timeout(60)
    def test_dead_child_is_a_crash_and_is_replaced(self, sandbox_of):
        """A child killed mid-call (segfault, OOM killer) raises SandboxCrashed, which the
        stage retries; the next call gets a fresh child."""
        sandbox = sandbox_of("suicidal", timeout=30)

        with pytest.raises(SandboxCrashed, match=r"extraction process died"):
            sandbox(b"", "html", None, 0)

        assert sandbox.children() == []


def test_real_pages_through_the_sandbox(sandbox_of, eval_pages: list[Path]):
    """Real eval pages come back from the children as they do in-process."""
    sandbox = sandbox_of(timeout=60)
    for html_path in eval_pages[:5]:
        url = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))["url"]
        data = html_path.read_bytes()

        assert sandbox(data, "html", url, 10_000_000) == extract(data, "html", url=url)


@pytest.mark.timeout(120)
def test_too_slow_page_goes_to_dead_and_the_worker_goes_on(
    redis_client, intake, keys, tmp_path, monkeypatch
):
    """Through the real actors: a page whose extraction overruns the limit ends in `dead`
    as too slow, and the same worker then publishes the next page."""
    from workers.stages import extract

    sandbox = Sandbox(timeout=1, target=f"{TARGETS}:sleepy")
    monkeypatch.setattr(extract, "_sandbox", lambda: sandbox)
    slow, quick = tmp_path / "slow.html", tmp_path / "quick.html"
    slow.write_bytes(b"60")
    quick.write_bytes(b"0.01")
    try:
        with running_worker():
            stuck = intake.offer_file(slow)
            wait_for_entries(redis_client, [keys.dead], 1, timeout=60)
            intake.offer_file(quick)
            wait_for_entries(redis_client, [keys.articles], 1, timeout=60)
    finally:
        sandbox.close()
    [dead] = entries(redis_client, keys.dead)
    assert dead["id"] == stuck.article_id and dead["stage"] == "extract"
    assert dead["error"] == "too slow: extraction took over 1 s (NEWSFLOW_EXTRACT_TIMEOUT)"


def test_warm_up_starts_a_child_before_the_first_page(sandbox_of):
    """A worker warms its sandbox before taking messages: a child is idle and serves the
    first page (no new process for it)."""
    sandbox = sandbox_of()
    sandbox.warm_up()
    warmed = sandbox.children()
    assert len(warmed) == 1
    sandbox(PAGE, "html", None, 10_000_000)
    assert sandbox.children() == warmed
