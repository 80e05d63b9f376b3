"""Benchmark NER alone: the entities stage one text at a time against in batches.

usage: python benchmarks/bench_ner_batching.py [--batch 8 ...] [--rounds 3] [--limit N]
                                               [--json PATH]

The inputs of ``bench_pipeline.py`` (the seeds and the eval pages, read in place), each
extracted, then read by ``EntityRecognizer.recognize`` one at a time and by
``recognize_many`` in groups of each ``--batch``, interleaved over ``--rounds`` rounds in
this process: CPU words/s (per core: one process uses one) of the best round, and whether
every article's entities are the same as unbatched.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_pipeline import load_inputs
from benchmarks.pipeline_workers import WARMUP_TEXT
from pipelines.article import Rejected
from pipelines.extract.extractor import extract, kind_of


def ner_alone(inputs: list[Path], batches: list[int], rounds: int) -> dict:
    """NER words/s unbatched and in groups of each batch size, rounds interleaved."""
    from pipelines.entities.recognizer import EntityRecognizer, NerRequest

    requests = []
    for path in inputs:
        with contextlib.suppress(Rejected):
            found = extract(path.read_bytes(), kind_of(path.name) or "unknown", url=None)
            requests.append(NerRequest(found.text, found.title, found.language))
    words = sum(len(request.text.split()) for request in requests)
    recognizer = EntityRecognizer()
    recognizer.recognize(WARMUP_TEXT.format(n=0))
    alone = [recognizer.recognize(r.text, r.title, r.language) for r in requests]
    seconds: dict[int, list[float]] = {batch: [] for batch in [1, *batches] if batch >= 1}
    same: dict[int, bool] = {}
    for _ in range(rounds):
        for batch in seconds:
            cpu = time.process_time()
            if batch == 1:
                outcomes = [recognizer.recognize(r.text, r.title, r.language) for r in requests]
            else:
                outcomes = []
                for start in range(0, len(requests), batch):
                    outcomes += recognizer.recognize_many(requests[start : start + batch])
            seconds[batch].append(time.process_time() - cpu)
            same[batch] = same.get(batch, True) and outcomes == alone
    return {
        "texts": len(requests),
        "words": words,
        "words_per_cpu_s": {batch: words / min(times) for batch, times in seconds.items()},
        "cpu_seconds": seconds,
        "entities_same_as_unbatched": same,
    }


def report_ner(ner: dict) -> None:
    rates = ner["words_per_cpu_s"]
    print(f"\nNER alone on {ner['texts']} texts ({ner['words']:,} words), best of the rounds:")
    for batch, rate in rates.items():
        label = f"batches of {batch}" if batch > 1 else "one text at a time"
        same = "same entities" if ner["entities_same_as_unbatched"][batch] else "ENTITIES DIFFER"
        print(f"  {label:<20}{rate:>9,.0f} words/s per core  {rate / rates[1]:.2f}x  {same}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, nargs="+", default=[8], help="(default: 8)")
    parser.add_argument("--rounds", type=int, default=3, help="(default: 3)")
    parser.add_argument("--limit", type=int, help="only the first N inputs")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)
    inputs = load_inputs(args.limit)
    if not inputs:
        parser.error("no inputs: ../shared beside the clone holds the seeds and eval pages")
    ner = ner_alone(inputs, args.batch, max(args.rounds, 1))
    report_ner(ner)
    if args.json:
        args.json.write_text(json.dumps(ner, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
