"""Clean a news article exported as plain text: keep the prose, drop the page chrome.

The input is a decoded ``str`` with one paragraph per line (hard-wrapped blocks are
re-joined: ``clean_paragraphs.py``). Rules judge *kinds* of lines by their features,
never known strings:

* anywhere (``clean_chrome.py``): share bars, calls to action, credits and copyright
  footers, short parentheticals, version markers, relative-time stamps, labelled teasers,
  breadcrumbs and addresses of image and media files; and, by the features in
  ``line_features.py``, menu labels, section names, tag counts, bare timestamps (a clock
  time alone heads a live-blog entry and stays), the site talking to its reader about
  itself, and teasers cut off mid-phrase;
* the header zone (before the first prose paragraph, ``clean_zones.py``): the first
  headline-like line (preferably one of several words) that shares enough words with
  the first paragraphs becomes the title; breadcrumbs, captions, bylines, deks and
  meta-talk about "this article" are dropped; rows of a table stay;
* the body: headline-like lines of several words standing alone between paragraphs
  (related-story links); runs of such lines, and texts written largely in them,
  are lists that belong to the article and stay, as do rows shaped alike ("A: ...");
* the trailing zone (after the last sentence that is not meta-talk about the page, or
  the attribution of a tweet the article embeds): everything but rules ("___"), a
  bulleted list starting right after the last sentence, and rows of data shaped alike
  (tour dates, results, prices), since only teasers, credits and page notes are left.

Given a ``LineHistory`` (``repetition.py``), lines that many earlier documents of the
same source contained are dropped first. Rows holding two versions of a paragraph
glued together (news-diff archives) keep the later version; a paragraph repeated
exactly keeps its first copy (``clean_versions.py``). Every dropped line, or dropped
copy, goes to ``removed`` in document order; ``verdicts`` names the rule that dropped
each line. The thresholds of all these rules are in ``clean_lines.py``.
"""

from __future__ import annotations

from pipelines.article import Extracted
from pipelines.clean.chrome import drop_chrome
from pipelines.clean.lines import Line, kept
from pipelines.clean.paragraphs import document_lines
from pipelines.clean.repetition import LineHistory, repeated_lines
from pipelines.clean.versions import drop_repeats, split_glued_versions
from pipelines.clean.zones import clean_zones


def clean_text(text: str, history: LineHistory | None = None) -> Extracted:
    """The article in ``text`` with its chrome removed; ``text=""`` when nothing is left.

    ``history`` holds how many earlier documents of the same source contained each of
    this one's lines (pipelines/clean/repetition.py): lines the source repeats are dropped.
    """
    return clean_document(document_lines(text), history)


def clean_document(paragraphs: list[str], history: LineHistory | None = None) -> Extracted:
    """``clean_text`` for a text already split by ``document_lines``: the worker needs its
    lines first, to look up their history."""
    lines, title = _judge(paragraphs, history)
    body = [line.text for line in lines if line.kept]
    return Extracted(text="\n".join(body), title=title, removed=_removed(lines))


def verdicts(text: str, history: LineHistory | None = None) -> list[tuple[str, str]]:
    """Each line the cleaner judged, with ``"kept"`` or the name of the rule that dropped it
    (``"title"`` for the headline). For audits and benchmarks."""
    judged, _title = _judge(document_lines(text), history)
    return [(line.text, line.reason or "kept") for line in judged]


def _judge(paragraphs: list[str], history: LineHistory | None) -> tuple[list[Line], str | None]:
    """The document's lines with their verdicts, and the title. Each rule judges only
    the lines the rules before it kept, so the order of the steps is part of the result."""
    lines = [Line(paragraph) for paragraph in paragraphs]
    if history is not None:
        for index in repeated_lines([line.text for line in lines], history):
            lines[index].drop("repeated_in_source")
    split_glued_versions(kept(lines))
    drop_repeats(lines)
    drop_chrome(lines)
    return lines, clean_zones(lines)


def _removed(lines: list[Line]) -> list[str]:
    """Dropped lines and dropped older versions, in document order; the title is not
    removed text, it moves to ``Extracted.title``."""
    removed: list[str] = []
    for line in lines:
        if line.older_copy is not None:
            removed.append(line.older_copy)
        if not line.kept and line.reason != "title":
            removed.append(line.text)
    return removed
