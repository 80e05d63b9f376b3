"""Tests for pipelines.dedup.minhash on invented text and on real articles read from shared/.

The real texts (shared/seeds/*.txt and the bodies of shared/eval/extraction/*.json)
are read where they lie, beside the repository, and never copied into it.
"""

from __future__ import annotations

import itertools
import json
import os
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
    estimate_similarity,
    exact_fingerprint,
    fingerprint_text,
    jaccard,
    normalise_text,
    shingle_sketch,
    shingles,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from tests.pipelines.dedup_texts import FOX, edit_sentences

REPO = Path(__file__).resolve().parents[2]
CONFIG = DedupConfig()

WRAPPER_TOP = "Advertisement: Subscribe to our newsletter for the latest headlines"
WRAPPER_BOTTOM = "© 2024 The Daily Example. All rights reserved. Terms of use apply."


def edit_one_sentence(text: str) -> str:
    """The text with one word of its middle sentence replaced."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    middle = sentences[len(sentences) // 2].split()
    middle[len(middle) // 2] = "reportedly"
    sentences[len(sentences) // 2] = " ".join(middle)
    return " ".join(sentences)


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


class TestFingerprintText:
    def test_same_as_each_function_alone(self, seed_texts: list[str]):
        """One normalisation gives the fingerprint, signature and sketch of the separate calls."""
        for text in [*seed_texts, FOX, ""]:
            prints = fingerprint_text(text, CONFIG)
            assert prints.exact == exact_fingerprint(text)
            assert prints.signature == signature(text, CONFIG)
            assert prints.sketch == shingle_sketch(text, CONFIG)
