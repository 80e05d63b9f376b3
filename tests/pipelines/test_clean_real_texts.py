"""pipelines.clean.cleaner on real texts: the seeds, and the labelled exports of the eval pages.

Both are read where they lie beside the repository (never copied into it); the rules
themselves are tested on invented lines in test_clean.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import ftfy
import pytest

from benchmarks import text_exports
from benchmarks.text_exports import ARTICLE, BOILERPLATE, TITLE
from pipelines.article import Extracted
from pipelines.clean.cleaner import clean_text
from tests.conftest import shared_files

SEED_PATHS = shared_files("seeds", pattern="*.txt")

#: Fragments of page chrome that no seed's output may contain.
CHROME_MARKERS = (
    "Next Story",
    "Twitter Facebook Reddit Pinterest Email",
    "Source :",
    "©",
    "Version 6",
    "This article is from the source",
)


def seed(prefix: str) -> Path:
    (path,) = (p for p in SEED_PATHS if p.name.startswith(f"{prefix}_"))
    return path


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def normalised_lines(raw: str) -> list[str]:
    """The input's non-empty lines, repaired and with whitespace collapsed."""
    repaired = (ftfy.fix_text(line, uncurl_quotes=False) for line in raw.splitlines())
    return [" ".join(line.split()) for line in repaired if line.strip()]


def has_repeated_chunk(line: str, size: int = 60) -> bool:
    seen: set[str] = set()
    for start in range(len(line) - size + 1):
        chunk = line[start : start + size]
        if chunk in seen:
            return True
        seen.add(chunk)
    return False


# --- The seeds -----------------------------------------------------------------------------


def test_the_five_seeds_are_beside_the_repository():
    """The seed texts are found in ../shared/seeds, where CI puts them too."""
    assert len(SEED_PATHS) == 5


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.name[:3])
def test_seed_output_has_no_chrome(path):
    """No page chrome from any seed survives in the text or the title."""
    result = clean_text(read(path))
    for line in [*result.text.splitlines(), result.title or ""]:
        for marker in CHROME_MARKERS:
            assert marker not in line


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.name[:3])
def test_seed_removed_lines_are_absent_from_text(path):
    """Every removed line is gone from the text, unless the input held it twice."""
    raw = read(path)
    result = clean_text(raw)
    text_lines = result.text.splitlines()
    joined_input = "\n".join(normalised_lines(raw))
    for removed in result.removed:
        assert removed not in text_lines or joined_input.count(removed) >= 2


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.name[:3])
def test_seed_prose_lines_are_kept(path):
    """Every long punctuated input line is kept, whole or as the later of its glued copies."""
    text_lines = clean_text(read(path)).text.splitlines()
    prose = [
        line
        for line in normalised_lines(read(path))
        if len(line.split()) >= 20
        and line.endswith((".", "”"))
        and not re.search(r"\b(?:this|the) article\b", line, re.IGNORECASE)  # about the page
    ]
    assert prose
    for line in prose:
        assert line in text_lines or any(
            line.endswith(kept) and len(kept) >= 0.4 * len(line) for kept in text_lines
        ), line


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.name[:3])
def test_seed_output_has_no_repeats(path):
    """No paragraph appears twice and no line holds the same 60 characters twice."""
    text_lines = clean_text(read(path)).text.splitlines()
    assert len(text_lines) == len(set(text_lines))
    assert not any(has_repeated_chunk(line) for line in text_lines)
    assert all(line == " ".join(line.split()) for line in text_lines)


def test_seed_with_copyright_footer_loses_only_the_footer():
    """The seed ending in a © line loses that line and nothing else."""
    raw = read(seed("000"))
    result = clean_text(raw)
    assert result.removed == [normalised_lines(raw)[-1]]
    assert result.title is None


def test_seed_with_headline_dek_and_crosshead():
    """The headline becomes the title, and the quoted crosshead stays in the text."""
    raw = read(seed("001"))
    result = clean_text(raw)
    assert result.title == normalised_lines(raw)[0]
    assert "'Backdoor Anexation'" in result.text.splitlines()
    assert result.title not in result.text.splitlines()


def test_seed_archived_diff_keeps_each_row_once():
    """Diff chrome goes, each glued row keeps one copy, and the doubled headline is the title."""
    raw = read(seed("002"))
    result = clean_text(raw)
    assert result.title is not None
    assert f"{result.title} {result.title}" in raw
    assert len(result.text.splitlines()) < len(normalised_lines(raw))
    assert not any("http" in line for line in result.text.splitlines())


def test_seed_with_breadcrumb_before_headline():
    """The breadcrumb row goes, its headline is the title; caption and share bar go."""
    raw = read(seed("003"))
    result = clean_text(raw)
    assert result.title == "US, Russia have “no common vision” on Ukraine"
    assert result.removed[0] == normalised_lines(raw)[0]
    assert result.text.splitlines()[0] == normalised_lines(raw)[4]


def test_seed_with_mojibake_and_related_headlines():
    """Mojibake is repaired, and the related-story headlines are removed."""
    result = clean_text(read(seed("004")))
    assert "coup d'état" in result.text
    assert "Ã" not in result.text
    assert len(result.removed) == 2
    assert result.removed[-1].startswith("Opinion:")


# --- The labelled exports of the eval pages (benchmarks/text_exports.py) ------------------------


@pytest.fixture(scope="module")
def exports(eval_extraction: Path):
    return text_exports.build_exports(eval_extraction)


def test_exports_are_built_the_same_every_time(exports, eval_extraction: Path):
    """The set is seeded by page id: building a page again gives the same export."""
    assert len(exports) == 181
    again = text_exports.build_export(exports[7].page_id, eval_extraction)
    assert again == exports[7]


def test_exports_mix_boilerplate_before_inside_and_after_the_body(exports):
    """Every export has the page's own boilerplate before, between and after its paragraphs,
    and never labels a text both ways."""
    for export in exports:
        labels = [line.label for line in export.lines]
        first, last = labels.index(ARTICLE), len(labels) - 1 - labels[::-1].index(ARTICLE)
        assert BOILERPLATE in labels[:first] or labels[0] == TITLE, export.page_id
        assert BOILERPLATE in labels[last + 1 :], export.page_id
        assert len({line.text for line in export.lines}) == len(export.lines)
    inside = sum(BOILERPLATE in [line.label for line in e.lines][1:-1] for e in exports)
    assert inside > 0.9 * len(exports)


def test_exports_keep_the_short_article_lines(exports):
    """Short, headline-like gold lines stay in the set as article lines: that keeps it honest."""
    short = [
        line
        for export in exports
        for line in export.lines
        if line.label == ARTICLE and len(line.text.split()) <= 6 and not line.text.endswith(".")
    ]
    assert len(short) > 300


@pytest.mark.parametrize("half", ["dev", "held-out"])
def test_cleaner_quality_on_the_exports(exports, half):
    """Floors under the figures benchmarks/bench_cleaner.py reports (dev: P 0.913 R 0.785,
    article lines 0.969, article words 0.994, 8 wrong titles; held-out: P 0.893 R 0.790,
    article lines 0.967, article words 0.991, 11 wrong titles)."""
    total = text_exports.Tally()
    chosen = [e for e in exports if text_exports.is_dev(e.page_id) == (half == "dev")]
    for _export, counts in text_exports.score(chosen, lambda t: _text_and_title(clean_text(t))):
        total.add(counts)
    assert total.article_recall >= 0.95
    assert total.article_word_recall >= 0.98
    assert total.precision >= 0.87
    assert total.recall >= 0.76
    assert total.wrong_titles <= 0.2 * total.documents


def _text_and_title(result: Extracted) -> tuple[str, str | None]:
    return result.text, result.title
