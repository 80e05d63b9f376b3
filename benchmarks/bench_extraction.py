"""Benchmark the extract stage against bare trafilatura on the shared eval set and the check set.

usage: python benchmarks/bench_extraction.py [--set public|checkset|both] [--limit N]
       [--json PATH] [--worst K]

For (a) ``trafilatura.extract(html, url=url)`` and (b) ``pipelines.extract.extractor.extract(html,
"html", url)``, in one process on the same pages: time both after a warm-up pass over
every page, page by page and interleaved, write the texts to temporary prediction
folders, score both with the shared scorer (token-bag P/R/F1), and print F1/P/R, pages/s
(wall clock, and CPU time of this process) and ours/bare, then how often ours fills each
metadata field.
The eval pages are read in place, never copied into the project.

Scores are given on two fixed halves of the set and on all of it. Pages whose id
starts with an even hex digit are the "dev" half, the only one to look at page by
page when working on the extractor (``--worst K`` lists ours' K lowest there); the
odd ones are "held-out", read only as a total, to see whether a change generalises.

The check set (``benchmarks/checkset``: docs, institutional pages, blogs, magazines and
non-English news, fetched from package registries into a cache on first use) is run the
same way and scored by its snippets: required ones kept, forbidden ones leaked, as
F1/P/R per split, per kind and per language. Its split is drawn in its manifest;
``--worst K`` lists its dev pages only, with the snippets ours missed or leaked.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from bootstrap import interval
from checkset import CheckPage, CheckSetError, Loaded, fetch, load
from checkset import snippet_key as checkset_key
from checkset.score import Tally, tally

from pipelines.article import Extracted, Rejected
from pipelines.extract.extractor import extract

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL_DIR = SHARED / "eval" / "extraction"
SCORER = SHARED / "tools" / "score_extraction.py"

METADATA_FIELDS = ("title", "author", "published", "sitename", "language")

RATIO_KEYS = ("f1", "precision", "recall", "pages_per_s", "cpu_pages_per_s")

SPLITS = ("dev", "held-out", "all")
SCORE_KEYS = ("f1", "precision", "recall")

#: Which pages --set runs: the shared eval set, the check set, or both.
SETS = ("public", "checkset", "both")


@dataclass(slots=True)
class Page:
    id: str
    html: bytes
    url: str | None


@dataclass(slots=True)
class Run:
    name: str
    extractor: Callable[[Page], tuple[str | None, Extracted | None]]
    texts: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0  #: wall-clock time in the extractor
    cpu_seconds: float = 0.0  #: this process's CPU time in the extractor
    failures: int = 0  #: pages with no text: None from trafilatura, Rejected from ours
    filled: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METADATA_FIELDS, 0))
    #: Per split, the scorer's macro averages; per page, its scores.
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    docs: list[dict] = field(default_factory=list)

    def timed(self, page: Page) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        text, extracted = self.extractor(page)
        self.seconds += time.perf_counter() - wall
        self.cpu_seconds += time.process_time() - cpu
        self.record(page, text, extracted)

    def record(self, page: Page, text: str | None, extracted: Extracted | None) -> None:
        if text is None:
            self.failures += 1
            return
        self.texts[page.id] = text
        for name in METADATA_FIELDS if extracted is not None else ():
            self.filled[name] += bool(getattr(extracted, name))


def load_pages(limit: int | None) -> list[Page]:
    pages = []
    for html_path in sorted(EVAL_DIR.glob("*.html"))[:limit]:
        gold = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append(Page(html_path.stem, html_path.read_bytes(), gold.get("url")))
    return pages


def split_of(page_id: str) -> str:
    """ "dev" or "held-out": the parity of the first hex digit of the page's id."""
    return "dev" if int(page_id[0], 16) % 2 == 0 else "held-out"


def bare(page: Page) -> tuple[str | None, Extracted | None]:
    return trafilatura.extract(page.html, url=page.url), None


def ours(page: Page) -> tuple[str | None, Extracted | None]:
    try:
        extracted = extract(page.html, "html", url=page.url)
    except Rejected:
        return None, None
    return extracted.text, extracted


def _seconds(extractor: Callable[[Page], object], pages: list[Page]) -> float:
    started = time.perf_counter()
    for page in pages:
        extractor(page)
    return time.perf_counter() - started


def run_both(pages: list[Page]) -> tuple[Run, Run]:
    """Time both extractors page by page, alternating which goes first.

    Interleaving keeps the comparison fair when other work on the machine speeds
    up or slows down during the benchmark; alternating evens out cache effects.
    """
    runs = Run("bare", bare), Run("ours", ours)
    # A warm-up pass over every page first: imports and lazy caches, and the word lists
    # of every language that htmldate's dateparser compiles the first time a page needs
    # its extensive date search (seconds, once in a process's life), are not what a
    # worker pays per page. The cold pass is printed apart.
    cold = {run.name: _seconds(run.extractor, pages) for run in runs}
    print(
        f"warm-up pass (cold process): bare {cold['bare']:.1f} s, ours {cold['ours']:.1f} s",
        file=sys.stderr,
    )
    for i, page in enumerate(pages):
        for run in runs if i % 2 == 0 else runs[::-1]:
            run.timed(page)
    return runs


def score(run: Run, pages: list[Page], workdir: Path) -> None:
    """Score a run with the shared scorer, on gold and predictions for these pages only."""
    gold_dir, pred_dir = workdir / "gold", workdir / f"pred-{run.name}"
    gold_dir.mkdir(exist_ok=True)
    pred_dir.mkdir()
    for page in pages:
        # Symlinks, so that --limit scores only the pages that were run.
        link = gold_dir / f"{page.id}.json"
        if not link.exists():
            link.symlink_to(EVAL_DIR / f"{page.id}.json")
    for page_id, text in run.texts.items():
        (pred_dir / f"{page_id}.txt").write_text(text, encoding="utf-8")
    out = workdir / f"score-{run.name}.json"
    subprocess.run(
        [sys.executable, str(SCORER), str(gold_dir), str(pred_dir), "--json", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    scored = json.loads(out.read_text(encoding="utf-8"))
    run.docs = scored["docs"]
    # The scorer's numbers are macro averages over documents: so are these, per split.
    for split in SPLITS:
        docs = [d for d in run.docs if split in ("all", split_of(d["id"]))]
        run.scores[split] = {
            key: sum(d[key] for d in docs) / len(docs) if docs else float("nan")
            for key in SCORE_KEYS
        } | {"docs": len(docs)}
    run.scores["all"]["median_f1"] = scored["summary"]["median_f1"]


def report(base: Run, mine: Run, n: int) -> dict:
    rows = {run.name: _row(run, n) for run in (base, mine)}
    rows["ours/bare"] = {k: _ratio(rows["ours"][k], rows["bare"][k]) for k in RATIO_KEYS}
    print(f"extraction on {n} pages of {EVAL_DIR}")
    header = "".join(
        f"{split + ' (' + str(base.scores[split]['docs']) + ')':>24}" for split in SPLITS
    )
    print(f"{'':10}{header}")
    print(f"{'':10}" + f"{'F1':>10}{'P':>7}{'R':>7}" * len(SPLITS))
    for run in (base, mine):
        cells = "".join(
            f"{run.scores[s]['f1']:10.3f}{run.scores[s]['precision']:7.3f}"
            f"{run.scores[s]['recall']:7.3f}"
            for s in SPLITS
        )
        print(f"{run.name:10}{cells}")
    print(f"{'':12}{'pages/s':>9}{'(CPU)':>9}{'no text':>9}")
    for name, row in rows.items():
        print(
            f"{name:12}{row['pages_per_s']:9.2f}{row['cpu_pages_per_s']:9.2f}"
            f"{row.get('no_text', ''):>9}"
        )
    print(f"metadata filled by ours (of {n} pages):")
    for name, count in mine.filled.items():
        print(f"  {name:10}{count:5d}  {count / n:6.1%}")
    return {
        "pages": n,
        "scores": {run.name: run.scores for run in (base, mine)},
        "runs": rows,
        "metadata_filled": mine.filled,
    }


def worst(run: Run, k: int) -> None:
    """Ours' k lowest-F1 pages of the dev half (never the held-out one)."""
    dev = sorted((d for d in run.docs if split_of(d["id"]) == "dev"), key=lambda d: d["f1"])
    print(f"lowest F1 of {run.name} on the dev half (up to {k}):")
    for d in dev[:k]:
        print(
            f"  {d['id']}  F1 {d['f1']:.3f}  P {d['precision']:.3f}  R {d['recall']:.3f}"
            f"  gold {d['gold_tokens']} / pred {d['pred_tokens']} tokens"
        )


def checkset_report(
    runs: tuple[Run, Run], pages: list[CheckPage], loaded: Loaded, tallies: dict
) -> dict:
    """Snippet F1/P/R per split, then per kind and per language within each split."""
    n = len(pages)
    print(
        f"check set: {n} pages of benchmarks/checkset ({len(loaded.stale)} stale,"
        f" {len(loaded.missing)} missing, left out); snippet scores, micro-averaged"
    )
    scores = {}
    for split in SPLITS:
        in_split = [p for p in pages if split in ("all", p.split)]
        groups = {"all": in_split}
        for attr in ("kind", "language"):
            for value in sorted({getattr(p, attr) for p in in_split}):
                groups[f"{attr[:4]} {value}"] = [p for p in in_split if getattr(p, attr) == value]
        scores[split] = _checkset_table(split, groups, tallies)
        for group in ("all", "kind news"):
            if groups.get(group):
                low, high = _lead_interval(groups[group], tallies)
                scores[split][group]["lead_interval_95"] = [round(low, 3), round(high, 3)]
                print(f"  {split} {group}: F1 lead of ours, 95% interval {low:+.3f} to {high:+.3f}")
    rows = {run.name: _row_speed(run, n) for run in runs}
    rows["ours/bare"] = {k: _ratio(rows["ours"][k], rows["bare"][k]) for k in rows["ours"]}
    no_text = {run.name: str(run.failures) for run in runs}
    print(f"{'':12}{'pages/s':>9}{'(CPU)':>9}{'no text':>9}")
    for name, row in rows.items():
        print(
            f"{name:12}{row['pages_per_s']:9.2f}{row['cpu_pages_per_s']:9.2f}"
            f"{no_text.get(name, ''):>9}"
        )
    return {
        "pages": n,
        "stale": loaded.stale,
        "missing": loaded.missing,
        "scores": scores,
        "runs": rows,
    }


def _checkset_table(split: str, groups: dict[str, list[CheckPage]], tallies: dict) -> dict:
    print(f"  {split:18}{'pages':>6}" + f"{'F1':>9}{'P':>7}{'R':>7}" * 2 + "   (bare | ours)")
    table = {}
    for group, members in groups.items():
        cells, table[group] = "", {"pages": len(members)}
        for name in ("bare", "ours"):
            total = Tally()
            for page in members:
                total += tallies[name][page.id]
            cells += f"{total.f1:9.3f}{total.precision:7.3f}{total.recall:7.3f}"
            table[group][name] = {
                "f1": total.f1,
                "precision": total.precision,
                "recall": total.recall,
            }
        print(f"  {group:18}{len(members):6d}{cells}")
    return table


def _lead_interval(pages: list[CheckPage], tallies: dict) -> tuple[float, float]:
    """The 95% interval of ours' F1 minus bare's, both extractors resampled on the same
    pages: how far a lead measured on a few dozen pages can be trusted."""

    def lead(sample: list[CheckPage]) -> float:
        totals = {name: Tally() for name in ("bare", "ours")}
        for page in sample:
            for name, total in totals.items():
                total += tallies[name][page.id]
        return totals["ours"].f1 - totals["bare"].f1

    return interval(pages, lead)


def checkset_worst(pages: list[CheckPage], tallies: dict[str, Tally], run: Run, k: int) -> None:
    """Ours' k lowest-F1 pages of the check set's dev half, with what it missed or leaked."""
    dev = sorted((p for p in pages if p.split == "dev"), key=lambda p: tallies[p.id].f1)
    print(f"lowest snippet F1 of {run.name} on the check set's dev half (up to {k}):")
    for page in dev[:k]:
        t, text = tallies[page.id], checkset_key(run.texts.get(page.id, ""))
        print(f"  {page.id}  F1 {t.f1:.3f}  kept {t.tp}/{t.tp + t.fn}  leaked {t.fp}/{t.fp + t.tn}")
        for snippet in page.required:
            if checkset_key(snippet) not in text:
                print(f"    missed: {snippet}")
        for snippet in page.forbidden:
            if checkset_key(snippet) in text:
                print(f"    leaked: {snippet}")


def _row_speed(run: Run, n: int) -> dict[str, float]:
    return {"pages_per_s": n / run.seconds, "cpu_pages_per_s": n / run.cpu_seconds}


def _row(run: Run, n: int) -> dict[str, float]:
    return {
        **run.scores["all"],
        "pages_per_s": n / run.seconds,
        "cpu_pages_per_s": n / run.cpu_seconds,
        "no_text": run.failures,
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set", dest="which", choices=SETS, default="both", help="which pages (default both)"
    )
    parser.add_argument("--limit", type=int, help="only the first N pages (by id) of each set")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to PATH")
    parser.add_argument(
        "--worst", type=int, default=0, metavar="K", help="list ours' K worst pages of the dev half"
    )
    args = parser.parse_args(argv)
    # trafilatura logs a warning per discarded page; the table says how many.
    logging.basicConfig(level=logging.ERROR)
    results: dict = {}
    if args.which in ("public", "both"):
        results = run_public(args, parser)
    if args.which in ("checkset", "both"):
        if args.which == "both":
            print()
        checked = run_checkset(args)
        if checked is None and args.which == "checkset":
            return 1
        results["checkset"] = checked
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


def run_public(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict:
    pages = load_pages(args.limit)
    if not pages:
        parser.error(f"no <id>.html pages in {EVAL_DIR}")
    runs = run_both(pages)
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as tmp:
        for run in runs:
            score(run, pages, Path(tmp))
    results = report(*runs, len(pages))
    if args.worst:
        worst(runs[1], args.worst)
    return results


def run_checkset(args: argparse.Namespace) -> dict | None:
    """Fetch (if need be), run and score the check set; None when it cannot be fetched."""
    try:
        fetch()
    except CheckSetError as e:
        print(f"check set left out: {e}", file=sys.stderr)
        return None
    loaded = load()
    pages = loaded.pages[: args.limit]
    runs = run_both([Page(p.id, p.html, p.url) for p in pages])
    tallies = {run.name: {p.id: tally(run.texts.get(p.id), p) for p in pages} for run in runs}
    results = checkset_report(runs, pages, loaded, tallies)
    if args.worst:
        checkset_worst(pages, tallies["ours"], runs[1], args.worst)
    return results


if __name__ == "__main__":
    sys.exit(main())
