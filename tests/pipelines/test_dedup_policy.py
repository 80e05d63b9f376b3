"""The pure dedup decision and the doc encoding, without Redis."""

from __future__ import annotations

from pipelines.dedup import encoding, policy, stories
from pipelines.dedup import minhash as dedup

CONFIG = dedup.DedupConfig()
STORY = stories.StoryConfig()
SIG = bytes(range(224))


def _probe(**changes: object) -> policy.Probe:
    fields: dict[str, object] = {
        "article_id": "aa" * 8,
        "compact": SIG,
        "fingerprint": b"f" * 8,
        "bands": [],
        "families": [],
        "features": {},
        "seen_at": 1000.0,
    }
    fields.update(changes)
    return policy.Probe(**fields)  # type: ignore[arg-type]


def _earlier(article_id: str, seq: int, found_by: set[str], **changes: object) -> policy.Earlier:
    doc = policy.Earlier(article_id, seq, SIG, b"x" * 8, {}, 900.0, None, found_by)
    for name, value in changes.items():
        setattr(doc, name, value)
    return doc


def test_unique_starts_its_own_story() -> None:
    decision = policy.decide(_probe(), [], CONFIG, STORY)
    assert decision == {
        "status": "unique",
        "story": "aa" * 8,
        "story_candidates": None,
        "compared": None,
    }


def test_exact_copy_is_a_duplicate_of_the_first_seen() -> None:
    earlier = [
        _earlier("c2", 5, {"band"}, fingerprint=b"f" * 8, decision={"story": "s2"}),
        _earlier("c1", 3, {"band"}, fingerprint=b"f" * 8, decision={"story": "s1"}),
    ]
    decision = policy.decide(_probe(), earlier, CONFIG, STORY)
    assert (decision["status"], decision["of"], decision["similarity"]) == ("duplicate", "c1", 1.0)
    assert decision["story"] == "s1"


def test_family_member_below_threshold_is_a_revision() -> None:
    other = bytes((b + 1) % 256 if i % 2 else b for i, b in enumerate(SIG))  # about half agree
    doc = _earlier("r1", 1, {"family"}, compact=other)
    assert policy.relation(_probe(), doc, 0.5, CONFIG) == "revision"
    decision = policy.decide(_probe(), [doc], CONFIG, STORY)
    assert decision["status"] == "unique" and decision["revision_of"] == "r1"
    assert decision["story"] == "r1"  # its decision is unknown: its own id


def test_found_ids_notes_how_and_leaves_out_the_article() -> None:
    found = policy.found_ids("me", [["a", "me"], []], [["a", "b"]], ["c"])
    assert found == {"a": {"band", "family"}, "b": {"family"}, "c": {"story"}}
    assert list(found) == ["a", "b", "c"]


def test_story_candidates_rank_by_shared_weight() -> None:
    features = {"PERSON:x": 3.0, "term:y": 1.0}
    assert policy.story_candidates(features, [["a"], ["b", "a", "a"]], 5) == ["a", "b"]
    assert policy.story_candidates(features, [["a"], ["b"]], 1) == ["a"]


def test_unfinished() -> None:
    waiting = _earlier("w", None, {"band"}, seen_at=990.0)  # type: ignore[arg-type]
    assert policy.unfinished(waiting, 10, 1000.0, 60.0)
    assert not policy.unfinished(waiting, 10, 2000.0, 60.0)  # stale
    assert not policy.unfinished(_earlier("s", None, {"story"}, seen_at=990.0), 10, 1000.0, 60.0)  # type: ignore[arg-type]
    assert policy.unfinished(_earlier("u", 3, {"band"}, seen_at=990.0), 10, 1000.0, 60.0)


def test_pieces_round_trip() -> None:
    data = bytes(range(200))
    stored = encoding.pieces("s", data, 4)
    assert list(stored) == ["s0", "s1", "s2", "s3"] and all(
        len(v) <= encoding.PIECE for v in stored.values()
    )
    assert encoding.joined([stored.get(n) for n in encoding.names("s", 4)]) == data
    assert encoding.joined([None, b"x"]) is None


def test_ids_from_bands_and_lists() -> None:
    assert encoding.ids(encoding.member("00" * 8) + encoding.member("ff" * 8)) == [
        "00" * 8,
        "ff" * 8,
    ]
    assert encoding.ids([b"ab", b"cd"]) == ["ab", "cd"]
    assert encoding.ids(None) == []


def test_doc_round_trip() -> None:
    probe = _probe(features={"PERSON:x": 3.0})
    fields = encoding.doc_fields(probe)
    decision = {"status": "unique", "story": "s", "compared": [["b" * 16, 0.5, "different"]] * 40}
    kept, pieces = encoding.decision_pieces(decision)
    assert len(kept["compared"]) < 40  # type: ignore[arg-type]
    fields.update(pieces)
    fields["q"] = b"7"  # type: ignore[assignment]
    values = [fields.get(name) for name in encoding.DOC_FIELDS]
    values = [str(v).encode() if isinstance(v, int) else v for v in values]
    doc = encoding.parsed("a" * 16, {"band"}, values)  # type: ignore[arg-type]
    assert doc is not None
    assert (doc.seq, doc.compact, doc.fingerprint, doc.seen_at) == (7, SIG, b"f" * 8, 1000.0)
    assert doc.features == stories.unpack_features(stories.pack_features(probe.features))
    assert doc.decision == kept
    assert encoding.decision_from([pieces.get(n) for n in encoding.names("d", 12)]) == kept
    assert encoding.parsed("a" * 16, set(), [None] * len(encoding.DOC_FIELDS)) is None
