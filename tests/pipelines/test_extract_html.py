"""Tests for the extract stage on HTML pages (pipelines/extract/extractor.py): the article
body, readers' comments, token F1 on real pages, and control characters (the markup made
plain before trafilatura reads it: test_extract_markup.py; metadata:
test_extract_metadata.py)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import trafilatura

from pipelines.extract import body as html_body
from pipelines.extract.body import has_link_tables
from pipelines.extract.cleanup import PageLinks
from pipelines.extract.extractor import extract
from tests.conftest import shared_file
from tests.pipelines.extract_helpers import HEADLINE, META_HEAD, PARAGRAPHS, page

MORE_PARAGRAPHS = [
    "Work on the new deck is to start in April, once the last of the winter storms has "
    "passed, and the authority expects the first boats to tie up again by late September.",
    "The cost, put at eleven million euros, will be shared between the port, the region and "
    "a fund for coastal towns, the finance committee said in a statement on Monday.",
    "Residents who had campaigned to keep the pier open welcomed the decision but asked for "
    "the footbridge to the old lighthouse to be included in the first phase of the works.",
    "The authority said it would publish the timetable of closures on its website and hold "
    "a public meeting in the market hall before any of the work begins next spring.",
    "Fishermen who land their catch at the pier will be offered berths in the marina at the "
    "regular rate, with the difference in fees paid by the port for the length of the works.",
]


def _paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


class TestHtmlBody:
    def test_body_split_by_a_full_width_ad_is_read_whole(self):
        """The article container closed before an ad and reopened after it: both halves,
        in order."""
        chunk = "<div class='grid body'><div class='article-body'>{}</div></div>"
        body = (
            f"<article><h1>{HEADLINE}</h1>"
            f"{chunk.format(_paragraphs(PARAGRAPHS + MORE_PARAGRAPHS[:1]))}"
            "<div class='full-bleed-ad'><span>Advertisement</span></div>"
            f"{chunk.format(_paragraphs(MORE_PARAGRAPHS[1:]))}</article>"
        )

        got = extract(page(body, head=META_HEAD).encode(), "html")

        assert got.text.splitlines() == PARAGRAPHS + MORE_PARAGRAPHS

    def test_same_class_in_another_article_is_not_merged(self):
        """A container of the same kind in the next <article> (infinite scroll) is another
        story, not the rest of this one."""
        chunk = "<div class='article-body'>{}</div>"
        other = [p.replace("pier", "ferry terminal") for p in MORE_PARAGRAPHS[:3]]
        body = (
            f"<article><h1>{HEADLINE}</h1>{chunk.format(_paragraphs(PARAGRAPHS + MORE_PARAGRAPHS))}"
            f"</article><article><h2>Next story</h2>{chunk.format(_paragraphs(other))}</article>"
        )

        got = extract(page(body, head=META_HEAD).encode(), "html")

        assert got.text.splitlines() == PARAGRAPHS + MORE_PARAGRAPHS

    def test_article_in_a_layout_table_comes_out_paragraph_by_paragraph(self):
        """A page laid out with a table: the article cell's paragraphs are lines of their
        own, the navigation cell beside them is left out."""
        nav = "".join(f"<a href='/s/{s}'>{s}</a><br>" for s in ("Home", "Sports", "Weather"))
        body = (
            f"<table><tr><td class='nav'>{nav}</td>"
            f"<td><h1>{HEADLINE}</h1>{_paragraphs(PARAGRAPHS)}</td></tr></table>"
        )

        got = extract(page(body, head=META_HEAD).encode(), "html")

        assert got.text.splitlines() == PARAGRAPHS

    def test_data_table_is_kept(self):
        """A table of figures inside the article stays part of its text."""
        rows = "".join(
            f"<tr><td>{quay}</td><td>{berths}</td></tr>"
            for quay, berths in (("North quay", 14), ("Old pier", 0), ("Marina", 52))
        )
        table = f"<table><tr><th>Quay</th><th>Berths</th></tr>{rows}</table>"
        body = f"<article><h1>{HEADLINE}</h1>{_paragraphs(PARAGRAPHS[:2])}{table}</article>"

        got = extract(page(body, head=META_HEAD).encode(), "html")

        assert "North quay" in got.text and "52" in got.text

    def test_link_table_rows_mean_a_second_read_without_tables(self):
        """Rows that are all link texts are a menu laid out as a table."""
        links = PageLinks.of(["Harbour news", "Sports", "Weather", "Ferries", "Events", "Jobs"])
        rows = [
            "| Harbour news | Sports |",
            "|---|---|",
            "| Weather | Ferries |",
            "| Events | Jobs |",
        ]
        data = ["| North quay | 14 |", "| Marina | 52 |"]

        assert has_link_tables([*PARAGRAPHS, *rows], links)
        assert not has_link_tables([*PARAGRAPHS, *data, rows[0]], links)

    @pytest.mark.parametrize(
        ("runs", "expected"),
        [
            # A long enough precise run: nothing else is run.
            ({("fast", "precision"): "long " * 400}, "long " * 400),
            # Short against the page: the full cascade, then recall, which is clearly longer.
            (
                {
                    ("fast", "precision"): "a " * 100,
                    ("full", "precision"): "b " * 150,
                    ("fast", "recall"): "c " * 400,
                },
                "c " * 400,
            ),
            # Recall is not clearly longer: the precise text stays.
            (
                {
                    ("fast", "precision"): "a " * 100,
                    ("full", "precision"): "b " * 350,
                    ("fast", "recall"): "c " * 400,
                },
                "b " * 350,
            ),
            # Short, but a third of the page's prose: no cascade (its fallbacks find a
            # body only where precision mode found next to nothing), recall mode at once.
            (
                {("fast", "precision"): "a " * 350, ("fast", "recall"): "c " * 700},
                "c " * 700,
            ),
        ],
    )
    def test_short_precise_run_gets_second_opinions(self, monkeypatch, runs, expected):
        """The fast precise run is checked against the page's paragraph text; when short,
        the full cascade (when next to nothing was found) and then recall mode are tried,
        recall only if clearly longer."""
        calls = []

        def fake(tree, url, fast=True, focus="precision", tables=True):
            calls.append(("fast" if fast else "full", focus))
            return runs[calls[-1]]

        monkeypatch.setattr(html_body, "_extract", fake)
        tree = trafilatura.load_html(page(_paragraphs(MORE_PARAGRAPHS * 2)))  # ~1,900 chars of <p>

        lines = html_body.body_lines(tree, None, PageLinks(frozenset()))

        assert lines == [expected.strip()]
        assert calls == list(runs)

    def test_page_written_in_div_paragraphs_is_read_in_recall_mode_alone(self, monkeypatch):
        """A page whose paragraphs are <div>s (no <p> prose) gets one recall-mode run, short
        or not: the precise runs would lose the words before its inline elements."""
        calls = []

        def fake(tree, url, fast=True, focus="precision", tables=True):
            calls.append(("fast" if fast else "full", focus))
            return "c " * 100

        monkeypatch.setattr(html_body, "_extract", fake)
        divs = "".join(f"<div class='para'>{p}</div>" for p in MORE_PARAGRAPHS * 2)
        tree = trafilatura.load_html(page(divs))

        html_body.body_lines(tree, None, PageLinks(frozenset()))

        assert calls == [("fast", "recall")]


def test_readers_comments_under_no_named_box_are_left_out():
    """Comments in a box whose name says nothing ("box-7"), each signed with a name, a
    date and a time, after the article: trafilatura keeps them as text; they go."""
    comments = [
        ("kaimauer", "03.11.2026 14:05:12", "Endlich passiert etwas an der alten Pier."),
        ("nordkai_fan", "03.11.2026 13:58:40", "Zwei Sommer Baustelle sind zu lang."),
        ("hafenblick", "03.11.2026 12:31:07", "Die Geländer sollten bleiben, wie sie sind."),
    ]
    thread = "".join(
        f"<div class='box-7'><p><b>{name}</b> - {when}</p><p>{said}</p></div>"
        for name, when, said in comments
    )
    body = f"<div class='main'><h1>{HEADLINE}</h1>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}"
    html = page(body + f"<div class='c-2'>{thread}</div></div>", META_HEAD).encode()
    assert comments[0][2] in (trafilatura.extract(html) or "")  # the premise

    text = extract(html, "html").text

    assert all(p in text for p in PARAGRAPHS), text
    assert not any(name in text or said in text for name, _, said in comments), text


# --- real pages: token F1 against the eval set's gold text -------------------------


_TOKEN = re.compile(r"\w+")


def token_f1(gold: str, predicted: str) -> float:
    gold_bag, pred_bag = (Counter(_TOKEN.findall(t.lower())) for t in (gold, predicted))
    overlap = sum((gold_bag & pred_bag).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred_bag.values()), overlap / sum(gold_bag.values())
    return 2 * precision * recall / (precision + recall)


def test_real_pages_score_well(eval_pages: list[Path]):
    """On 20 real article pages every text is non-empty and the mean token F1 is at least 0.9."""
    pages = eval_pages[:20]
    scores = []
    for html_path in pages:
        gold = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        got = extract(html_path.read_bytes(), "html", url=gold["url"])
        assert got.text.strip(), html_path.name
        scores.append(token_f1(gold["text"], got.text))

    assert len(scores) == 20
    assert sum(scores) / len(scores) >= 0.9


def test_real_pages_beat_bare_trafilatura(eval_pages: list[Path]):
    """On 30 real pages of the dev half every text is non-empty, the mean token F1 is at
    least 0.97, and above bare trafilatura's on the same pages."""
    pages = [p for p in eval_pages if int(p.name[0], 16) % 2 == 0][:30]
    ours, bare = [], []
    for html_path in pages:
        gold = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        data = html_path.read_bytes()
        got = extract(data, "html", url=gold["url"])
        assert got.text.strip(), html_path.name
        ours.append(token_f1(gold["text"], got.text))
        bare.append(token_f1(gold["text"], trafilatura.extract(data, url=gold["url"]) or ""))

    assert len(ours) == 30
    assert sum(ours) / 30 >= 0.97
    assert sum(ours) > sum(bare)


# --- control characters -------------------------------------------------------------------

#: Real pages of the eval set, each with an og:title, a <title>, and an article paragraph
#: first among its <p>s (one control character there lost the whole page).
CONTROL_PAGES = [
    shared_file("eval", "extraction", f"{page_id}.html")
    for page_id in (
        "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
        "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
        "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
        "06ee193de4bd611f7fafbab0c59b0f6fe3495093516720632cd093b24c7a0e98",
    )
]

#: Where a control character is put in a page: a stray one in the head (after <title>), in
#: the title the page states (og:title), in the middle of a word of a body paragraph.
INJECTION_SITES = {
    "head": re.compile(rb"</title>"),
    "title": re.compile(rb'property="og:title"\s+content="[^"]{3}'),
    "paragraph": re.compile(rb"<p[^>]*>[^<]{60}"),
}

#: Numeric references (decimal, hex, leading zeros, no ";") to C0 controls, and a raw one.
CONTROL_CHARACTERS = [b"&#1;", b"&#8;", b"&#27;", b"&#x1B;", b"&#x0001b;", b"&#0000027;", b"\x01"]


def _injected(page: bytes, site: re.Pattern[bytes], character: bytes) -> bytes:
    found = site.search(page)
    assert found, f"no place for it in the page: {site.pattern!r}"
    return page[: found.end()] + character + page[found.end() :]


class TestControlCharacters:
    @pytest.mark.parametrize("site", INJECTION_SITES)
    @pytest.mark.parametrize("html_path", CONTROL_PAGES, ids=lambda p: p.name[:8])
    def test_a_control_character_costs_itself_not_the_article(self, html_path: Path, site: str):
        """A control character XML cannot hold, raw or as a numeric reference, in the head,
        the title or a paragraph of a real page: the page is extracted as without it."""
        clean_page = html_path.read_bytes()
        clean = extract(clean_page, "html")

        for character in CONTROL_CHARACTERS:
            got = extract(_injected(clean_page, INJECTION_SITES[site], character), "html")

            assert (got.text, got.title, got.published) == (
                clean.text,
                clean.title,
                clean.published,
            ), character

    def test_only_references_xml_cannot_hold_are_removed(self):
        """Decimal and hex references to C0 controls, surrogates, U+FFFE/U+FFFF and beyond
        U+10FFFF go; tab, LF, CR and every other reference stay; a form feed is a space."""
        from pipelines.extract.extractor import xml_safe

        html = (
            "a&#1;b&#x1B;c&#0008;d&#27e&#55296;f&#xFFFF;g&#99999999999;h&#0;i\x02j"
            "&#9;&#10;&#13;&#x2019;&#8217;&#x1F600;&#12;k\x0cl"
        )

        assert xml_safe(html) == "abcdefghij&#9;&#10;&#13;&#x2019;&#8217;&#x1F600; k l"
