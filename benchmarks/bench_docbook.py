"""Extraction on a whole manual in 26 languages, scored by its own markup.

The Debian Administrator's Handbook (Debian's ``debian-handbook`` package, GPL-2.0+ or
CC-BY-SA-3.0) is DocBook rendered to HTML: every paragraph of the text is a
``<div class="para">``; asides sit in ``div.sidebar``, page links in ``ul.docnav`` and the
banner in ``div#banner``. That markup is the gold, so every page of the manual can be
scored, not only the handful the check set wrote snippets for (those are left out here):

- paragraphs kept: the share of the text's paragraphs (outside sidebars, 30 characters
  or more) whose first 60 characters are in the output (snippet keys: whitespace and
  case ignored, so scripts without spaces match too);
- pages leaking: the share of pages whose output has a line that is the banner's or a page
  link's text (a whole line: "Next" is a word of the text too).

Asides are scored apart (kept or not, neither is wrong: trafilatura drops a sidebar as
boilerplate, and news sites' sidebars are). Both extractors run on every page, alternating
which goes first, with pages/s. A sample of ``--limit`` pages (seeded) keeps it short.

    .venv/bin/python benchmarks/bench_docbook.py [--limit 400] [--seed 7] [--worst K]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.checkset import fetch_tree, read_manifest, snippet_key
from pipelines.article import Rejected
from pipelines.extract.extractor import extract

SOURCE = "debian:debian-handbook"
PREFIX = "usr/share/doc/debian-handbook/html/"
#: A paragraph shorter than this (characters) is a label, not text.
MIN_PARAGRAPH = 30
#: How much of a paragraph's key must be found (its first characters).
KEY_CHARS = 60

_TEXT = "//div[@class='para'][not(ancestor::*[contains(@class,'sidebar')])]"
_ASIDES = "//div[contains(@class,'sidebar')]//div[@class='para']"
_CHROME = "//div[@id='banner'] | //ul[contains(@class,'docnav')]//a"


@dataclass(frozen=True, slots=True)
class Gold:
    text: list[str]  #: paragraph keys of the text
    asides: list[str]  #: paragraph keys of the sidebars
    chrome: list[str]  #: keys of the banner and page links


@dataclass(slots=True)
class Tally:
    paragraphs: int = 0
    kept: int = 0
    asides: int = 0
    asides_kept: int = 0
    pages: int = 0
    leaking: int = 0
    seconds: float = 0.0
    worst: list[tuple[int, str]] = field(default_factory=list)

    def add(self, gold: Gold, output: str, page: str) -> None:
        key = snippet_key(output)
        kept = sum(p[:KEY_CHARS] in key for p in gold.text)
        self.paragraphs += len(gold.text)
        self.kept += kept
        self.asides += len(gold.asides)
        self.asides_kept += sum(p[:KEY_CHARS] in key for p in gold.asides)
        self.pages += 1
        lines = {snippet_key(line) for line in output.splitlines()}
        self.leaking += any(chrome in lines for chrome in gold.chrome)
        self.worst.append((kept - len(gold.text), page))


def gold_of(html: bytes) -> Gold:
    tree = lxml.html.document_fromstring(html)

    def keys(xpath: str, minimum: int) -> list[str]:
        found = (snippet_key(el.text_content()) for el in tree.xpath(xpath))
        return [key for key in found if len(key) >= minimum]

    return Gold(keys(_TEXT, MIN_PARAGRAPH), keys(_ASIDES, MIN_PARAGRAPH), keys(_CHROME, 4))


def bare(html: bytes) -> str:
    return trafilatura.extract(html) or ""


def ours(html: bytes) -> str:
    try:
        return extract(html, "html").text
    except Rejected:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="pages sampled (0: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worst", type=int, default=0, help="list ours' K worst pages")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    root = fetch_tree(SOURCE, PREFIX) / PREFIX
    in_check_set = {p["path"].removeprefix(PREFIX) for p in read_manifest()[1]}
    pages = sorted(p for p in root.glob("*/*.html") if str(p.relative_to(root)) not in in_check_set)
    if args.limit:
        pages = random.Random(args.seed).sample(pages, min(args.limit, len(pages)))
    tallies: dict[str, dict[str, Tally]] = {"bare": defaultdict(Tally), "ours": defaultdict(Tally)}
    for n, path in enumerate(pages):
        html, page = path.read_bytes(), str(path.relative_to(root))
        gold = gold_of(html)
        if not gold.text:
            continue
        order = [("bare", bare), ("ours", ours)]
        for name, run in order if n % 2 else order[::-1]:
            started = time.perf_counter()
            output = run(html)
            elapsed = time.perf_counter() - started
            for bucket in ("all", page.split("/")[0]):
                tallies[name][bucket].add(gold, output, page)
                tallies[name][bucket].seconds += elapsed
    report = _report(tallies)
    print(f"{len(pages)} pages of {SOURCE} outside the check set (seed {args.seed})")
    print(
        f"{'':10} {'pages':>6} {'paras':>6}   kept: bare   ours   asides: bare   ours"
        "   leaking: bare   ours"
    )
    for bucket, row in report.items():
        print(f"{bucket:10} {row['pages']:>6} {row['paragraphs']:>6}   "
              f"{row['kept']['bare']:10.3f} {row['kept']['ours']:6.3f}   "
              f"{row['asides']['bare']:12.3f} {row['asides']['ours']:6.3f}   "
              f"{row['leaking']['bare']:13.3f} {row['leaking']['ours']:6.3f}")  # fmt: skip
    speed = {name: tallies[name]["all"].pages / tallies[name]["all"].seconds for name in tallies}
    print(f"pages/s: bare {speed['bare']:.1f}, ours {speed['ours']:.1f}, "
          f"ours/bare {speed['ours'] / speed['bare']:.2f}")  # fmt: skip
    for missing, page in sorted(tallies["ours"]["all"].worst)[: args.worst]:
        print(f"  {page}: {-missing} paragraphs missing")
    if args.json:
        args.json.write_text(json.dumps({"report": report, "pages_per_s": speed}, indent=2))


def _report(tallies: dict[str, dict[str, Tally]]) -> dict[str, dict]:
    report = {}
    for bucket in sorted(tallies["ours"], key=lambda b: (b != "all", b)):
        b, o = tallies["bare"][bucket], tallies["ours"][bucket]
        report[bucket] = {
            "pages": o.pages,
            "paragraphs": o.paragraphs,
            "kept": {"bare": b.kept / b.paragraphs, "ours": o.kept / o.paragraphs},
            "asides": {
                "bare": b.asides_kept / max(b.asides, 1),
                "ours": o.asides_kept / max(o.asides, 1),
            },
            "leaking": {"bare": b.leaking / b.pages, "ours": o.leaking / o.pages},
        }
    return report


if __name__ == "__main__":
    main()
