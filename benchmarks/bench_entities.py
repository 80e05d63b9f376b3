"""Benchmark the entities stage: quality on the hand gold, words/s, and peak RSS.

usage: python benchmarks/bench_entities.py [--mode ruler|correct|none] [--long-words N]
                                           [--json PATH] [--module pipelines.entities.recognizer]
                                           [--model PACKAGE_OR_FOLDER] [--documents PREFIX]

- quality: precision/recall per label (PERSON, ORG, GPE; per entity) on the documents of
  tests/fixtures/entities_gold/gold.json (the 5 seeds and eval texts, read in place from
  ../shared, the project's samples and invented texts beside the gold, and English pages
  of the check set as the extract stage reads them, where its cache is; ``--documents``
  keeps those whose id starts with PREFIX, "checkset/" say), dev and held-out
  apart, with the gold's checks passed (mentions keyed to their place, names without
  titles); of dev only, the errors: people split in two, gold entities given more than
  one key across documents, failed checks (held-out shows totals only, so that nobody
  tunes on its errors);
- how sure: for each split and label, a 95% interval of precision and recall from 2,000
  bootstrap resamples of the split's documents (the gold is a few hundred entities: a
  goal missed by less than the interval's half-width is not shown missed);
- speed: words/s of ``EntityRecognizer`` over the gold texts, model warm, one process;
- memory: this process's peak RSS after the model is loaded, after the gold, after one
  synthetic article of ``--long-words`` words (chunked, so the peak must stay flat), and
  after an invented German article (which loads the language identifier's model).
Run each mode in its own process: the peak RSS is per process.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "fixtures" / "entities_gold" / "gold.json"
sys.path.insert(0, str(ROOT))

from benchmarks.bootstrap import interval  # noqa: E402
from pipelines.entities.scoring import (  # noqa: E402
    SCORED_LABELS,
    SPLITS,
    LabelScore,
    Score,
    score_document,
    split_of,
)
from pipelines.entities.scoring import gold_texts as load_gold_texts  # noqa: E402


def gold_texts(documents: str = "") -> dict[str, str]:
    """Document id -> text of every gold document whose id starts with ``documents`` and
    whose text can be read here (a check-set page is extracted only when it is wanted)."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    wanted = {doc: entry for doc, entry in gold.items() if doc.startswith(documents)}
    texts = load_gold_texts(GOLD, SHARED) | checkset_texts(wanted)
    return {doc: text for doc, text in texts.items() if doc in wanted}


def checkset_texts(gold: dict[str, object]) -> dict[str, str]:
    """The "checkset/<page id>" documents of the gold: the text the extract stage gives
    of each such page of the check set, where the check set is cached (``python -m
    benchmarks.checkset`` fetches it); the others are left out, with a line on stderr."""
    from benchmarks.checkset import load
    from pipelines.extract.extractor import extract

    wanted = {doc.partition("/")[2]: doc for doc in gold if doc.startswith("checkset/")}
    if not wanted:
        return {}
    pages = [page for page in load().pages if page.id in wanted]
    texts = {wanted[page.id]: extract(page.html, "html").text for page in pages}
    if missing := sorted(set(wanted.values()) - set(texts)):
        print(
            f"bench_entities: {len(missing)} check-set documents left out, not in the cache:"
            " python -m benchmarks.checkset fetches it",
            file=sys.stderr,
        )
    return texts


# Invented: a report in German, for the language identifier's memory.
GERMAN = (
    "Der Bürgermeister von Brackwasser sagte am Dienstag, die Hafenmauer werde noch vor den "
    "Winterstürmen repariert. Die Arbeiten sollen drei Monate dauern und werden von der Stadt "
    "und dem Land gemeinsam bezahlt. "
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def long_article(words: int) -> str:
    """An invented article of about ``words`` words, in paragraphs, with recurring names."""
    paragraph = (
        "Update {i}: Marta Kowalczyk, the mayor of Brackwater, met officials of the Harbour"
        " Trust in Glasgow and said the sea wall would be rebuilt before the winter storms."
    )
    per = len(paragraph.split())
    return "\n\n".join(paragraph.format(i=i) for i in range(words // per + 1))


def intervals(documents: list[Score]) -> dict[str, object]:
    """Per label, the 95% interval of precision and recall over resamples of the
    documents' own scores."""

    def figure(label: str, metric: str) -> Callable[[list[Score]], float]:
        return lambda sample: getattr(summed(sample, label), metric)

    def summed(sample: list[Score], label: str) -> LabelScore:
        total = LabelScore()
        for document in sample:
            counts = document.labels[label]
            total.true_positives += counts.true_positives
            total.predicted += counts.predicted
            total.gold += counts.gold
            total.found += counts.found
        return total

    return {
        label: {
            metric: [round(bound, 3) for bound in interval(documents, figure(label, metric))]
            for metric in ("precision", "recall")
        }
        for label in SCORED_LABELS
    }


def quality(score: Score, errors: bool) -> dict[str, object]:
    """Per-label figures and checks passed; with ``errors``, which entities went wrong."""
    report: dict[str, object] = {
        "labels": {
            label: {
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "gold": s.gold,
                "predicted": s.predicted,
            }
            for label, s in score.labels.items()
        },
        "checks_passed": f"{score.checks - len(score.failed_checks)}/{score.checks}",
        "split_people": len(score.split_people),
        "key_splits": len(score.key_splits),
    }
    if errors:
        report["split_people"] = score.split_people
        report["key_splits"] = {name: sorted(keys) for name, keys in score.key_splits.items()}
        report["failed_checks"] = score.failed_checks
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default=None, help="gazetteer mode (default: the module's)")
    parser.add_argument("--module", default="pipelines.entities.recognizer")
    parser.add_argument("--model", help="a spaCy package or folder (default: the bundled model)")
    parser.add_argument("--long-words", type=int, default=200_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--documents", help='only the gold documents whose id starts so ("checkset/")'
    )
    args = parser.parse_args()
    module = importlib.import_module(args.module)
    options = {"gazetteer_mode": args.mode} if args.mode else {}
    if args.model:
        options["model"] = args.model
    recognizer = module.EntityRecognizer(**options)
    recognizer("Warm-up: Marta Kowalczyk met reporters in Glasgow.")
    rss_model = peak_rss_mb()
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    texts = gold_texts(args.documents or "")
    if not texts:
        parser.error(f"no gold document to score starts with {args.documents!r}")
    scores = {split: Score() for split in SPLITS}
    by_document: dict[str, list[Score]] = {split: [] for split in SPLITS}
    words, elapsed = 0, 0.0
    for doc, text in texts.items():
        started = time.perf_counter()
        entities = recognizer(text)
        elapsed += time.perf_counter() - started  # the model's time, not the scoring's
        split = split_of(gold[doc])
        score_document(scores[split], doc, gold[doc], entities)
        by_document[split].append(Score())
        score_document(by_document[split][-1], doc, gold[doc], entities)
        words += len(text.split())
    rss_gold = peak_rss_mb()
    long_text = long_article(args.long_words)
    started = time.perf_counter()
    recognizer(long_text)
    long_elapsed = time.perf_counter() - started
    rss_long = peak_rss_mb()
    # An older EntityRecognizer (--module, for a before/after comparison) has no recognize.
    recognize = getattr(recognizer, "recognize", None)
    note = recognize(GERMAN * 3).note if recognize else None
    report = {
        "module": args.module,
        "mode": args.mode,
        "model": args.model,
        "documents": {split: sum(split_of(gold[d]) == split for d in texts) for split in SPLITS},
        "dev": quality(scores["dev"], errors=True),
        "held-out": quality(scores["held-out"], errors=False),
        "intervals_95": {split: intervals(by_document[split]) for split in SPLITS},
        "words_per_s_gold": round(words / elapsed),
        "words_per_s_long": round(len(long_text.split()) / long_elapsed),
        "rss_mb": {
            "model": round(rss_model),
            "after_gold": round(rss_gold),
            "after_long": round(rss_long),
            "after_non_english": round(peak_rss_mb()),
        },
        "non_english_note": note,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
