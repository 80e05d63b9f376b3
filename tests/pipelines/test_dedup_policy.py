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
    assert doc.families == frozenset() and doc.sketch is None
    assert doc.features == stories.unpack_features(stories.pack_features(probe.features))
    assert doc.decision == kept
    assert encoding.decision_from([pieces.get(n) for n in encoding.names("d", 12)]) == kept
    assert encoding.parsed("a" * 16, set(), [None] * len(encoding.DOC_FIELDS)) is None


# -- near the threshold: the exact similarity decides -----------------------------------------

TEXT = " ".join(f"word{n}" for n in range(200))


def _edited(every: int) -> str:
    """TEXT with every ``every``-th word replaced: a copy of known exact similarity."""
    return " ".join(f"new{n}" if n % every == 0 else f"word{n}" for n in range(200))


def _with_text(text: str, sketch: bool = True, **changes: object) -> dict[str, object]:
    prints = dedup.fingerprint_text(text, CONFIG)
    return {
        "compact": dedup.compact_signature(prints.signature),
        "fingerprint": bytes.fromhex(prints.exact)[:8],
        "sketch": prints.sketch if sketch else None,
        **changes,
    }


def test_to_verify_picks_the_estimates_near_the_threshold() -> None:
    """Only the candidates estimated within verify_margin of the threshold are verified,
    and none when the article has no sketch."""
    probe = _probe(**_with_text(TEXT))
    near = _earlier("n", 1, {"band"}, **_with_text(_edited(35)))  # exact 0.77
    far = _earlier("f", 2, {"band"}, **_with_text(_edited(3)))  # exact about 0.02
    same = _earlier("s", 3, {"band"}, **_with_text(TEXT))  # a duplicate: no need
    assert policy.to_verify(probe, [near, far, same], CONFIG) == [near]
    assert policy.to_verify(_probe(**_with_text(TEXT, sketch=False)), [near], CONFIG) == []


def test_exact_similarity_decides_near_the_threshold() -> None:
    """A copy whose estimate says near duplicate is unique when its exact similarity is
    below the threshold, and the similarity reported is the exact one."""
    probe = _probe(**_with_text(TEXT))
    exact = dedup.jaccard(TEXT, _edited(35), CONFIG.shingle_size)
    assert 0.75 < exact < 0.8
    estimated_above = bytes(probe.compact)  # an estimate of 1.0, as noise could give
    doc = _earlier("n", 1, {"band"}, **_with_text(_edited(35), compact=estimated_above))
    decision = policy.decide(probe, [doc], CONFIG, STORY)
    assert decision["status"] == "unique"
    assert decision["compared"] == [["n", round(exact, 4), "different"]]
    doc.sketch = None  # a doc written before sketches: the estimate decides
    decision = policy.decide(probe, [doc], CONFIG, STORY)
    assert (decision["status"], decision["similarity"]) == ("near_duplicate", 1.0)


def test_near_duplicate_at_its_exact_similarity() -> None:
    """A copy estimated below the threshold is a near duplicate when its exact similarity
    reaches it."""
    probe = _probe(**_with_text(TEXT))
    exact = dedup.jaccard(TEXT, _edited(60), CONFIG.shingle_size)
    assert 0.8 <= exact < 0.85
    estimated_below = bytes(b ^ 1 if i % 4 == 0 else b for i, b in enumerate(probe.compact))
    doc = _earlier("n", 1, {"band"}, **_with_text(_edited(60), compact=estimated_below))
    assert dedup.estimate_compact_similarity(probe.compact, estimated_below) < 0.8
    decision = policy.decide(probe, [doc], CONFIG, STORY)
    assert (decision["status"], decision["of"]) == ("near_duplicate", "n")
    assert decision["similarity"] == round(exact, 4)


# -- revisions found by band or story feature ---------------------------------------------------


def test_revision_found_by_a_band_or_story_feature_of_the_same_family() -> None:
    """An earlier article found by a band or a story feature (not in the family's recent
    list) is a revision when its doc names one of the article's families."""
    families = frozenset({policy.family_digest("dir:/inbox/nyt")})
    probe = _probe(family_digests=families)
    half = bytes((b + 1) % 256 if i % 2 else b for i, b in enumerate(SIG))  # about 0.5
    for how in ({"band"}, {"story"}):
        doc = _earlier("r1", 1, how, families=families, compact=half)
        assert policy.relation(probe, doc, 0.3, CONFIG) == "revision"
        decision = policy.decide(probe, [doc], CONFIG, STORY)
        assert decision["revision_of"] == "r1"


def test_no_revision_from_another_family_or_an_old_doc() -> None:
    """Found by a band, an article of another family (or of a doc without family digests)
    is no revision; below the revision threshold neither."""
    probe = _probe(family_digests=frozenset({policy.family_digest("a")}))
    other = _earlier("o", 1, {"band"}, families=frozenset({policy.family_digest("b")}))
    old = _earlier("p", 2, {"band"})
    assert policy.relation(probe, other, 0.5, CONFIG) == "different"
    assert policy.relation(probe, old, 0.5, CONFIG) == "different"
    same = _earlier("s", 3, {"story"}, families=probe.family_digests)
    assert policy.relation(probe, same, 0.1, CONFIG) == "story"


def test_doc_keeps_family_digests_and_sketch() -> None:
    """The doc fields carry the family digests ("g") and the packed sketch ("h*"), which
    parse back; a sketch too long to store whole is left out."""
    families = frozenset({policy.family_digest("a"), policy.family_digest("b")})
    sketch = dedup.shingle_sketch(TEXT, CONFIG)
    fields = encoding.doc_fields(_probe(family_digests=families, sketch=sketch))
    fields["q"] = b"1"  # type: ignore[assignment]
    values = [fields.get(name) for name in encoding.DOC_FIELDS]
    values = [str(v).encode() if isinstance(v, int) else v for v in values]
    doc = encoding.parsed("a" * 16, {"band"}, values)  # type: ignore[arg-type]
    assert doc is not None and doc.families == families
    stored = encoding.joined([fields.get(name) for name in encoding.SKETCH_FIELDS])  # type: ignore[misc]
    assert encoding.sketch_from(stored) == sketch
    assert all(len(v) <= encoding.PIECE for k, v in fields.items() if k[0] in "gh")  # type: ignore[arg-type]
    huge = dedup.shingle_sketch(" ".join(f"w{n}" for n in range(4000)), CONFIG)
    assert encoding.sketch_pieces(huge) == {}
    assert encoding.sketch_from(b"") is None and encoding.sketch_from(None) is None
