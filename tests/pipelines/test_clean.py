"""Tests for pipelines.clean.cleaner, the plain-text article cleaner, on invented lines:
normalising, chrome wherever it stands, glued versions and repeats, prose that must survive,
and the line features. Rules by position are in test_clean_zones.py; real texts (the seeds,
the eval exports) in test_clean_real_texts.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pipelines.article import Extracted
from pipelines.clean.cleaner import clean_text, verdicts
from pipelines.clean.features import row_shape
from tests.pipelines.clean_helpers import PROSE, clean, in_body, in_header, in_trailer

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


def test_markdown_heading_marks_are_dropped():
    """An export from Markdown: "# Headline" gives a plain title, "## Crosshead" a plain line;
    a hashtag is not a heading."""
    result = clean(
        "# Port Alden tram opens late",
        PROSE[0],
        "## What happens next ##",
        PROSE[1],
        "#PortAlden trams",
        PROSE[2],
    )
    assert result.title == "Port Alden tram opens late"
    assert result.text.splitlines() == [
        PROSE[0],
        "What happens next",
        PROSE[1],
        "#PortAlden trams",
        PROSE[2],
    ]


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
    "1 of 6",  # a photo gallery's counter
    "Photo 3/12",
]


@pytest.mark.parametrize("line", SHARE_BARS + CALLS_TO_ACTION + CREDITS + TEASERS + ARCHIVE_MARKS)
@pytest.mark.parametrize("place", [in_header, in_body, in_trailer], ids=["head", "body", "tail"])
def test_chrome_is_removed_anywhere(line, place):
    """Share bars, calls to action, credits, teasers and diff markers go wherever they are."""
    result = place(line)
    assert result.removed == [line]
    assert result.text.splitlines() == list(PROSE)


#: The same kinds of chrome in other languages (German, French, Spanish, Portuguese, Dutch,
#: Russian, Japanese, Chinese). Above and below the article the zones drop them whatever
#: their language; between paragraphs only the chrome rules can.
OTHER_LANGUAGES = [
    "Weiterlesen",
    "À lire aussi",
    "Leer más",
    "Leia também",
    "Lees meer",
    "Читайте также",
    "続きを読む",
    "相关文章",
    "Teilen auf Facebook",
    "Partager sur Twitter",
    "Suivez-nous sur les réseaux sociaux",
    "関連記事:路面電車が車庫に到着",
]


@pytest.mark.parametrize("line", OTHER_LANGUAGES)
def test_chrome_in_other_languages_is_removed_between_paragraphs(line):
    """Calls to action, share bars and labelled teasers go in the languages newsflow meets
    most, even between two paragraphs."""
    result = in_body(line)
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


def test_pipelines_stay_free_of_redis_and_dramatiq():
    """Importing the cleaner loads neither redis nor dramatiq."""
    code = (
        "import sys, pipelines.clean.cleaner; "
        "print(sorted({'redis', 'dramatiq'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- Features of page furniture (pipelines/clean/features.py) -----------------------------------


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


def test_verdicts_name_the_rule_that_dropped_each_line():
    """`verdicts` gives every line with "kept", "title" or the name of its rule."""
    text = "\n".join(["Port Alden tram opens late", "Share on Facebook", *PROSE, "About Us"])
    judged = dict(verdicts(text))
    assert judged["Port Alden tram opens late"] == "title"
    assert judged["Share on Facebook"] == "share_bar"
    assert judged["About Us"] == "navigation_label"
    assert {judged[line] for line in PROSE} == {"kept"}


@pytest.mark.parametrize(
    ("line", "shape"),
    [
        ("June 9 – Eastbank @ Harbour Square", "figure –"),
        ("Aug. 14 -- Northgate - Market Hall", "figure –"),
        ("Eastbank (Line A): 12 stops", "figure ("),
        ("%61 votes", "figure %"),
        ("A: Adults and children", "label a"),
        ("Eastbank (Line A): twelve stops", "marks ():"),
        ("Port Alden trams: what the board decided", None),  # a headline, not a field
        ("Tram fares rise again – The Ledger", None),  # a headline and its site
        ("#PortAlden", None),  # a hashtag
        ("Terms of Use", None),  # no separator: a menu label
        ("USB-C charger for 2 phones", None),  # a hyphen inside a word separates nothing
        ("C |", None),  # a letter index
    ],
)
def test_row_shape(line, shape):
    assert row_shape(line) == shape
