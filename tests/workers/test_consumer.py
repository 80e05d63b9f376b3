"""workers/consumer.py against the session's Redis, on entries written by the real publish
and bury code (state/outcome.py) under the default prefix, as the README's example reads
them; and its typed records held to docs/record.schema.json."""

from __future__ import annotations

import json
import os
import typing
from pathlib import Path

import pytest

from pipelines.article import Article, Dedup, Source, utc_timestamp
from workers.consumer import (
    ArticleRecord,
    DeadEntry,
    DeadSourceRecord,
    DedupRecord,
    EntityRecord,
    MalformedEntry,
    SourceRecord,
    StreamReader,
)
from workers.keys import Keys
from workers.state.outcome import Outcomes

ROOT = Path(__file__).resolve().parents[2]
KEYS = Keys()  # the README's example reads newsflow:articles
README_SOCKET = "unix:///path/to/.newsflow/redis.sock"


class Stop(Exception):
    """Raised by the test's `index` to leave the README's endless loop."""


def article(n: int, status: str = "unique", of: str | None = None) -> Article:
    article_id = f"{n:016x}"
    similarity = 1.0 if of else None
    return Article(
        id=article_id,
        source=Source(type="file", path=f"/srv/inbox/{n}.txt"),
        text=f"Paragraph {n}.",
        dedup=Dedup(status=status, of=of, similarity=similarity),
        story=of or article_id,
        ingested_at=utc_timestamp(),
        processed_at=utc_timestamp(),
    )


@pytest.fixture
def outcomes(redis_client) -> Outcomes:
    return Outcomes(redis_client, KEYS, maxlen=1000)


def readme_example() -> str:
    """The Python block of the README's "Consuming from Python"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Consuming from Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert README_SOCKET in code
    return code.replace(README_SOCKET, os.environ["NEWSFLOW_REDIS_URL"])


def test_readme_example_indexes_and_acknowledges(redis_client, outcomes):
    """The README's loop hands each unique record to `index` and acknowledges what `index`
    returned from; the entry `index` raised on stays pending, and another member of the
    group claims it once idle (here at once) and acknowledges it."""
    published = [article(1), article(2, "duplicate", of=f"{1:016x}"), article(3), article(4)]
    for item in published:
        assert outcomes.publish(item)
    indexed: list[ArticleRecord] = []

    def index(record: ArticleRecord) -> None:
        indexed.append(record)
        if len(indexed) == 3:
            raise Stop

    with pytest.raises(Stop):
        exec(readme_example(), {"index": index})
    assert indexed == [published[i].to_record() for i in (0, 2, 3)]
    [pending] = redis_client.xpending_range(KEYS.articles, "indexer", "-", "+", 10)
    [(last_entry, _fields)] = redis_client.xrevrange(KEYS.articles, count=1)
    assert pending["message_id"] == last_entry

    standby = StreamReader(redis_client, "indexer", "standby", claim_idle_ms=0)
    claimed = list(standby.articles(follow=False))
    assert [(e.entry_id, e.id, e.status) for e in claimed] == [
        (last_entry.decode(), published[3].id, "unique")
    ]
    assert redis_client.xpending(KEYS.articles, "indexer")["pending"] == 0


def test_a_restarted_member_first_takes_back_its_own_pending_entries(redis_client, outcomes):
    """A member that left the loop with an entry in hand gets that entry again first when it
    comes back under the same name, then the rest; each entry once acknowledged."""
    for n in range(1, 4):
        outcomes.publish(article(n))
    first = StreamReader(redis_client, "search", "search-1")
    for entry in first.articles(follow=False):
        assert entry.id == f"{1:016x}"
        break  # the member stops with entry 1 unfinished
    assert redis_client.xpending(KEYS.articles, "search")["pending"] == 3  # the whole batch

    again = StreamReader(redis_client, "search", "search-1")
    ids = [entry.id for entry in again.articles(follow=False)]
    assert ids == [f"{n:016x}" for n in range(1, 4)]
    assert redis_client.xpending(KEYS.articles, "search")["pending"] == 0


def test_an_entry_trimmed_while_pending_is_acknowledged_and_skipped(redis_client, outcomes):
    """An entry that left the stream (trimmed at the cap) before it was handled is skipped."""
    outcomes.publish(article(1))
    outcomes.publish(article(2))
    reader = StreamReader(redis_client, "g", "g-1")
    for _entry in reader.articles(follow=False):
        break
    first_entry = redis_client.xrange(KEYS.articles, count=1)[0][0]
    redis_client.xdel(KEYS.articles, first_entry)
    assert [e.id for e in reader.articles(follow=False)] == [f"{2:016x}"]
    assert redis_client.xpending(KEYS.articles, "g")["pending"] == 0


def test_dead_entries_are_typed(redis_client, outcomes):
    """`dead()` reads the bury code's entries: the source decoded, attempts a number."""
    outcomes.bury(
        "00000000000000aa", "entities", "gave up after 3 attempts: boom", Source(type="unknown"), 3
    )
    [entry] = StreamReader(redis_client, "alerts").dead(follow=False)
    assert entry == DeadEntry(
        entry_id=entry.entry_id,
        id="00000000000000aa",
        stage="entities",
        error="gave up after 3 attempts: boom",
        source={"type": "unknown", "path": None, "url": None, "feed": None},
        attempts=3,
    )


def test_a_record_of_another_schema_raises_and_stays_pending(redis_client):
    """A record this reader does not know is refused with one line, and left pending."""
    data = json.dumps({"schema": 2, "id": "00000000000000bb"})
    redis_client.xadd(KEYS.articles, {"id": "00000000000000bb", "status": "unique", "data": data})
    reader = StreamReader(redis_client, "g")
    with pytest.raises(MalformedEntry, match="schema 2, this reader reads schema 1: upgrade"):
        next(reader.articles(follow=False))
    assert redis_client.xpending(KEYS.articles, "g")["pending"] == 1


def test_the_typed_records_mirror_the_schema():
    """Each TypedDict has the fields of its object in docs/record.schema.json, and the
    Literal types its enums."""
    schema = json.loads((ROOT / "docs" / "record.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    pairs = [
        (ArticleRecord, schema),
        (SourceRecord, defs["Source"]),
        (DeadSourceRecord, defs["DeadSource"]),
        (EntityRecord, defs["Entity"]),
        (DedupRecord, defs["Dedup"]),
    ]
    for typed, shape in pairs:
        assert list(typing.get_type_hints(typed)) == shape["required"], typed.__name__
    assert list(DeadEntry.__dataclass_fields__)[1:] == defs["DeadEntry"]["required"]
    literals = [
        (DedupRecord, "status", defs["Dedup"]),
        (SourceRecord, "type", defs["Source"]),
        (DeadSourceRecord, "type", defs["DeadSource"]),
        (DeadEntry, "stage", defs["DeadEntry"]),
    ]
    for typed, field, shape in literals:
        hint = typing.get_type_hints(typed)[field]
        assert list(typing.get_args(hint)) == shape["properties"][field]["enum"], typed.__name__
