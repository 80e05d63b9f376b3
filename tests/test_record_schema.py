"""docs/record.schema.json: generated from the code and current, and true of what a real run
writes. The run: the samples (text and HTML, a near duplicate among them) and an exact copy
from files, two real pages by URL and one through a feed on a loopback HTTP server, and
inputs that go to `dead` at intake and at extract; a real dramatiq worker on the session's
Redis processes them all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis
from referencing import Registry, Resource

from tests.conftest import shared_files
from tests.workers.feed_helpers import rss
from tests.workers.helpers import entries, running_worker, wait_for_entries
from tests.workers.http_server import confine_to_loopback, loopback_server
from workers.keys import Keys

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "record.schema.json"
SCRIPT = ROOT / "scripts" / "record_schema.py"
KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead


def schema_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def validator(schema: dict[str, Any], definition: str | None = None) -> jsonschema.Validator:
    """A validator of the record (or of one of its $defs), checking formats too."""
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    target = schema if definition is None else {"$ref": f"{schema['$id']}#/$defs/{definition}"}
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(target, registry=registry, format_checker=checker)


def test_committed_schema_is_what_the_code_generates():
    """Regenerating the schema from pipelines/article.py gives the committed file."""
    result = schema_script("--check")
    assert result.returncode == 0, result.stderr


def test_check_names_a_stale_file(tmp_path):
    """`--check` fails with one line saying what to run when the file differs."""
    stale = tmp_path / "record.schema.json"
    stale.write_text(SCHEMA_FILE.read_text(encoding="utf-8").replace('"const": 1', '"const": 2'))
    result = schema_script("--check", "--path", str(stale))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{stale} is stale: run python scripts/record_schema.py"
    ]


def test_schema_says_what_the_contract_says(schema):
    """Every record field is required; enums, nullability and the version are the contract's."""
    from pipelines.article import Article
    from workers.stages.chain import STAGES

    assert schema["$id"] and schema["title"] and schema["version"] == 1
    assert schema["required"] == ["schema", *Article.__dataclass_fields__]
    assert schema["properties"]["schema"]["const"] == 1
    defs = schema["$defs"]
    assert defs["Dedup"]["properties"]["status"]["enum"] == [
        "unique",
        "duplicate",
        "near_duplicate",
    ]
    assert defs["Source"]["properties"]["type"]["enum"] == ["file", "url", "feed"]
    assert defs["DeadSource"]["properties"]["type"]["enum"] == ["file", "url", "feed", "unknown"]
    assert defs["DeadEntry"]["properties"]["stage"]["enum"] == ["intake", *STAGES]
    for name in ("Source", "Entity", "Dedup", "DeadSource"):
        assert defs[name]["required"] == list(defs[name]["properties"]), name
    record = validator(schema)
    nullable = {"url", "title", "author", "published", "sitename", "language"}
    for field in nullable:
        assert not list(record.iter_errors({**minimal_record(), field: None})), field
    for field in ("story", "ingested_at", "processed_at", "text"):
        assert list(record.iter_errors({**minimal_record(), field: None})), field
    assert list(record.iter_errors({**minimal_record(), "language": "english"}))
    assert list(record.iter_errors({k: v for k, v in minimal_record().items() if k != "notes"}))


def minimal_record() -> dict[str, Any]:
    from pipelines.article import Article, Source

    article = Article(id="0123456789abcdef", source=Source(type="file", path="/in/a.txt"), text="x")
    article.story = article.id
    article.ingested_at = article.processed_at = "2026-01-01T00:00:00.000Z"
    return article.to_record()


# --- a real run, every entry validated ---------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict[str, list[dict[str, Any]]]:
    """The streams after a real worker processed files, URLs and a feed item (see the top)."""
    from workers.services import process_services
    from workers.settings import get_settings
    from workers.stages.chain import start

    samples = sorted((ROOT / "samples").iterdir())
    folder = tmp_path_factory.mktemp("schema-run")
    shutil.copy(samples[0], folder / "exact-copy.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    pages = [p.read_bytes() for p in shared_files("eval", "extraction", pattern="*.html")[:3]]
    client = redis.Redis.from_url(os.environ["NEWSFLOW_REDIS_URL"])
    client.flushdb()
    with pytest.MonkeyPatch.context() as patch, loopback_server() as server:
        patch.setenv("NEWSFLOW_FETCH_ALLOW", "127.0.0.1")
        patch.setenv("NEWSFLOW_FETCH_HOST_DELAY", "0")
        get_settings.cache_clear()
        confine_to_loopback(patch)
        services = process_services()
        intake = services.intake(start)
        links = [server.route(f"/schema/{n}.html", body=page) for n, page in enumerate(pages)]
        feed = server.route(
            "/schema/feed.xml",
            body=rss("Schema Feed", [("Item", links[2], None)]),
            content_type="application/rss+xml",
        )
        offers = [intake.offer_file(path) for path in [*samples, *sorted(folder.iterdir())]]
        offers += [intake.offer_url(url) for url in links[:2]]
        offers += [intake.offer_url(server.url("/schema/missing.html"))]
        offers += [intake.offer_url("not a url")]
        poller = services.poller(start)
        poller.registry.add(feed)
        with running_worker():
            poller.poll_due()
            wait_for_entries(client, [ARTICLES, DEAD], len(offers) + 1, timeout=240)
        result = {"articles": entries(client, ARTICLES), "dead": entries(client, DEAD)}
    get_settings.cache_clear()
    client.close()
    return result


def test_every_record_on_articles_matches_the_schema(run, schema):
    """Each entry, its fields and its record, is what the schema says; the run's records hold
    every status and source type, cleaned lines, entities and dates."""
    articles = run["articles"]
    assert {e["status"] for e in articles} == {"unique", "duplicate", "near_duplicate"}
    assert {e["data"]["source"]["type"] for e in articles} == {"file", "url", "feed"}
    for field in ("removed", "entities", "published", "language"):
        assert any(e["data"][field] for e in articles), field
    entry_validator, record_validator = validator(schema, "ArticlesEntry"), validator(schema)
    for entry in articles:
        fields = {k: v for k, v in entry.items() if k != "stream_id"}
        errors = [e.message for e in entry_validator.iter_errors(fields)]
        errors += [e.message for e in record_validator.iter_errors(entry["data"])]
        assert errors == [], (entry["data"]["source"], errors)


def test_every_dead_entry_matches_the_schema(run, schema):
    """Each `dead` entry, from the intake and from extract, is what DeadEntry says."""
    assert {e["stage"] for e in run["dead"]} == {"intake", "extract"} and len(run["dead"]) == 4
    dead_validator = validator(schema, "DeadEntry")
    for entry in run["dead"]:
        fields = {k: v for k, v in entry.items() if k != "stream_id"}
        assert [e.message for e in dead_validator.iter_errors(fields)] == [], fields
