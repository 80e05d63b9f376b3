"""`newsflow reprocess` and `newsflow ingest --force`, run as a user runs them, on the session's
Redis with the worker processes `--wait` starts: every input gets exactly one new version whose
record replaces the old one, made with the settings of the reprocess, never a duplicate of
the record it replaces; the old records stay as they were; two reprocess commands at once
publish nothing twice. Web pages: the kept bytes with NEWSFLOW_KEEP_RAW, the page fetched
again without."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from tests.cli.helpers import NEWSFLOW, REPO, run_cli, session_env
from tests.workers.helpers import entries
from tests.workers.http_server import loopback_server

#: A cut so short that every article's record notes it: the output of the new settings.
NER_CUT = "NEWSFLOW_NER_MAX_CHARS"


@pytest.fixture
def archive(tmp_path) -> Path:
    """The sample articles (the four texts, one a syndicated copy) in a folder of their own."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for sample in sorted((REPO / "samples").glob("*.txt")):
        shutil.copy(sample, folder / sample.name)
    return folder


def records(client, keys) -> list[dict]:
    return [entry["data"] for entry in entries(client, keys.articles)]


def test_reprocess_of_a_folder_gives_each_input_one_new_version(redis_client, keys, archive):
    """The archive ingested, then reprocessed with a NER cut by two commands at once: each
    input has exactly one new record, replacing its old one, noting the cut; no new record
    is a copy of the one it replaces, and the old records are as they were."""
    result = run_cli("ingest", str(archive), "--wait", env=session_env(), timeout=180)
    assert result.returncode == 0, result.stderr
    old = records(redis_client, keys)
    assert len(old) == 4 and not any(NER_CUT in " ".join(r["notes"]) for r in old)

    env = {**session_env(), NER_CUT: "300"}
    command = [*NEWSFLOW, "reprocess", "--folder", str(archive), "--wait", "--timeout", "150"]
    both = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=200) for process in both]
    for process, (_out, err) in zip(both, outputs, strict=True):
        assert process.returncode == 0, err.decode()
    # The same again afterwards replaces the new versions, not the old ones a second time.
    dry = run_cli("reprocess", "--folder", str(archive), "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr

    now = records(redis_client, keys)
    assert now[:4] == old  # the old records untouched
    new = now[4:]
    old_ids = {r["id"] for r in old}
    assert sorted(r["replaces"] for r in new) == sorted(old_ids)  # one new version each
    assert all(r["id"] not in old_ids for r in new)
    assert all(r["dedup"]["of"] != r["replaces"] for r in new)
    assert all(any(NER_CUT in note for note in r["notes"]) for r in new)
    assert all(r["replaces"] is None for r in old)
    planned = [orjson.loads(line) for line in dry.stdout.splitlines()]
    assert sorted(p["replaces"] for p in planned) == sorted(r["id"] for r in new)


def test_ingest_force_takes_one_unchanged_file_again(redis_client, keys, archive):
    """A file ingested before: plain `ingest` takes nothing, `ingest --force` one new version
    replacing its record, with the settings of now."""
    story = next(archive.glob("harbour-*.txt"))
    assert run_cli("ingest", str(story), "--wait", env=session_env()).returncode == 0
    again = run_cli("ingest", str(story), "--wait", env=session_env())
    assert again.returncode == 0 and len(records(redis_client, keys)) == 1

    env = {**session_env(), NER_CUT: "300"}
    forced = run_cli("ingest", "--force", str(story), "--wait", env=env, timeout=120)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.strip() == "inputs=1 published=1 dead=0 pending=0"
    first, second = records(redis_client, keys)
    assert second["replaces"] == first["id"] and second["source"] == first["source"]
    assert second["dedup"]["status"] == "unique"
    assert any(NER_CUT in note for note in second["notes"])


def test_reprocess_of_a_file_that_is_gone_is_one_dead_entry(redis_client, keys, archive):
    story = next(archive.glob("valley-*.txt"))
    assert run_cli("ingest", str(story), "--wait", env=session_env()).returncode == 0
    (record,) = records(redis_client, keys)
    story.unlink()

    result = run_cli("reprocess", record["id"], "--wait", env=session_env(), timeout=120)
    assert result.returncode == 1, result.stderr
    (dead,) = entries(redis_client, keys.dead)
    assert dead["error"] == f"file not found: {story} is gone, so it cannot be reprocessed"


@pytest.mark.parametrize("keep_raw", [True, False])
def test_reprocess_of_a_page_uses_its_kept_bytes(redis_client, keys, eval_pages, keep_raw):
    """A page ingested by URL, then changed on the server: reprocessed with NEWSFLOW_KEEP_RAW,
    the new version is made from the bytes kept (no second fetch); without, from the page
    as it is now."""
    first, second = (page.read_bytes() for page in eval_pages[:2])
    env = {
        **session_env(),
        "NEWSFLOW_FETCH_ALLOW": "127.0.0.1",
        "NEWSFLOW_FETCH_HOST_DELAY": "0",
        "NEWSFLOW_FETCH_ROBOTS": "false",
        "NEWSFLOW_KEEP_RAW": str(keep_raw).lower(),
    }
    with loopback_server() as server:
        url = server.route("/news/story.html", body=first)
        result = run_cli("ingest", url, "--wait", env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        (old,) = records(redis_client, keys)
        server.route("/news/story.html", body=second)

        result = run_cli("reprocess", old["id"], "--wait", env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        fetches = len(server.hits("/news/story.html"))

    _, new = records(redis_client, keys)
    assert new["replaces"] == old["id"] and new["source"] == old["source"]
    if keep_raw:
        assert (new["text"], fetches) == (old["text"], 1)
        assert new["dedup"]["of"] != old["id"]
    else:
        assert new["text"] != old["text"] and fetches == 2
