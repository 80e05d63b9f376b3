"""Precision and recall of the plain-text cleaner on labelled exports of the eval pages.

usage: python benchmarks/bench_cleaner.py [--show-errors N] [--json PATH]

Builds the labelled exports (benchmarks/text_exports.py) from ``../shared/eval/extraction``,
runs ``pipelines.clean.cleaner.clean_text`` on each, and prints for the dev half (what the cleaner
is tuned on), the held-out half and all pages: boilerplate precision and recall as a
detector (of the lines dropped, the share that were boilerplate; of the boilerplate lines,
the share dropped), article-line recall (of the article lines, the share kept), the share
of the article's words kept, and how often the headline became the title. Then the seeds:
each one's removed lines. Then docs/s.
``--show-errors N`` prints up to N misjudged lines of the *dev* half only, so that tuning
never looks at the held-out pages.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path

from text_exports import ARTICLE, BOILERPLATE, TITLE, Export, Tally, build_exports, is_dev, score

from pipelines.clean.cleaner import clean_text, verdicts

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def cleaned(text: str) -> tuple[str, str | None]:
    result = clean_text(text)
    return result.text, result.title


def tallies(exports: list[Export]) -> dict[str, Tally]:
    halves = {"dev": Tally(), "held-out": Tally(), "all": Tally()}
    for export, counts in score(exports, cleaned):
        halves["dev" if is_dev(export.page_id) else "held-out"].add(counts)
        halves["all"].add(counts)
    return halves


def print_tallies(halves: dict[str, Tally]) -> None:
    print(
        f"{'half':<9} {'docs':>5} {'article':>8} {'boiler':>7}  {'P(boiler)':>9} {'R(boiler)':>9} "
        f"{'R(article)':>10} {'R(words)':>8}  headline->title  wrong title"
    )
    for name, t in halves.items():
        print(
            f"{name:<9} {t.documents:>5} {t.article:>8} {t.boilerplate:>7}  {t.precision:>9.3f} "
            f"{t.recall:>9.3f} {t.article_recall:>10.3f} {t.article_word_recall:>8.3f}  "
            f"{t.headlines_found:>5}/{t.headlines:<9} {t.wrong_titles:>5}"
        )


def print_dev_errors(exports: list[Export], limit: int) -> None:
    """Misjudged lines of the dev half: article lines dropped, boilerplate kept."""
    shown = 0
    for export in exports:
        if not is_dev(export.page_id) or shown >= limit:
            continue
        kept = set(cleaned(export.text)[0].splitlines())
        for line in export.lines:
            lost = line.label == ARTICLE and line.text not in kept
            missed = line.label == BOILERPLATE and line.text in kept
            if (lost or missed) and shown < limit:
                shown += 1
                print(f"{'LOST ' if lost else 'KEPT '} {export.page_id[:8]} {line.text[:140]}")


def print_rules(exports: list[Export]) -> None:
    """Per rule, on the dev half: how many boilerplate and article lines it dropped."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for export in exports:
        if is_dev(export.page_id):
            labels = {line.text: line.label for line in export.lines}
            for text, verdict in verdicts(export.text):
                counts[verdict][labels.get(text, "altered")] += 1
    print(f"{'dev: verdict':<30} {'boilerplate':>11} {'article':>8} {'title':>6} {'altered':>8}")
    for verdict, by_label in sorted(counts.items(), key=lambda item: -item[1].total()):
        print(
            f"{verdict:<30} {by_label[BOILERPLATE]:>11} {by_label[ARTICLE]:>8} "
            f"{by_label[TITLE]:>6} {by_label['altered']:>8}"
        )


def print_seeds() -> list[dict[str, object]]:
    report = []
    for path in sorted(SEEDS.glob("*.txt")):
        result = clean_text(path.read_text(encoding="utf-8"))
        print(
            f"{path.name}: {len(result.removed)} removed, {len(result.text.splitlines())} kept,"
            f" title={result.title!r}"
        )
        for line in result.removed:
            print(f"    - {line[:120]}")
        report.append({"seed": path.name, "removed": result.removed, "title": result.title})
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument("--json", type=Path, metavar="PATH")
    args = parser.parse_args()
    started = time.perf_counter()
    exports = build_exports()
    built = time.perf_counter()
    halves = tallies(exports)
    seconds = time.perf_counter() - built
    print(f"{len(exports)} exports built in {built - started:.1f} s\n")
    print_tallies(halves)
    print(
        f"\ncleaner: {len(exports) / seconds:.0f} docs/s "
        f"({sum(len(e.lines) for e in exports) / seconds:.0f} lines/s), one process\n"
    )
    print_rules(exports)
    print()
    seeds = print_seeds()
    if args.show_errors:
        print()
        print_dev_errors(exports, args.show_errors)
    if args.json:
        figures = {
            name: {
                "precision": t.precision,
                "recall": t.recall,
                "article_recall": t.article_recall,
                "article_word_recall": t.article_word_recall,
                **asdict(t),
            }
            for name, t in halves.items()
        }
        args.json.write_text(json.dumps({"halves": figures, "seeds": seeds}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
