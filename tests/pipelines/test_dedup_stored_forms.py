"""What the dedup index stores to compare articles later, on invented text and real
articles read from shared/: the one-byte compact signature the estimate is made from, and
the shingle sketch that makes the similarity exact near the threshold."""

from __future__ import annotations

import itertools

import pytest

from pipelines.dedup.minhash import (
    DedupConfig,
    compact_signature,
    estimate_compact_similarity,
    jaccard,
    pack_sketch,
    shingle_sketch,
    shingles,
    signature,
    sketch_bits,
    sketch_similarity,
    unpack_sketch,
)
from tests.pipelines.dedup_texts import FOX, edit_sentences

CONFIG = DedupConfig()


class TestCompactSignature:
    def test_one_byte_per_value(self):
        """The stored signature keeps the low byte of each of the 224 values."""
        sig = signature(FOX, CONFIG)
        assert compact_signature(sig) == bytes(v & 0xFF for v in sig)
        assert len(compact_signature(sig)) == CONFIG.num_perm

    @pytest.mark.parametrize("fraction", [0.05, 0.3])
    def test_estimate_is_close_to_exact_jaccard(
        self, fraction: float, seed_texts: list[str], long_eval_texts: list[str]
    ):
        """On real articles with sentences dropped, the 1-byte estimate is within 0.1 of truth."""
        for n, text in enumerate([*seed_texts, *long_eval_texts[:10]]):
            copy = edit_sentences(text, fraction, seed=n)
            exact = jaccard(text, copy, CONFIG.shingle_size)
            a, b = (compact_signature(signature(t, CONFIG)) for t in (text, copy))
            assert abs(estimate_compact_similarity(a, b) - exact) <= 0.1, (n, fraction, exact)

    def test_chance_agreement_is_taken_out(self, eval_texts: list[str]):
        """Different real articles estimate near 0, not the 1/256 of chance agreements."""
        sigs = [compact_signature(signature(t, CONFIG)) for t in eval_texts[:30]]
        estimates = [estimate_compact_similarity(a, b) for a, b in itertools.combinations(sigs, 2)]
        assert max(estimates) < 0.1 and sum(estimates) / len(estimates) < 0.01
        assert estimate_compact_similarity(sigs[0], sigs[0]) == 1.0


class TestShingleSketch:
    def test_known_values(self):
        """A fixed text's sketch is pinned: a rensa upgrade that changed its token hash
        would make stored sketches incomparable with new ones."""
        sketch = shingle_sketch(FOX, CONFIG)
        assert sketch.bits == 16 and len(sketch.values) == len(shingles(FOX, 5)) == 11
        assert sketch.values[:4] == (7930, 10183, 11501, 23436)

    def test_bits_grow_with_the_shingle_count(self):
        """4,096 to 8,192 possible values a shingle, from 16 bits up to 40."""
        assert sketch_bits(0) == sketch_bits(11) == 16
        assert sketch_bits(600) == 22 and sketch_bits(5000) == 25 and sketch_bits(10**9) == 40

    def test_similarity_is_the_exact_jaccard_near_the_threshold(
        self, seed_texts: list[str], long_eval_texts: list[str]
    ):
        """On real articles with sentences dropped (exact Jaccard about 0.6 to 0.95), the
        sketches' similarity is within 0.002 of the exact one, where the estimate's error
        reaches several hundredths."""
        for n, text in enumerate([*seed_texts, *long_eval_texts]):
            for fraction in (0.03, 0.1, 0.2):
                copy = edit_sentences(text, fraction, seed=n)
                exact = jaccard(text, copy, CONFIG.shingle_size)
                a, b = (shingle_sketch(t, CONFIG) for t in (text, copy))
                assert abs(sketch_similarity(a, b) - exact) <= 0.002, (n, fraction, exact)

    def test_texts_of_different_lengths_compare_on_shared_bits(self, long_eval_texts: list[str]):
        """A text and its first third have sketches of different bits and are still compared
        exactly: the longer one is cut to the other's bits."""
        text = long_eval_texts[0]
        head = " ".join(text.split()[: len(text.split()) // 3])
        a, b = shingle_sketch(text, CONFIG), shingle_sketch(head, CONFIG)
        assert a.bits > b.bits
        exact = jaccard(text, head, CONFIG.shingle_size)
        assert abs(sketch_similarity(a, b) - exact) <= 0.002
        assert sketch_similarity(a, b) == sketch_similarity(b, a)

    def test_different_articles_share_almost_nothing(self, eval_texts: list[str]):
        """Different real articles have sketch similarities near 0."""
        sketches = [shingle_sketch(t, CONFIG) for t in eval_texts[:30]]
        assert max(sketch_similarity(a, b) for a, b in itertools.combinations(sketches, 2)) < 0.1

    def test_pack_round_trip(self, seed_texts: list[str], eval_texts: list[str]):
        """Packed and unpacked, every sketch is the same, in under 2 bytes a shingle."""
        for text in [*seed_texts, *eval_texts, FOX, "Next story", ""]:
            sketch = shingle_sketch(text, CONFIG)
            packed = pack_sketch(sketch)
            assert unpack_sketch(packed) == sketch
            assert len(packed) <= 5 + 2 * len(sketch.values) + 8

    def test_another_format_or_damaged_data_is_no_sketch(self):
        """Bytes of another format, or cut short, unpack to None: the estimate decides."""
        packed = pack_sketch(shingle_sketch(FOX * 3, CONFIG))
        assert unpack_sketch(b"\x02" + packed[1:]) is None
        assert unpack_sketch(packed[:-1]) is None and unpack_sketch(packed[:3]) is None

    def test_empty_text(self):
        """An empty text has an empty sketch, as similar to another empty text as jaccard says."""
        empty = shingle_sketch("", CONFIG)
        assert empty.values == () and unpack_sketch(pack_sketch(empty)) == empty
        assert sketch_similarity(empty, shingle_sketch(" ", CONFIG)) == jaccard("", " ", 5) == 1.0
        assert sketch_similarity(empty, shingle_sketch(FOX, CONFIG)) == 0.0
