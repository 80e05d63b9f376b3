"""Tests for pipelines.clean: the plain-text article cleaner.

The seed texts are real news exports kept beside the repository (never copied into
it); every other line below is invented.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import ftfy
import pytest

from benchmarks import text_exports
from benchmarks.text_exports import ARTICLE, BOILERPLATE, TITLE
from pipelines.article import Extracted
from pipelines.clean import clean_text, verdicts

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_PATHS = sorted(SEEDS.glob("*.txt"))

#: Fragments of page chrome that no seed's output may contain.
CHROME_MARKERS = (
    "Next Story",
    "Twitter Facebook Reddit Pinterest Email",
    "Source :",
    "©",
    "Version 6",
    "This article is from the source",
)

# Invented article paragraphs that surround the line under test.
PROSE = (
    "Councillor Wren Halloway said on Monday that the new tram line to Port Alden "
    "would open two months late because of a shortage of rails.",
    "The transport board had promised the first passengers a ride in May, but suppliers "
    "in three countries missed their delivery dates.",
    "Residents of the Eastbank district, who have lived with road works for a year, "
    "said they were disappointed but not surprised.",
    "The board will publish a revised timetable at its next meeting, a spokeswoman said.",
)


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def normalised_lines(raw: str) -> list[str]:
    """The input's non-empty lines, repaired and with whitespace collapsed."""
    repaired = (ftfy.fix_text(line, uncurl_quotes=False) for line in raw.splitlines())
    return [" ".join(line.split()) for line in repaired if line.strip()]


def clean(*lines: str) -> Extracted:
    return clean_text("\n".join(lines))


def in_body(line: str) -> Extracted:
    return clean(PROSE[0], PROSE[1], line, PROSE[2], PROSE[3])


def in_header(*lines: str) -> Extracted:
    return clean(*lines, *PROSE)


def in_trailer(*lines: str) -> Extracted:
    return clean(*PROSE, *lines)


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


# --- Empty input and normalisation ----------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n \t\n\u00a0\n"])
def test_empty_input_gives_empty_text(text):
    """Empty or whitespace-only input gives an empty text, which the caller rejects."""
    assert clean_text(text) == Extracted(text="")


def test_whitespace_and_unicode_are_normalised():
    """Runs of spaces collapse, non-breaking spaces become spaces, text is NFC."""
    result = clean("  The  board\u00a0met at the Cafe\u0301 Rialto   on Friday to agree a plan.  ")
    assert result.text == "The board met at the Café Rialto on Friday to agree a plan."


def test_blank_lines_between_paragraphs_are_dropped():
    """Paragraphs separated by blank lines come out one per line."""
    result = clean(PROSE[0], "", "", PROSE[1], "   ", PROSE[2])
    assert result.text.splitlines() == list(PROSE[:3])
    assert result.removed == []


def test_mojibake_is_repaired_and_quotes_stay_curly():
    """Text decoded with the wrong codec is repaired; curly quotes are left curly."""
    result = clean(
        "The board met at the cafÃ© on Quay Road, where one trader called the delay "
        "â€œa scandalâ€\u009d.",
        "“We will not give up on this line,” Ms. Halloway said after the meeting.",
    )
    lines = result.text.splitlines()
    assert lines[0].startswith("The board met at the café on Quay Road")
    assert "“a scandal”" in lines[0]
    assert lines[1].startswith("“We will not")


def test_hard_wrapped_paragraphs_are_rejoined():
    """A hard-wrapped export comes back as one line per paragraph."""
    wrapped = "\n\n".join(textwrap.fill(paragraph, width=60) for paragraph in PROSE[:2])
    assert clean_text(wrapped).text.splitlines() == list(PROSE[:2])


# --- Chrome, wherever it is --------------------------------------------------------------------

SHARE_BARS = [
    "Twitter Facebook Reddit Pinterest Email",
    "Share on Facebook",
    "Tweet",
    "WhatsApp LinkedIn",
    "Share 12 Tweet 4 Email",
]
CALLS_TO_ACTION = [
    "Next Story",
    "Read more",
    "Advertisement",
    "Continue reading",
    "Skip to content",
    "Continue reading the main story",
    "Sign up for our newsletter",
    "Story continues below advertisement",
]
CREDITS = [
    "( Source : Meridian Wire )",
    "(Meridian Wire)",
    "©2031 The Meridian Ledger Company",
    "Copyright 2031 Lakeside Press. All rights reserved.",
    "Reporting by Ada Voss; Editing by Tomas Brill",
    "(Reporting by Ada Voss; Editing by Tomas Brill)",
    "Photo: Ada Voss/Meridian Ledger",
]
TEASERS = [
    "Opinion: Port Alden deserves a better tram",
    "RELATED: Eastbank shops count the cost",
    "Also read: Why rail prices keep rising",
    "Watch: The first tram reaches the depot",
]
ARCHIVE_MARKS = [
    "Version 2 Version 3",
    "(about 3 hours later)",
    "https://static.ledger.example/images/tram-depot-1200x630.jpg",
    "Home > Transport > Trams",
]


@pytest.mark.parametrize("line", SHARE_BARS + CALLS_TO_ACTION + CREDITS + TEASERS + ARCHIVE_MARKS)
@pytest.mark.parametrize("place", [in_header, in_body, in_trailer], ids=["head", "body", "tail"])
def test_chrome_is_removed_anywhere(line, place):
    """Share bars, calls to action, credits, teasers and diff markers go wherever they are."""
    result = place(line)
    assert result.removed == [line]
    assert result.text.splitlines() == list(PROSE)


@pytest.mark.parametrize("place", [in_header, in_trailer], ids=["head", "tail"])
def test_bare_page_address_above_or_below_the_article_is_removed(place):
    """A page's address on a line of its own goes from the header and the trailer."""
    assert place("http://ledger.example/tram-delay").removed == ["http://ledger.example/tram-delay"]


@pytest.mark.parametrize(
    "line",
    [
        "http://ledger.example/2031/05/tram-delay-report.html",
        "www.portalden-trams.example",
        "7:45 p.m.",
        "10:05",
    ],
)
def test_links_and_clock_headings_between_paragraphs_are_kept(line):
    """Between paragraphs, an address is a link the article gives (its source, a venue), and
    a clock time alone heads a live-blog entry: both stay."""
    result = in_body(line)
    assert result.text.splitlines() == [PROSE[0], PROSE[1], line, PROSE[2], PROSE[3]]
    assert result.removed == []


@pytest.mark.parametrize("line", ["(Harbour Wire)", "Updated 9:40 a.m.", "05/03/2031 09:40"])
def test_round_bracket_asides_and_stamped_times_still_go(line):
    """An aside in round brackets, and a clock time with "Updated" or a date, are chrome."""
    assert in_body(line).removed == [line]


def test_embedded_tweet_after_the_last_paragraph_is_kept():
    """A tweet quoted at the end, unpunctuated and ending in its link, stays with its
    attribution; the advertisement between them goes."""
    tweet = "Rails arrive next week, then we lay them at night pic.twitter.com/AbCdEf12"
    signature = "— Port Alden Trams (@portaldentrams) May 3, 2031"
    result = in_trailer(tweet, "Advertisement", signature, "Tram budget rises again")
    assert result.text.splitlines() == [*PROSE, tweet, signature]
    assert result.removed == ["Advertisement", "Tram budget rises again"]


def test_bulleted_list_and_rule_ending_the_article_are_kept():
    """A bulleted list right after the last paragraph ends the article and stays, as does a
    rule drawn under it; the unbulleted teaser after them still goes."""
    items = ["• Eastbank to Port Alden, from June", "• Harbour loop, from August"]
    result = in_trailer(*items, "___", "Tram budget rises again")
    assert result.text.splitlines() == [*PROSE, *items, "___"]
    assert result.removed == ["Tram budget rises again"]


def test_place_line_above_the_first_paragraph_is_kept():
    """A dateline naming only the place ("PORT ALDEN, NEW ZEALAND") stays in the header,
    while a short unpunctuated line there still goes."""
    result = in_header(
        "Trams", "Port Alden tram line opens two months late", "EASTBANK, NEW ZEALAND"
    )
    assert result.title == "Port Alden tram line opens two months late"
    assert result.text.splitlines() == ["EASTBANK, NEW ZEALAND", *PROSE]
    assert result.removed == ["Trams"]


def test_bullets_after_a_trailing_teaser_are_not_the_article():
    """Only a list that starts right after the last paragraph is the article's."""
    result = in_trailer("Tram budget rises again", "- Harbour loop, from August")
    assert result.removed == ["Tram budget rises again", "- Harbour loop, from August"]


def test_related_headline_in_body_is_removed():
    """A headline-like line of several words dropped between paragraphs is removed."""
    result = in_body("Port Alden council approves budget for a new bus depot")
    assert result.removed == ["Port Alden council approves budget for a new bus depot"]


@pytest.mark.parametrize(
    "line",
    [
        "This article is from the source 'ledger' and was first published or seen on 3 May. "
        "It last changed 2 days ago and won't be checked again for changes.",
        "You can find the current article at its original source at http://ledger.example/tram",
        "The article has changed 4 times. There is an RSS feed of changes available.",
    ],
)
def test_archive_meta_talk_is_removed_from_header(line):
    """Lines about the page itself, not the news, go from the header zone."""
    result = in_header(line)
    assert result.removed == [line]
    assert result.title is None


def test_meta_talk_after_the_article_is_removed():
    """An editor's note about "this story" after the last paragraph is removed."""
    note = "This story has been updated to include comment from the transport board."
    assert in_trailer(note).removed == [note]


def test_trailing_headline_and_credit_are_removed():
    """Unpunctuated lines after the last paragraph are teasers or credits."""
    result = in_trailer("Tram budget rises again", "Meridian Wire")
    assert result.removed == ["Tram budget rises again", "Meridian Wire"]


# --- The header: title, breadcrumbs, captions, deks ---------------------------------------------


def test_header_title_dek_caption_and_share_bar():
    """The headline is the title; dek, caption and share bar are removed."""
    result = in_header(
        "Port Alden tram line will open two months late",
        "Suppliers in three countries missed deadlines for rails and overhead cables",
        "Wren Halloway and Ada Voss",
        "Share on Facebook",
    )
    assert result.title == "Port Alden tram line will open two months late"
    assert result.removed == [
        "Suppliers in three countries missed deadlines for rails and overhead cables",
        "Wren Halloway and Ada Voss",
        "Share on Facebook",
    ]
    assert result.text.splitlines() == list(PROSE)


def test_breadcrumb_glued_to_headline():
    """A breadcrumb glued before a headline repeated on the next line: the bare one is the title."""
    result = in_header("Local Transport Port Alden tram opens late", "Port Alden tram opens late")
    assert result.title == "Port Alden tram opens late"
    assert result.removed == ["Local Transport Port Alden tram opens late"]


def test_breadcrumb_of_section_names_is_not_the_title():
    """A line of section names before the headline is a breadcrumb, not the title."""
    result = in_header("News Local", "Port Alden tram opens late")
    assert result.title == "Port Alden tram opens late"
    assert result.removed == ["News Local"]


def test_text_without_headline_has_no_title():
    """When the text starts with a paragraph there is no title and nothing is removed."""
    result = clean(*PROSE)
    assert result.title is None
    assert result.removed == []
    assert result.text.splitlines() == list(PROSE)


def test_dateline_before_first_paragraph_is_kept():
    """A dateline on its own line is part of the article."""
    result = in_header("Port Alden tram opens late", "PORT ALDEN —")
    assert result.text.splitlines()[0] == "PORT ALDEN —"


# --- Glued versions and repeats ---------------------------------------------------------------


def test_glued_versions_without_space_keep_the_later():
    """Two versions glued at a sentence end keep the later one; the older is removed."""
    older = "PORT ALDEN — The tram board met on Friday to discuss the delays."
    newer = "PORT ALDEN — The tram board met on Friday to discuss the long delays."
    result = in_body(older + newer)
    assert newer in result.text.splitlines()
    assert result.removed == [older]


def test_glued_versions_with_space_keep_the_later():
    """Two versions glued with a space keep the later one, even when the older has a typo."""
    older = "And in a a new twist, the board hired a second supplier from abroad."
    newer = "And in a new twist, the board hired a second supplier from abroad."
    result = in_body(f"{older} {newer}")
    assert result.text.splitlines()[2] == newer
    assert result.removed == [older]


def test_glued_quotes_keep_the_later():
    """Glued quotations ("...?”“...") are split at the closing quote."""
    older = "“Will it ever open?” asked one resident at the meeting."
    newer = "“Will it ever open?” asked a resident at the meeting."
    assert in_body(older + newer).removed == [older]


def test_doubled_headline_is_split():
    """A headline doubled on one row becomes a single title."""
    result = in_header("Tram Line Opens Late Tram Line Opens Late")
    assert result.title == "Tram Line Opens Late"
    assert result.removed == ["Tram Line Opens Late"]


@pytest.mark.parametrize(
    "line",
    [
        "The first tram left the depot at six in the morning. "
        "The second tram left the depot an hour after that.",
        "The board met on Friday.The council met on Monday to discuss the plan in full.",
        "No, no, no. No, no, no.",
    ],
)
def test_different_sentences_on_one_line_stay_intact(line):
    """A line that merely holds two sentences is not split."""
    result = in_body(line)
    assert line in result.text.splitlines()
    assert result.removed == []


def test_repeated_paragraph_keeps_the_first():
    """The same paragraph twice keeps its first copy."""
    result = clean(PROSE[0], PROSE[1], PROSE[2], PROSE[1], PROSE[3])
    assert result.text.splitlines() == list(PROSE)
    assert result.removed == [PROSE[1]]


# --- Prose that must survive ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "“We will not give up on this line,” Ms. Halloway said.",
        "Nobody was hurt.",
        "What happens next",
        "'A Long Wait'",
        "“The rails never came”",
        "Delays and disputes",
        "A source at the board said the suppliers had been warned in January.",
        "The story of the line began in 2019, when the original plan was published.",
        "Share prices of the rail suppliers fell on Monday.",
        "Two days later",
        "The board said the tram would carry 4,000 people a day once the rails arrive and "
        "the overhead cables are tested by the safety inspectors",
        "He listed three demands from the residents of the Eastbank district:",
        "December",
        "2031",
        "- a new timetable for the buses",
    ],
)
def test_prose_and_subheadings_are_kept(line):
    """Quotes, short sentences, crossheads and unpunctuated prose in the body are kept."""
    result = in_body(line)
    assert result.text.splitlines() == [PROSE[0], PROSE[1], line, PROSE[2], PROSE[3]]
    assert result.removed == []


def test_short_last_sentence_is_kept():
    """A short sentence after the last long paragraph is still article prose."""
    result = in_trailer("He declined to comment.")
    assert result.text.splitlines()[-1] == "He declined to comment."
    assert result.removed == []


def test_crosshead_before_a_short_last_paragraph_is_kept():
    """A sub-heading followed only by a short closing sentence is still inside the body."""
    result = in_trailer("What happens next", "The board meets on Friday.")
    assert result.text.splitlines()[-2:] == ["What happens next", "The board meets on Friday."]
    assert result.removed == []


def test_question_headline_is_the_title():
    """A short question above the first paragraph is a headline, not prose."""
    result = in_header("Will the Port Alden tram ever run?")
    assert result.title == "Will the Port Alden tram ever run?"
    assert result.text.splitlines() == list(PROSE)


def test_pipelines_stay_free_of_redis_and_dramatiq():
    """Importing the cleaner loads neither redis nor dramatiq."""
    code = "import sys, pipelines.clean; print(sorted({'redis', 'dramatiq'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- Features of page furniture (pipelines/line_features.py) -----------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "About Us",
        "Site Index",
        "Contact us",
        "Videos",
        "Sign In",
        "Editorial Standards",
        "Link to this video",
        "Share to Facebook",
        "Harbour News (12)",
        "Transport(7)",
        "Do you rely on the Ledger? Subscribe to our newsletter for more.",
        "Use of this site constitutes acceptance of our terms of use and privacy policy.",
        "Port Alden council approves budget for a new bus dep...",
        "Tram fares: what the board decided on Friday and why it wi…",
        "Nov. 20, 2031 6:02 AM EST",
        "Monday, May 3, 2031",
    ],
)
@pytest.mark.parametrize("place", [in_header, in_body, in_trailer], ids=["head", "body", "tail"])
def test_page_furniture_is_removed_anywhere(line, place):
    """Menu labels, tag counts, the site talking to its reader, cut-off teasers and bare
    timestamps go."""
    result = place(line)
    assert result.removed == [line]
    assert result.text.splitlines() == list(PROSE)


@pytest.mark.parametrize(
    "line",
    [
        "“Sign up on our website and share your email address,” the mayor told residents.",
        "Facebook changed its privacy policy on Monday, the company said in a statement.",
        "US officials said the home secretary would share the report with the board.",
        "Help for families",
        "— Wren Halloway (@wrenhalloway) May 3, 2031",
        "“We waited and we waited...”",
    ],
)
def test_prose_that_mentions_the_web_is_kept(line):
    """Quotes, news about websites, crossheads and tweet attributions are article text."""
    result = in_body(line)
    assert result.text.splitlines() == [PROSE[0], PROSE[1], line, PROSE[2], PROSE[3]]
    assert result.removed == []


def test_a_list_between_paragraphs_is_kept():
    """Three headline-like lines in a row are a list in the article, not related stories."""
    items = [
        "Brass tram bell from the 1920s for $45",
        "Framed map of the first Port Alden line for $120",
        "Conductor's cap and ticket punch for $80",
    ]
    result = clean(PROSE[0], PROSE[1], *items, PROSE[2], PROSE[3])
    assert result.text.splitlines() == [PROSE[0], PROSE[1], *items, PROSE[2], PROSE[3]]


def test_a_site_name_above_the_headline_is_not_the_title():
    """A short name above a longer headline is page furniture; the headline is the title."""
    result = in_header("The Ledger Blog", "Port Alden tram line will open two months late")
    assert result.title == "Port Alden tram line will open two months late"
    assert result.removed == ["The Ledger Blog"]


def test_verdicts_name_the_rule_that_dropped_each_line():
    """`verdicts` gives every line with "kept", "title" or the name of its rule."""
    text = "\n".join(["Port Alden tram opens late", "Share on Facebook", *PROSE, "About Us"])
    judged = dict(verdicts(text))
    assert judged["Port Alden tram opens late"] == "title"
    assert judged["Share on Facebook"] == "share_bar"
    assert judged["About Us"] == "navigation_label"
    assert {judged[line] for line in PROSE} == {"kept"}


# --- The labelled exports of the eval pages (benchmarks/text_exports.py) ------------------------


@pytest.fixture(scope="module")
def exports():
    if not text_exports.EVAL_DIR.is_dir():
        pytest.fail(f"the eval pages are missing: expected them in {text_exports.EVAL_DIR}")
    return text_exports.build_exports()


def test_exports_are_built_the_same_every_time(exports):
    """The set is seeded by page id: building a page again gives the same export."""
    assert len(exports) == 181
    again = text_exports.build_export(exports[7].page_id)
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
    """Floors under the figures benchmarks/bench_cleaner.py reports (dev: P 0.885 R 0.785,
    article recall 0.958; held-out: P 0.734 R 0.791, article recall 0.900)."""
    total = text_exports.Tally()
    chosen = [e for e in exports if text_exports.is_dev(e.page_id) == (half == "dev")]
    for _export, counts in text_exports.score(chosen, lambda t: _text_and_title(clean_text(t))):
        total.add(counts)
    assert total.article_recall >= 0.88
    assert total.precision >= 0.70
    assert total.recall >= 0.72


def _text_and_title(result: Extracted) -> tuple[str, str | None]:
    return result.text, result.title
