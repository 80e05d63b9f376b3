"""Tests for pipelines.dedup.minhash on invented text and on real articles read from shared/.

The real texts (shared/seeds/*.txt and the bodies of shared/eval/extraction/*.json)
are read where they lie, beside the repository, and never copied into it.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from pipelines.dedup.minhash import (
    EMPTY_VALUE,
    DedupConfig,
    band_hashes,
    candidate_probability,
    compact_signature,
    estimate_compact_similarity,
    estimate_similarity,
    exact_fingerprint,
    fingerprint_text,
    jaccard,
    normalise_text,
    pack_sketch,
    shingle_sketch,
    shingles,
    signature,
    signature_from_bytes,
    signature_to_bytes,
    sketch_bits,
    sketch_similarity,
    unpack_sketch,
)
from tests.conftest import shared_files

REPO = Path(__file__).resolve().parents[2]
CONFIG = DedupConfig()

FOX = "The quick brown fox jumps over the lazy dog by the river bank at dawn."
WRAPPER_TOP = "Advertisement: Subscribe to our newsletter for the latest headlines"
WRAPPER_BOTTOM = "© 2024 The Daily Example. All rights reserved. Terms of use apply."


@pytest.fixture(scope="module")
def seed_texts(seeds: list[Path]) -> list[str]:
    """The plain-text seed articles (500 to 2,200 words each)."""
    return [p.read_text("utf-8") for p in seeds]


@pytest.fixture(scope="module")
def eval_texts() -> list[str]:
    """The 181 human-made article bodies of the extraction evaluation set."""
    paths = shared_files("eval", "extraction", pattern="*.json")
    return [json.loads(p.read_text("utf-8"))["text"] for p in paths]


@pytest.fixture(scope="module")
def long_eval_texts(eval_texts: list[str]) -> list[str]:
    """Twenty evaluation texts of at least 300 shingles, where one edit is a small change."""
    return [t for t in eval_texts if len(shingles(t, 5)) >= 300][:20]


def edit_one_sentence(text: str) -> str:
    """The text with one word of its middle sentence replaced."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    middle = sentences[len(sentences) // 2].split()
    middle[len(middle) // 2] = "reportedly"
    sentences[len(sentences) // 2] = " ".join(middle)
    return " ".join(sentences)


def edit_sentences(text: str, fraction: float, seed: int) -> str:
    """The text with ``fraction`` of its sentences (at least one) dropped."""
    sentences = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    rng = random.Random(seed)
    dropped = set(rng.sample(range(len(sentences)), max(1, round(fraction * len(sentences)))))
    return "\n".join(s for i, s in enumerate(sentences) if i not in dropped)


def shared_bands(a: str, b: str) -> set[str]:
    return set(band_hashes(signature(a, CONFIG), CONFIG)) & set(
        band_hashes(signature(b, CONFIG), CONFIG)
    )


class TestConfig:
    def test_bands_use_the_first_values(self):
        """The default estimates with 224 permutations and bands the first 64: 16 of 4 rows."""
        assert (CONFIG.num_perm, CONFIG.bands, CONFIG.rows) == (224, 16, 4)

    def test_bands_must_fit_in_num_perm(self):
        """Bands that need more values than the signature has are refused."""
        with pytest.raises(ValueError, match="must fit"):
            DedupConfig(num_perm=128, bands=24, rows=6)

    def test_revision_threshold_is_below_the_threshold(self):
        """A revision threshold above the near-duplicate threshold is refused."""
        with pytest.raises(ValueError, match="revision_threshold"):
            DedupConfig(threshold=0.8, revision_threshold=0.9)

    def test_verify_margin_cannot_be_negative(self):
        """A negative band of verified estimates is refused."""
        with pytest.raises(ValueError, match="verify_margin"):
            DedupConfig(verify_margin=-0.1)

    def test_default_s_curve(self):
        """A pair at 0.8 is a candidate with probability over 0.999, at 0.5 most often
        (revisions are found), at 0.1 almost never."""
        assert candidate_probability(0.8, CONFIG) > 0.999
        assert 0.5 < candidate_probability(0.5, CONFIG) < 0.7
        assert candidate_probability(0.1, CONFIG) < 0.002


class TestNormaliseText:
    def test_folds_case_quotes_dashes_and_punctuation(self):
        """Curly and straight quotes, dashes and punctuation become plain words."""
        curly, straight = "“Don’t” STOP—now… (ok)", '"Don\'t" stop - now...ok'
        assert normalise_text(curly) == normalise_text(straight)
        assert normalise_text("“Don’t” STOP—now…") == "dont stop now"

    def test_folds_compatibility_forms_and_invisible_characters(self):
        """Ligatures, full-width letters, soft hyphens and zero-width spaces vanish."""
        text = "ﬁne ＡＢＣ news\u00adpaper zero\u200bwidth"
        assert normalise_text(text) == "fine abc newspaper zerowidth"

    def test_keeps_combining_marks(self):
        """Devanagari vowel signs are not punctuation: the words stay whole."""
        assert normalise_text("हिन्दी समाचार!") == "हिन्दी समाचार"


class TestExactFingerprint:
    def test_whitespace_case_and_quotes_do_not_matter(self):
        """Two copies that differ in whitespace, case and quote style have one fingerprint."""
        a = 'The minister said: "We won\'t   resign."\nTalks resume on Monday - officials.'
        b = "  the MINISTER said “We won’t resign.”  Talks resume on Monday – officials "
        assert exact_fingerprint(a) == exact_fingerprint(b)

    def test_real_article_reformatted(self, seed_texts: list[str]):
        """A real article re-wrapped on one line, upper-cased, keeps its fingerprint."""
        for text in seed_texts:
            assert exact_fingerprint(" ".join(text.split()).upper()) == exact_fingerprint(text)

    def test_different_texts_differ(self, seed_texts: list[str]):
        """Different articles, or one word more, give different fingerprints."""
        prints = {exact_fingerprint(t) for t in seed_texts}
        assert len(prints) == len(seed_texts)
        assert exact_fingerprint(FOX) != exact_fingerprint(FOX + " Again.")

    def test_is_16_bytes_of_hex(self):
        """The fingerprint is 32 hex digits."""
        assert re.fullmatch(r"[0-9a-f]{32}", exact_fingerprint(FOX))


class TestShingles:
    def test_word_ngrams_of_normalised_text(self):
        """Six words make two 5-word shingles, punctuation and case dropped."""
        assert shingles("One, two, THREE four five six.", 5) == [
            "one two three four five",
            "two three four five six",
        ]

    def test_repeats_count_once(self):
        """A repeated n-gram is one shingle."""
        assert shingles("a b a b a b", 2) == ["a b", "b a"]

    def test_short_text_is_one_shingle(self):
        """A text shorter than the shingle size is one shingle of all its words."""
        assert shingles("Next story", 5) == ["next story"]

    def test_empty_text_has_none(self):
        """Empty, blank or punctuation-only text has no shingles."""
        assert shingles("", 5) == shingles(" \n\t", 5) == shingles("— … !?", 5) == []


class TestSignature:
    def test_values(self):
        """A signature is num_perm unsigned 32-bit values."""
        sig = signature(FOX, CONFIG)
        assert len(sig) == CONFIG.num_perm
        assert all(0 <= v <= 0xFFFF_FFFF for v in sig)

    def test_known_values(self):
        """The first values for a fixed text are pinned: a rensa upgrade that changes them
        would split the Redis index in two, so it must fail here first."""
        assert signature(FOX, CONFIG)[:3] == [3260349080, 3346357008, 2344400978]
        assert band_hashes(signature(FOX, CONFIG), CONFIG)[0] == "ad3e00f2dc17a54b"

    def test_equal_normalised_texts_have_equal_signatures(self):
        """Texts that differ only as normalise_text forgives have the same signature."""
        assert signature(FOX, CONFIG) == signature(FOX.upper().replace(" ", "  "), CONFIG)

    @pytest.mark.parametrize("hash_seed", ["1", "2"])
    def test_deterministic_across_processes(self, hash_seed: str, seed_texts: list[str]):
        """Another process, with another PYTHONHASHSEED, computes the same signatures."""
        texts = [FOX, "Next story", *seed_texts]
        code = (
            "import json, sys\n"
            "from pipelines.dedup.minhash import DedupConfig, signature\n"
            "print(json.dumps([signature(t, DedupConfig()) for t in json.load(sys.stdin)]))"
        )
        child = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(texts),
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert json.loads(child.stdout) == [signature(t, CONFIG) for t in texts]

    def test_bytes_round_trip(self, seed_texts: list[str]):
        """A signature stored as 4 bytes a value reads back unchanged."""
        for text in [FOX, "", *seed_texts]:
            sig = signature(text, CONFIG)
            data = signature_to_bytes(sig)
            assert len(data) == 4 * CONFIG.num_perm
            assert signature_from_bytes(data) == sig

    def test_truncated_bytes_are_refused(self):
        """Bytes that are not a whole number of values are an error, not a short signature."""
        with pytest.raises(ValueError, match="4 bytes per value"):
            signature_from_bytes(signature_to_bytes(signature(FOX, CONFIG))[:-1])


class TestBandHashes:
    def test_one_short_hex_digest_per_band(self):
        """There is one 16-hex-digit key per band."""
        keys = band_hashes(signature(FOX, CONFIG), CONFIG)
        assert len(keys) == CONFIG.bands
        assert all(re.fullmatch(r"[0-9a-f]{16}", k) for k in keys)

    def test_band_index_is_part_of_the_key(self):
        """Equal rows in different bands give different keys."""
        keys = band_hashes([7] * CONFIG.num_perm, CONFIG)
        assert len(set(keys)) == CONFIG.bands

    def test_signature_of_another_config_is_refused(self):
        """A signature of the wrong length is an error, not a wrong set of keys."""
        with pytest.raises(ValueError, match="config expects"):
            band_hashes(signature(FOX, DedupConfig(num_perm=128, bands=16)), CONFIG)


class TestSimilarity:
    def test_wrapper_lines_keep_a_near_duplicate(self, seed_texts: list[str]):
        """A real article framed by boilerplate lines at top and bottom is a near duplicate."""
        for text in seed_texts:
            copy = f"{WRAPPER_TOP}\n{text}\n{WRAPPER_BOTTOM}"
            assert estimate_similarity(signature(text, CONFIG), signature(copy, CONFIG)) >= 0.8
            assert shared_bands(text, copy)

    def test_one_edited_sentence_keeps_a_near_duplicate(
        self, seed_texts: list[str], long_eval_texts: list[str]
    ):
        """A real article with one sentence edited is a near duplicate sharing a band."""
        for text in [*seed_texts, *long_eval_texts]:
            copy = edit_one_sentence(text)
            assert copy != text
            assert estimate_similarity(signature(text, CONFIG), signature(copy, CONFIG)) >= 0.8
            assert shared_bands(text, copy)

    def test_different_articles_share_no_band(self, eval_texts: list[str]):
        """No two of the 181 different real articles (16,290 pairs) share a band or estimate 0.3."""
        sigs = [signature(t, CONFIG) for t in eval_texts]
        holders: dict[str, set[int]] = defaultdict(set)
        for i, sig in enumerate(sigs):
            for key in band_hashes(sig, CONFIG):
                holders[key].add(i)
        candidates = {p for ids in holders.values() for p in itertools.combinations(sorted(ids), 2)}
        assert len(candidates) == 0, f"{len(candidates)} false candidate pairs: {candidates}"
        highest = max(estimate_similarity(a, b) for a, b in itertools.combinations(sigs, 2))
        assert highest < 0.3

    @pytest.mark.parametrize("fraction", [0.05, 0.1, 0.3])
    def test_estimate_is_close_to_exact_jaccard(
        self, fraction: float, seed_texts: list[str], long_eval_texts: list[str]
    ):
        """On real articles with some sentences dropped the estimate is within 0.1 of the truth."""
        for n, text in enumerate([*seed_texts, *long_eval_texts[:10]]):
            copy = edit_sentences(text, fraction, seed=n)
            exact = jaccard(text, copy, CONFIG.shingle_size)
            estimate = estimate_similarity(signature(text, CONFIG), signature(copy, CONFIG))
            assert abs(estimate - exact) <= 0.1, (n, fraction, exact, estimate)

    def test_different_signatures_cannot_be_compared(self):
        """Signatures of different lengths are an error."""
        with pytest.raises(ValueError, match="cannot compare"):
            estimate_similarity(signature(FOX, CONFIG), signature(FOX, CONFIG)[:-1])


class TestEmptyAndShortText:
    def test_empty_text(self):
        """An empty text has a signature of empty slots, no band keys, and a fingerprint."""
        sig = signature("", CONFIG)
        assert sig == [EMPTY_VALUE] * CONFIG.num_perm
        assert band_hashes(sig, CONFIG) == []
        assert exact_fingerprint("") == exact_fingerprint("  \n ")
        assert jaccard("", "", 5) == 1.0

    def test_very_short_text(self):
        """A two-word text has bands, equals itself and differs from another two words."""
        sig = signature("Next story", CONFIG)
        assert len(band_hashes(sig, CONFIG)) == CONFIG.bands
        assert estimate_similarity(sig, signature("next  STORY!", CONFIG)) == 1.0
        assert estimate_similarity(sig, signature("Next page", CONFIG)) < 0.1
        assert jaccard("Next story", "Next page", 5) == 0.0


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


class TestFingerprintText:
    def test_same_as_each_function_alone(self, seed_texts: list[str]):
        """One normalisation gives the fingerprint, signature and sketch of the separate calls."""
        for text in [*seed_texts, FOX, ""]:
            prints = fingerprint_text(text, CONFIG)
            assert prints.exact == exact_fingerprint(text)
            assert prints.signature == signature(text, CONFIG)
            assert prints.sketch == shingle_sketch(text, CONFIG)
