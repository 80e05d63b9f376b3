"""Fuzzing the pure part of dedup on what a page can make an article hold: any text,
title and URL give fingerprints, signatures, story features and family keys."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from pipelines.article import Entity, Source
from pipelines.dedup.minhash import (
    DedupConfig,
    band_hashes,
    estimate_similarity,
    exact_fingerprint,
    normalise_text,
    pack_sketch,
    shingle_sketch,
    signature,
    sketch_similarity,
    unpack_sketch,
)
from pipelines.dedup.stories import (
    OUTLET,
    StoryConfig,
    family_keys,
    listed_features,
    story_features,
    story_similarity,
)
from tests.fuzz.budget import fuzz

DEDUP = DedupConfig()
STORIES = StoryConfig()

words = st.lists(
    st.one_of(st.sampled_from(["harbour", "Floodwater", "ﬁre", "ß", "İ", "don’t", "—"]), st.text()),
    max_size=40,
).map(" ".join)
entity = st.builds(
    Entity,
    name=st.text(max_size=20),
    key=st.text(max_size=20),
    label=st.sampled_from(["PERSON", "ORG", "GPE", "LOC", "", "x"]),
    count=st.integers(0, 50),
    mentions=st.lists(st.text(max_size=20), max_size=3),
)
address = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["http://[::1", "https://www.Example.org//a//", "http://[::1]:x/", "//"]),
)
# A source's URLs are canonical (intake made them so); the page's own URL is anything.
canonical = st.sampled_from(["https://example.org/a", "http://[::1]:8080/x", "https://xn--o/"])
source = st.one_of(
    st.builds(Source, type=st.just("file"), path=st.one_of(st.none(), st.text(max_size=20))),
    st.builds(Source, type=st.sampled_from(["url", "feed"]), url=canonical, feed=canonical),
)


@fuzz(short=100)
@given(words)
def test_text_fingerprints(text: str) -> None:
    """Any text: a fingerprint, a full signature that matches itself, stable normalisation."""
    assert normalise_text(normalise_text(text)) == normalise_text(text)
    assert len(exact_fingerprint(text)) == 32
    sig = signature(text, DEDUP)
    assert len(sig) == DEDUP.num_perm and estimate_similarity(sig, sig) == 1.0
    assert len(band_hashes(sig, DEDUP)) in (0, DEDUP.bands)


@fuzz(short=100)
@given(words)
def test_shingle_sketches(text: str) -> None:
    """Any text: its sketch survives storage and is wholly like itself."""
    sketch = shingle_sketch(text, DEDUP)
    stored = unpack_sketch(pack_sketch(sketch))
    assert stored is not None and sketch_similarity(stored, sketch) == 1.0


@fuzz(short=200)
@example(b"\x01\x00\x00\x00\x00")
@given(st.binary(max_size=64))
def test_stored_sketches_that_are_damaged(data: bytes) -> None:
    """Any bytes where a sketch should be: a sketch or None (the estimate decides), no error."""
    sketch = unpack_sketch(data)
    if sketch is not None:
        assert 0.0 <= sketch_similarity(sketch, shingle_sketch("a b c d e f", DEDUP)) <= 1.0


@fuzz(short=100)
@given(st.lists(entity, max_size=6), words, source, address)
def test_story_features(entities: list[Entity], text: str, source: Source, url: str | None) -> None:
    """Any entities, text, source and URL: positive weights but the outlet's; a feature set
    is its own story."""
    features = story_features(entities, text, STORIES, source=source, url=url)
    assert all(weight > 0 for weight in listed_features(features).values())
    assert all(features[name] == 0 for name in features if name.startswith(OUTLET))
    assert story_similarity(features, features) == (1.0 if listed_features(features) else 0.0)


@fuzz(short=200)
@example(Source("file", path="/inbox/a.html"), "http://[::1", None)  # found: urlsplit raised
@given(source, address, st.one_of(st.none(), words))
def test_family_keys(source: Source, url: str | None, title: str | None) -> None:
    """Any source, URL and title: a list of short digests, never an error."""
    keys = family_keys(source, url, title)
    assert all(len(key) == 16 and int(key, 16) >= 0 for key in keys)
