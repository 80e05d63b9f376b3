"""Which MinHash for pipelines/dedup/minhash.py: rensa or datasketch, measured on real article text.

Run it from the repository root: ``python benchmarks/bench_minhash.py`` (about 15 s).
It reads the 181 human-made article bodies of shared/eval/extraction (never copied
into the project) and prints, for each implementation at the configured num_perm:

- microseconds per signature, from ready-made shingles (the library alone), and for
  ``pipelines.dedup.minhash.signature`` end to end (normalising and shingling included);
- the mean and largest absolute error of the estimated Jaccard similarity against the
  exact one, on each text paired with a copy with 5%, 10% or 30% of its sentences
  edited or dropped, and on pairs of different articles;
- whether signatures computed in another process (another PYTHONHASHSEED) agree;
- the LSH S-curve of the configuration and the false candidates among real articles.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from datasketch import MinHash
from rensa import CMinHash, RMinHash

from pipelines.dedup.minhash import (
    DedupConfig,
    band_hashes,
    candidate_probability,
    estimate_similarity,
    jaccard,
    shingles,
    signature,
)

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "extraction"
FRACTIONS = (0.05, 0.10, 0.30)
REPEATS = 7  #: timings are the best of this many passes: the least disturbed by other load
SEED = 20240601  #: of the sentence edits, so that two runs compare the same pairs

Signer = Callable[[list[str]], list[int]]


def load_texts() -> list[str]:
    """The non-empty ``text`` fields of the evaluation pages, in file name order."""
    texts = [json.loads(p.read_text("utf-8"))["text"] for p in sorted(EVAL_DIR.glob("*.json"))]
    return [t for t in texts if t and t.strip()]


def signers(config: DedupConfig) -> dict[str, Signer]:
    """Each implementation as shingles -> signature, configured alike."""
    n, seed = config.num_perm, config.seed
    # datasketch at its best: its default scheme (affine32), permutations drawn once.
    perms = MinHash(num_perm=n, seed=seed).permutations

    def rensa_r(sh: list[str]) -> list[int]:
        m = RMinHash(n, seed)
        m.update(sh)
        return m.digest()

    def rensa_c(sh: list[str]) -> list[int]:
        m = CMinHash(n, seed)
        m.update(sh)
        return m.digest()

    def datasketch(sh: list[str]) -> list[int]:
        m = MinHash(num_perm=n, seed=seed, permutations=perms, scheme="affine32")
        m.update_batch([s.encode("utf-8") for s in sh])
        return m.hashvalues.tolist()

    return {"rensa RMinHash": rensa_r, "rensa CMinHash": rensa_c, "datasketch MinHash": datasketch}


def best_time_us(fn: Callable[[object], object], items: list) -> float:
    """Microseconds per item: the fastest of REPEATS passes over all items."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


def edit_sentences(text: str, fraction: float, rng: random.Random) -> str:
    """The text with ``fraction`` of its sentences (at least one) each dropped or reworded."""
    sentences = re.split(r"(?<=[.!?。])\s+|\n+", text.strip())
    chosen = set(rng.sample(range(len(sentences)), max(1, round(fraction * len(sentences)))))
    out = []
    for i, sentence in enumerate(sentences):
        if i not in chosen:
            out.append(sentence)
        elif rng.random() < 0.5:  # reworded: every third word replaced
            words = sentence.split()
            out.append(" ".join("altered" if j % 3 == 1 else w for j, w in enumerate(words)))
    return "\n".join(out)


def build_pairs(texts: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Pairs by kind: each text with an edited copy per fraction, and neighbours' texts."""
    rng = random.Random(SEED)
    pairs = {
        f"{round(f * 100)}% edited": [(t, edit_sentences(t, f, rng)) for t in texts]
        for f in FRACTIONS
    }
    pairs["different"] = list(itertools.pairwise(texts))
    return pairs


def errors(sign: Signer, pairs: list[tuple[str, str]], size: int) -> list[float]:
    """|estimated - exact| Jaccard of each pair."""
    return [
        abs(
            estimate_similarity(sign(shingles(a, size)), sign(shingles(b, size)))
            - jaccard(a, b, size)
        )
        for a, b in pairs
    ]


def emit_signatures(texts: list[str], config: DedupConfig) -> dict[str, list[list[int]]]:
    """Signatures of the first 20 texts by each implementation, for the cross-process check."""
    out = {
        name: [sign(shingles(t, config.shingle_size)) for t in texts[:20]]
        for name, sign in signers(config).items()
    }
    out["signature()"] = [signature(t, config) for t in texts[:20]]
    return out


def cross_process_agreement(texts: list[str], config: DedupConfig) -> dict[str, bool]:
    """Run this script in a child with another PYTHONHASHSEED; which implementations agree."""
    env = {**os.environ, "PYTHONHASHSEED": str(os.getpid() % 4000 + 1)}
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--emit-signatures",
            f"--num-perm={config.num_perm}",
            f"--bands={config.bands}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    theirs, ours = json.loads(child.stdout), emit_signatures(texts, config)
    return {name: theirs[name] == ours[name] for name in ours}


def false_candidates(texts: list[str], config: DedupConfig) -> tuple[int, int, float]:
    """(pairs sharing a band, pairs in all, highest estimate) among different articles."""
    sigs = [signature(t, config) for t in texts]
    buckets: dict[str, set[int]] = defaultdict(set)
    for i, sig in enumerate(sigs):
        for key in band_hashes(sig, config):
            buckets[key].add(i)
    shared = {pair for ids in buckets.values() for pair in itertools.combinations(sorted(ids), 2)}
    highest = max(estimate_similarity(a, b) for a, b in itertools.combinations(sigs, 2))
    return len(shared), len(texts) * (len(texts) - 1) // 2, highest


def print_speed_and_accuracy(texts: list[str], config: DedupConfig) -> None:
    """The main table and the speed ratios."""
    size = config.shingle_size
    shingle_sets = [shingles(t, size) for t in texts]
    pairs = build_pairs(texts)
    mean_shingles = statistics.mean(map(len, shingle_sets))
    print(
        f"\n{len(texts)} article bodies, {mean_shingles:.0f} shingles of {size} words on average;"
        f" num_perm={config.num_perm}, seed={config.seed}"
    )
    header = "".join(f"{kind:>15}" for kind in pairs)
    print(f"\n{'implementation':<28}{'µs/signature':>13}   MAE (max abs error) of the estimate")
    print(f"{'':<28}{'':>13}{header}")
    speeds = {}
    for name, sign in signers(config).items():
        speeds[name] = best_time_us(sign, shingle_sets)
        cells = "".join(
            f"{statistics.mean(e):>8.4f} ({max(e):.2f})"
            for e in (errors(sign, p, size) for p in pairs.values())
        )
        print(f"{name:<28}{speeds[name]:>13.1f}{cells}")
    end_to_end = best_time_us(lambda t: signature(t, config), texts)
    shingling = best_time_us(lambda t: shingles(t, size), texts)
    print(
        f"{'signature() end to end':<28}{end_to_end:>13.1f}   (rensa RMinHash; exact pairs"
        " as above)"
    )
    print(f"{'  for reference: shingles()':<28}{shingling:>13.1f}   (normalise + distinct 5-grams)")
    print_ratios(speeds)


def print_ratios(speeds: dict[str, float]) -> None:
    """How many times faster the rensa variants are than datasketch and each other."""
    ds, r, c = speeds["datasketch MinHash"], speeds["rensa RMinHash"], speeds["rensa CMinHash"]
    print(f"\nrensa RMinHash is {ds / r:.1f}x faster than datasketch MinHash")
    print(f"rensa CMinHash is {ds / c:.1f}x faster than datasketch MinHash")
    print(f"rensa RMinHash is {c / r:.1f}x faster than rensa CMinHash")


def print_lsh(texts: list[str], config: DedupConfig) -> None:
    """The S-curve of the configuration and its false candidates on real articles."""
    print(f"\nLSH: {config.bands} bands x {config.rows} rows; P(pair becomes a candidate):")
    for s in (0.3, 0.5, 0.7, 0.8, 0.9):
        print(f"  Jaccard {s:.1f}: {candidate_probability(s, config):.6f}")
    shared, total, highest = false_candidates(texts, config)
    print(
        f"different real articles: {shared} of {total} pairs share a band;"
        f" highest estimated similarity {highest:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-perm", type=int, default=DedupConfig().num_perm)
    parser.add_argument("--bands", type=int, default=DedupConfig().bands)
    parser.add_argument("--emit-signatures", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    config = DedupConfig(num_perm=args.num_perm, bands=args.bands)
    texts = load_texts()
    if args.emit_signatures:
        print(json.dumps(emit_signatures(texts, config)))
        return
    started = time.perf_counter()
    print_speed_and_accuracy(texts, config)
    agree = cross_process_agreement(texts, config)
    print(
        "\nsame signatures in a separate process (other PYTHONHASHSEED): "
        + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in agree.items())
    )
    print_lsh(texts, config)
    print(f"\n(took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
