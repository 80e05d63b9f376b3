"""How the dedup index stores an article: its doc hash fields and band bucket members.

Pure encoding, no Redis: ``workers/state/dedup_index.py`` writes and reads these values.

Longer values are stored in pieces of ``PIECE`` bytes ("s0", "s1", ...): Redis keeps a
hash whose values are all at most 64 bytes (hash-max-listpack-value) as one compact
listpack, and a hash with a single longer value as a table, at twice the memory.
A doc hash holds "q" (the sequence number), "f" (8 bytes of the exact fingerprint),
"t" (milliseconds seen at), "g" (8 bytes per source family), "s*" (the compact
signature), "e*" (the packed story features), "h*" (the packed shingle sketch, read only
for the candidates near the threshold) and "d*" (the decision as JSON). Docs written
before "g" and "h*" existed still parse: no family digests, no sketch (the estimate
decides).

A sketch longer than ``SKETCH_PIECES`` pieces (a text of about 2,600 distinct shingles
or more) is not stored: cut, it would give a wrong similarity. With the other fields a
doc then has at most 109 fields, below Redis's hash-max-listpack-entries (128).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from pipelines.dedup import minhash, stories
from pipelines.dedup.policy import Earlier, Probe

ID_BYTES = 8  # article ids are 16 hex digits

PIECE = 60
SIGNATURE_PIECES, FEATURE_PIECES, DECISION_PIECES = 4, 8, 12
SKETCH_PIECES = 80
FAMILIES_KEPT = 7  #: family digests in "g": 56 bytes, one piece


def names(name: str, count: int) -> list[str]:
    """The field names name0, name1... of ``count`` pieces."""
    return [f"{name}{n}" for n in range(count)]


def pieces(name: str, data: bytes, most: int) -> dict[str, bytes]:
    """``data`` as fields name0, name1... of at most PIECE bytes (cut beyond ``most``)."""
    return {
        f"{name}{n}": data[start : start + PIECE]
        for n, start in enumerate(range(0, min(len(data), most * PIECE), PIECE))
    }


def joined(values: Sequence[bytes | None]) -> bytes | None:
    """The value that ``pieces`` stored, None when it has no first piece."""
    if not values or values[0] is None:
        return None
    return b"".join(v for v in values if v is not None)


def member(article_id: str) -> bytes:
    """An article id as a band bucket stores it: 8 bytes."""
    return bytes.fromhex(article_id)


def ids(reply: bytes | Iterable[bytes] | None) -> list[str]:
    """Article ids from a band value (8 bytes each) or a list's members (hex)."""
    if reply is None:
        return []
    if isinstance(reply, bytes):
        return [reply[i : i + ID_BYTES].hex() for i in range(0, len(reply), ID_BYTES)]
    return [item.decode() for item in reply]


def doc_fields(probe: Probe) -> dict[str, bytes | int]:
    """The fields an article publishes in its doc hash before anyone can find it."""
    fields: dict[str, bytes | int] = {"f": probe.fingerprint, "t": int(probe.seen_at * 1000)}
    if probe.family_digests:
        fields["g"] = b"".join(sorted(probe.family_digests)[:FAMILIES_KEPT])
    fields.update(pieces("s", probe.compact, SIGNATURE_PIECES))
    fields.update(pieces("e", stories.pack_features(probe.features), FEATURE_PIECES))
    fields.update(sketch_pieces(probe.sketch))
    return fields


def sketch_pieces(sketch: minhash.ShingleSketch | None) -> dict[str, bytes]:
    """The "h" pieces of a sketch; none for a sketch too long to store whole."""
    packed = minhash.pack_sketch(sketch) if sketch is not None else b""
    return pieces("h", packed, SKETCH_PIECES) if len(packed) <= SKETCH_PIECES * PIECE else {}


#: The fields of a doc that ``parsed`` reads, in this order.
DOC_FIELDS = ["q", "f", "t", "g", *names("s", SIGNATURE_PIECES)]
DOC_FIELDS += names("e", FEATURE_PIECES) + names("d", DECISION_PIECES)
#: The fields of a sketch's pieces.
SKETCH_FIELDS = names("h", SKETCH_PIECES)


def parsed(article_id: str, how: set[str], values: list[bytes | None]) -> Earlier | None:
    """One doc as ``DOC_FIELDS`` read it; None when it expired."""
    seq, fingerprint, seen_at, families = values[:4]
    signature_end = 4 + SIGNATURE_PIECES
    compact = joined(values[4:signature_end])
    if compact is None:
        return None
    features = joined(values[signature_end : signature_end + FEATURE_PIECES])
    decision = joined(values[signature_end + FEATURE_PIECES :])
    return Earlier(
        article_id,
        None if seq is None else int(seq),
        compact,
        fingerprint or b"",
        stories.unpack_features(features or b""),
        int(seen_at or 0) / 1000,
        json.loads(decision) if decision else None,
        how,
        family_digests(families or b""),
    )


def family_digests(stored: bytes) -> frozenset[bytes]:
    """The 8-byte family digests of a doc's "g" field."""
    return frozenset(stored[i : i + 8] for i in range(0, len(stored) - len(stored) % 8, 8))


def sketch_from(packed: bytes | None) -> minhash.ShingleSketch | None:
    """The sketch of a doc from its "h" pieces joined; None when it has none."""
    return minhash.unpack_sketch(packed) if packed else None


def decision_pieces(decision: dict[str, object]) -> tuple[dict[str, object], dict[str, bytes]]:
    """The decision as kept (no None values, ``compared`` cut to fit) and its "d" pieces."""
    kept = {k: v for k, v in decision.items() if v is not None}
    encoded = json.dumps(kept, separators=(",", ":")).encode()
    while len(encoded) > DECISION_PIECES * PIECE and kept.get("compared"):
        kept["compared"] = kept["compared"][:-1]  # type: ignore[index]
        encoded = json.dumps(kept, separators=(",", ":")).encode()
    return kept, pieces("d", encoded, DECISION_PIECES)


def decision_from(values: Sequence[bytes | None]) -> dict[str, object] | None:
    """The decision that ``decision_pieces`` stored, read as ``names("d", DECISION_PIECES)``."""
    stored = joined(values)
    return json.loads(stored) if stored else None
