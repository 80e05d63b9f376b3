"""The pure maths of de-duplication: fingerprints, MinHash signatures and LSH bands.

Shaped like datatrove's ``MinhashDedupSignature`` with its ``MinhashConfig``: a config
dataclass and plain functions. The index itself (the Redis keys made of the band
hashes, the stored signatures) belongs to ``workers/``; nothing here does input or output.

An article is a ``duplicate`` of an earlier one when their ``exact_fingerprint`` is
equal, and a ``near_duplicate`` when they share at least one of ``band_hashes`` and
``estimate_similarity`` of their signatures reaches ``DedupConfig.threshold``.

Signatures come from rensa's ``RMinHash`` (benchmarks/bench_minhash.py: 20 to 90 times
faster than datasketch's ``MinHash``, as accurate, and deterministic across processes).
Its values depend on rensa's algorithm, so a rensa upgrade that changes
``RMinHash.ALGORITHM_VERSION`` makes stored signatures and band keys incomparable
with new ones; tests/pipelines/test_dedup.py pins known values to catch that.

Near the threshold the estimate alone would decide too often the wrong way (its standard
error is 0.027 at 0.8), so each article also keeps a ``ShingleSketch``: every one of its
shingles hashed (rensa's own token hash, under the same pin) to enough bits that two
sketches give the shingle Jaccard similarity within about 0.001. The index compares
sketches only for the candidates whose estimate falls within ``DedupConfig.verify_margin``
of the threshold. ``fingerprint_text`` makes all three (exact fingerprint, signature,
sketch) from one normalisation of the text: normalising costs more than the rest.
"""

from __future__ import annotations

import hashlib
import operator
import struct
import unicodedata
from dataclasses import dataclass

from rensa import RMinHash

#: What an empty shingle set leaves in every position (rensa's ``u32::MAX``).
EMPTY_VALUE = 0xFFFF_FFFF


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """How signatures are made and cut into bands.

    224 permutations estimate the similarity (standard error 0.027 at 0.8, a little
    more from the 8-bit values the index keeps); an estimate within ``verify_margin``
    of the threshold (3.7 standard errors) is replaced by the exact similarity of the
    two shingle sketches, so that the decision follows the real similarity. The
    LSH bands use the first 64 of them, 16 bands of 4 rows. That makes a pair at
    Jaccard 0.8 a candidate with probability 0.99978 (``candidate_probability``), one
    at 0.5 with 0.64 (so that most revisions of an article are found as well) and one
    at 0.2 with 0.025. Each band is one entry written to Redis per article, so 16
    bands cost half the memory of the earlier 32 x 7 at a higher recall at 0.8.
    """

    num_perm: int = 224
    bands: int = 16
    rows: int = 4
    shingle_size: int = 5  #: words
    threshold: float = 0.8
    #: An earlier article of the same source family this similar (and not a near
    #: duplicate) is an earlier version: ``revision_of``.
    revision_threshold: float = 0.2
    #: Estimates this close to ``threshold`` are checked against the shingle sketches.
    verify_margin: float = 0.1
    seed: int = 42

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands x rows ({self.bands} x {self.rows}) must fit in num_perm ({self.num_perm})"
            )
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, not {self.shingle_size}")
        if not 0 < self.revision_threshold <= self.threshold <= 1:
            raise ValueError("need 0 < revision_threshold <= threshold <= 1")
        if self.verify_margin < 0:
            raise ValueError(f"verify_margin cannot be negative, not {self.verify_margin}")


class _PunctuationTable(dict[int, int | str | None]):
    """A ``str.translate`` table filled on first use of each code point.

    Built lazily because Unicode has 1.1 million code points and an article uses a
    few hundred; a regex class of all 819 punctuation characters is 7x slower.
    Apostrophes and invisible format characters (soft hyphen, zero-width space)
    are deleted, so "don't" and "don’t" stay one word; other punctuation, curly
    or straight quotes and every kind of dash become a space. Letters, digits,
    combining marks (Devanagari vowel signs) and symbols ($, %) are kept.
    """

    def __missing__(self, code: int) -> int | str | None:
        category = unicodedata.category(chr(code))
        value = None if category == "Cf" else " " if category[0] == "P" else code
        self[code] = value
        return value


_PUNCTUATION = _PunctuationTable({ord(c): None for c in "'`\u2018\u2019\u201b\u02bc"})


def normalise_text(text: str) -> str:
    """The text as compared for equality: two copies of one article give the same string.

    NFKC folds compatibility forms (ligatures, full-width letters, no-break spaces);
    it runs again after casefold, which can produce unnormalised sequences.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.translate(_PUNCTUATION).split())


def exact_fingerprint(text: str) -> str:
    """The hex blake2b digest (16 bytes) of the normalised text."""
    return _digest(normalise_text(text))


def _digest(normalised: str) -> str:
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()


def _word_ngrams(text: str, size: int) -> list[str]:
    """Every word n-gram of the normalised text in order, repeats included."""
    return _ngrams(normalise_text(text).split(), size)


def _ngrams(words: list[str], size: int) -> list[str]:
    if not words:
        return []
    if len(words) < size:
        return [" ".join(words)]
    # zip over shifted views is about 25% faster than slicing words[i:i + size].
    return list(map(" ".join, zip(*(words[i:] for i in range(size)), strict=False)))


def shingles(text: str, size: int) -> list[str]:
    """The distinct word ``size``-grams of the normalised text, in order of first use.

    A text shorter than ``size`` words is one shingle; an empty text has none.
    """
    return list(dict.fromkeys(_word_ngrams(text, size)))


def signature(text: str, config: DedupConfig) -> list[int]:
    """The MinHash signature of the text's shingles: ``config.num_perm`` uint32 values.

    rensa hashes tokens with a fixed FxHash-like function and derives its
    permutations from ``config.seed``, so the result does not depend on the process
    or on PYTHONHASHSEED. A minimum ignores repeats, so the shingles are not
    de-duplicated first (that would cost about a third of the time).
    """
    return _signature_of(_word_ngrams(text, config.shingle_size), config)


def _signature_of(ngrams: list[str], config: DedupConfig) -> list[int]:
    minhash = RMinHash(config.num_perm, config.seed)
    # Always a list: rensa would read a bare str as a sequence of characters.
    minhash.update(ngrams)
    values: list[int] = minhash.digest()  # rensa ships no types
    return values


@dataclass(frozen=True, slots=True)
class ShingleSketch:
    """An article's distinct shingles, each hashed to its top ``bits`` bits: ``values``.

    ``bits`` grows with the count (``sketch_bits``) so that distinct shingles rarely share
    a value: one in 8,000 to 16,000 does, whatever the length. Over the 309 pairs of the
    benchmarks' labelled set between 0.7 and 0.9, the sketches' similarity is the exact
    one within 0.0013 (10 low bits instead of 12 saved 0.25 bytes a shingle, but missed
    by up to 0.004 and put one pair on the wrong side of 0.8).
    """

    bits: int
    values: tuple[int, ...]  #: sorted, distinct


@dataclass(frozen=True, slots=True)
class TextFingerprints:
    """What the index keeps of a text: ``exact_fingerprint``, ``signature`` and sketch."""

    exact: str
    signature: list[int]
    sketch: ShingleSketch


def fingerprint_text(text: str, config: DedupConfig) -> TextFingerprints:
    """The three fingerprints of a text, from one normalisation of it."""
    normalised = normalise_text(text)
    ngrams = _ngrams(normalised.split(), config.shingle_size)
    return TextFingerprints(_digest(normalised), _signature_of(ngrams, config), _sketch_of(ngrams))


def shingle_sketch(text: str, config: DedupConfig) -> ShingleSketch:
    """The text's ``ShingleSketch``."""
    return _sketch_of(_word_ngrams(text, config.shingle_size))


def _sketch_of(ngrams: list[str]) -> ShingleSketch:
    # rensa's 64-bit FxHash-like token hash; its top bits spread like random ones
    # (as many collisions as expected over the 130,000 shingles of the eval set).
    hashes = set(RMinHash.hash_token_sets([ngrams])[0]) if ngrams else set()
    bits = sketch_bits(len(hashes))
    return ShingleSketch(bits, tuple(sorted({h >> (64 - bits) for h in hashes})))


def sketch_bits(count: int) -> int:
    """Bits kept per shingle hash for ``count`` shingles: 4,096 to 8,192 values a shingle."""
    return min(40, max(16, count.bit_length() + LOW_BITS))


#: The low bits of each value stored as they are (``pack_sketch``: a byte and a half);
#: also the margin of ``sketch_bits`` over the count's own bits.
LOW_BITS = 12


def sketch_similarity(a: ShingleSketch, b: ShingleSketch) -> float:
    """The Jaccard similarity of two sketches' values (1.0 for two empty texts).

    A sketch of more bits is first cut to the other's, so texts of different lengths
    compare on the values they can share.
    """
    bits = min(a.bits, b.bits)
    set_a = {value >> (a.bits - bits) for value in a.values}
    set_b = {value >> (b.bits - bits) for value in b.values}
    union = len(set_a | set_b)
    return len(set_a & set_b) / union if union else 1.0


#: The first byte of a packed sketch: another layout would get another number.
SKETCH_FORMAT = 1


def pack_sketch(sketch: ShingleSketch) -> bytes:
    """The sketch in about 1.8 bytes a shingle, for storage in Redis.

    An Elias-Fano layout: a header (format, bits, count in 3 bytes); the ``LOW_BITS`` low
    bits of every value, as its low byte, then its next 4 bits two to a byte; then a bit
    array with bit ``(value >> LOW_BITS) + i`` set for the i-th value. With 4,096 to 8,192
    possible values a shingle, the high parts take 2 to 3 bits each.
    """
    values, count = sketch.values, len(sketch.values)
    nibbles = [(value >> 8) & 0xF for value in values] + [0]  # a 0 pads an odd count
    positions = [(value >> LOW_BITS) + i for i, value in enumerate(values)]
    high = bytearray(positions[-1] // 8 + 1 if positions else 0)
    for position in positions:
        high[position >> 3] |= 1 << (position & 7)
    return b"".join(
        (
            bytes((SKETCH_FORMAT, sketch.bits)),
            count.to_bytes(3, "little"),
            bytes(value & 0xFF for value in values),
            bytes(a | b << 4 for a, b in zip(nibbles[0:count:2], nibbles[1::2], strict=True)),
            high,
        )
    )


def unpack_sketch(data: bytes) -> ShingleSketch | None:
    """The sketch that ``pack_sketch`` stored; None for another format or a damaged one."""
    if len(data) < 5 or data[0] != SKETCH_FORMAT:
        return None
    count = int.from_bytes(data[2:5], "little")
    lows, nibbles = data[5 : 5 + count], data[5 + count : 5 + count + (count + 1) // 2]
    # The set bits' positions, lowest first: the binary digits read backwards.
    digits = bin(int.from_bytes(data[5 + count + (count + 1) // 2 :], "little"))[:1:-1]
    positions = [i for i, digit in enumerate(digits) if digit == "1"]
    if len(nibbles) != (count + 1) // 2 or len(positions) != count:
        return None
    values = tuple(
        ((position - i) << LOW_BITS) | (((nibbles[i >> 1] >> 4 * (i & 1)) & 0xF) << 8) | lows[i]
        for i, position in enumerate(positions)
    )
    return ShingleSketch(data[1], values)


def band_hashes(sig: list[int], config: DedupConfig) -> list[str]:
    """One 16-hex-digit digest per band of ``config.rows`` values: the LSH keys.

    The band index is hashed with the rows, so equal rows in two different bands
    never give the same key. An empty text has no bands: it would otherwise
    collide with every other empty text.
    """
    if len(sig) != config.num_perm:
        raise ValueError(f"signature has {len(sig)} values, config expects {config.num_perm}")
    if all(value == EMPTY_VALUE for value in sig):
        return []
    packed, width = signature_to_bytes(sig), 4 * config.rows
    return [
        hashlib.blake2b(
            band.to_bytes(2, "little") + packed[band * width : (band + 1) * width], digest_size=8
        ).hexdigest()
        for band in range(config.bands)
    ]


def estimate_similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """The estimated Jaccard similarity: the fraction of positions where the values agree."""
    if len(sig_a) != len(sig_b) or not sig_a:
        raise ValueError(f"cannot compare signatures of {len(sig_a)} and {len(sig_b)} values")
    agreeing: float = sum(map(operator.eq, sig_a, sig_b)) / len(sig_a)  # operator.eq returns Any
    return agreeing


def signature_to_bytes(sig: list[int]) -> bytes:
    """The signature as 4 bytes per value, little-endian, for storage in Redis."""
    return struct.pack(f"<{len(sig)}I", *sig)


def signature_from_bytes(data: bytes) -> list[int]:
    """The signature that ``signature_to_bytes`` stored."""
    if len(data) % 4:
        raise ValueError(f"a stored signature has 4 bytes per value, got {len(data)} bytes")
    return list(struct.unpack(f"<{len(data) // 4}I", data))


def compact_signature(sig: list[int]) -> bytes:
    """The lowest byte of each min-hash value: b-bit minwise hashing with b = 8.

    A quarter of the memory of the full values; two values that differ agree on
    their low byte by chance once in 256, which ``estimate_compact_similarity``
    takes back out (Li and König, "b-Bit Minwise Hashing", 2010).
    """
    return bytes(value & 0xFF for value in sig)


def estimate_compact_similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two ``compact_signature`` values."""
    if len(a) != len(b) or not a:
        raise ValueError(f"cannot compare signatures of {len(a)} and {len(b)} bytes")
    agreeing: float = sum(map(operator.eq, a, b)) / len(a)  # operator.eq returns Any
    return max(0.0, (agreeing - _CHANCE) / (1.0 - _CHANCE))


#: How often two unrelated 8-bit values agree.
_CHANCE = 1 / 256


def jaccard(a_text: str, b_text: str, size: int) -> float:
    """The exact Jaccard similarity of the two texts' shingle sets (1.0 for two empty texts)."""
    a, b = set(shingles(a_text, size)), set(shingles(b_text, size))
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def candidate_probability(similarity: float, config: DedupConfig) -> float:
    """The chance that a pair at this Jaccard similarity shares at least one band."""
    return 1.0 - (1.0 - similarity**config.rows) ** config.bands
