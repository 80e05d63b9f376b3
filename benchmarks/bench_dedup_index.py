"""The dedup index at scale: classify cost and Redis memory per indexed document.

Starts its own redis-server (workers.runtime.embedded.EmbeddedRedis, on a unix socket in a
temporary folder; never a Redis that is already running), fills the index with
synthetic documents up to each size, and at each size:

* times ``DedupIndex.classify`` (lookup + insert, the dedup stage's whole work) on a
  sample of new random texts (unique: the common case), on near copies of them (each
  finds one candidate) and on copies near the threshold (exact Jaccard about 0.8: the
  candidate's shingle sketch is read and compared), one call at a time, as a worker
  makes them;
* measures Redis memory (INFO ``used_memory``) per indexed document.

Synthetic documents are loaded in bulk with pipelines: random compact signatures and
band values, written to exactly the keys and fields ``classify`` writes (doc hash with
signature, fingerprint, time, family digest, a random shingle sketch of a 400-word text's
size, sequence number and decision; one 8-byte id per band in the bucket hashes).
Nothing is asserted; the figures are printed (and written with --json).

    .venv/bin/python benchmarks/bench_dedup_index.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import sys
import time
from pathlib import Path
from typing import Any

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.private_redis import private_redis
from pipelines.dedup import minhash as dedup
from pipelines.dedup.encoding import DECISION_PIECES, SIGNATURE_PIECES, SKETCH_PIECES, pieces
from workers.keys import Keys
from workers.state.dedup_index import DedupIndex, IndexConfig

KEYS = Keys("bench")
CONFIG = dedup.DedupConfig()
CHUNK = 2000  # documents per loading pipeline
#: The packed sketch of a 400-word text (396 shingles), as ``random_texts`` makes them.
SKETCH_BYTES = len(dedup.pack_sketch(dedup.shingle_sketch(" ".join(map(str, range(400))), CONFIG)))


def load(client: redis.Redis, index: DedupIndex, start: int, stop: int, rng: random.Random) -> None:
    """Index documents start..stop-1 as classify would have left them (all unique)."""
    now = time.time()
    slice_number = int(now // index._index.window)
    for first in range(start, stop, CHUNK):
        count = min(CHUNK, stop - first)
        compacts = rng.randbytes(count * CONFIG.num_perm)
        bands = rng.randbytes(count * CONFIG.bands * 8)
        fingerprints = rng.randbytes(count * 8)
        pipe = client.pipeline(transaction=False)
        for n in range(count):
            _load_one(pipe, index, first + n, now, slice_number, compacts, bands, fingerprints, n)
        pipe.execute()
    client.set(KEYS.dedup_sequence, stop)
    _expire_buckets(client, index, slice_number, now)


def _load_one(pipe, index, number, now, slice_number, compacts, bands, fingerprints, n) -> None:
    article_id = f"{number:016x}"
    doc = KEYS.doc(article_id)
    decision = json.dumps({"status": "unique", "story": article_id}, separators=(",", ":"))
    sig = compacts[n * CONFIG.num_perm : (n + 1) * CONFIG.num_perm]
    fields = {"f": fingerprints[n * 8 : n * 8 + 8], "t": int(now * 1000), "q": number + 1}
    fields["g"] = fingerprints[n * 8 : n * 8 + 8]  # one family: any 8 bytes
    fields.update(pieces("s", sig, SIGNATURE_PIECES))
    # Never unpacked: a random signature is never near the threshold of another.
    fields.update(pieces("h", bytes(SKETCH_BYTES), SKETCH_PIECES))
    fields.update(pieces("d", decision.encode(), DECISION_PIECES))
    pipe.hset(doc, mapping=fields)
    pipe.pexpire(doc, int(index._doc_ttl() * 1000))
    member = bytes.fromhex(article_id)
    for band in range(CONFIG.bands):
        raw = bands[(n * CONFIG.bands + band) * 8 : (n * CONFIG.bands + band + 1) * 8]
        key, field = index._band_slot(slice_number, band, raw.hex())
        pipe.hset(key, field, member)


def _expire_buckets(client: redis.Redis, index: DedupIndex, slice_number: int, now: float) -> None:
    expire_at = int(((slice_number + 2) * index._index.window + index._index.clock_margin) * 1000)
    pipe = client.pipeline(transaction=False)
    for band in range(CONFIG.bands):
        for bucket in range(index._index.band_buckets):
            pipe.pexpireat(KEYS.dedup_band(slice_number, band, bucket), expire_at)
        pipe.execute()


def random_texts(count: int, rng: random.Random) -> list[str]:
    letters = string.ascii_lowercase
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(20000)]
    return [" ".join(rng.choices(vocabulary, k=400)) for _ in range(count)]


def near_copy(text: str) -> str:
    words = text.split()
    words[200:203] = ["edited", "by", "hand"]
    return " ".join(words)


def near_line_copy(text: str) -> str:
    """Nine words replaced 40 apart: 45 of 396 shingles changed, exact Jaccard about 0.8."""
    words = text.split()
    for at in range(20, 380, 40):
        words[at] = "rewritten"
    return " ".join(words)


def time_classify(index: DedupIndex, texts: list[str], prefix: str) -> dict[str, float]:
    """µs per classify call: new unique texts, then a near copy of each."""
    out: dict[str, float] = {}
    for n, text in enumerate(texts[:20]):  # warm up: scripts loaded, connections open
        index.classify(f"{prefix}c{n:013x}", near_copy(near_copy(text)[::-1]))
    batches = [
        ("unique", "a", texts),
        ("near_copy", "b", [near_copy(t) for t in texts]),
        ("near_line", "d", [near_line_copy(t) for t in texts]),
    ]
    for kind, letter, batch in batches:
        times, server_before = [], server_usec(index)
        for n, text in enumerate(batch):
            started = time.perf_counter()
            decision = index.classify(f"{prefix}{letter}{n:013x}", text)
            times.append((time.perf_counter() - started) * 1e6)
            if kind != "near_line":  # sanity, not a target (near the line: either)
                expected = "unique" if kind == "unique" else "near_duplicate"
                assert decision.dedup.status == expected, (kind, n, decision)
        out[f"{kind}_median_us"] = statistics.median(times)
        out[f"{kind}_redis_us"] = (server_usec(index) - server_before) / len(batch)
        out[f"{kind}_p90_us"] = statistics.quantiles(times, n=10)[-1]
    started = time.perf_counter()
    for text in texts:
        dedup.signature(text, CONFIG)
    out["signature_only_us"] = (time.perf_counter() - started) * 1e6 / len(texts)
    return out


def server_usec(index: DedupIndex) -> int:
    """CPU µs Redis spent in commands so far (INFO commandstats): immune to client noise."""
    stats = index._client.info("commandstats")
    return sum(int(v["usec"]) for v in stats.values())


def measure(client: redis.Redis, baseline: int, size: int) -> dict[str, Any]:
    used = int(client.info("memory")["used_memory"]) - baseline
    sample_doc = KEYS.doc(f"{size - 1:016x}")
    return {
        "documents": size,
        "redis_bytes_per_doc": used / size,
        "keys": client.dbsize(),
        "doc_key_bytes": client.memory_usage(sample_doc, samples=0),
    }


def run(sizes: list[int], sample: int, buckets: int) -> list[dict[str, Any]]:
    rows = []
    with private_redis("dedup", persist=False) as client:
        index = DedupIndex(client, KEYS, CONFIG, IndexConfig(band_buckets=buckets))
        baseline = int(client.info("memory")["used_memory"])
        rng, text_rng, loaded = random.Random(7), random.Random(8), 0
        for step, size in enumerate(sorted(sizes)):
            started = time.perf_counter()
            load(client, index, loaded, size, rng)
            loaded = size
            row = {**measure(client, baseline, size), "load_seconds": time.perf_counter() - started}
            row["band_buckets"] = buckets
            row.update(time_classify(index, random_texts(sample, text_rng), f"f{step:x}"))
            rows.append(row)
            rounded = {k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}
            print(json.dumps(rounded), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--sample", type=int, default=300, help="classify calls timed per size")
    parser.add_argument(
        "--buckets",
        type=int,
        default=IndexConfig().band_buckets,
        help="bucket hashes per band (default: the shipped default)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = run(args.sizes, args.sample, args.buckets)
    base = rows[0]
    for row in rows:
        ratio = row["unique_median_us"] / base["unique_median_us"]
        print(
            f"{row['documents']:>9} docs  {row['redis_bytes_per_doc']:7.0f} B/doc  "
            f"classify unique {row['unique_median_us']:6.0f} µs (x{ratio:.2f})  "
            f"near copy {row['near_copy_median_us']:6.0f} µs  "
            f"near the line {row['near_line_median_us']:6.0f} µs  "
            f"Redis CPU {row['unique_redis_us']:4.0f}/{row['near_copy_redis_us']:4.0f}/"
            f"{row['near_line_redis_us']:4.0f} µs  "
            f"(signature alone {row['signature_only_us']:.0f} µs)"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
