"""Tests for pipelines.clean, the plain-text article cleaner, rule by rule on invented
lines. Real texts (the seeds, the eval exports) are in test_clean_real_texts.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import ftfy
import pytest

from pipelines.article import Extracted
from pipelines.clean import clean_text, verdicts
from pipelines.line_features import row_shape

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


def test_rows_of_data_ending_the_article_are_kept():
    """A table the article ends with (stops and dates, each row shaped alike) stays with
    its heading; the menu and the teaser after it, which have no such shape, go."""
    rows = [
        "June 2 – Eastbank @ Harbour Square",
        "June 9 – Port Alden @ Tram Depot",
        "June 16 – Northgate @ Market Hall (Formerly the Corn Exchange)",
    ]
    menu = ["Terms of Use", "Contact us"]
    result = in_trailer("Open days", *rows, *menu, "Tram budget rises again")
    assert result.text.splitlines() == [*PROSE, "Open days", *rows]
    assert result.removed == [*menu, "Tram budget rises again"]


def test_rows_of_data_above_the_first_paragraph_are_kept():
    """A timetable standing above the prose stays, and none of its rows becomes the title."""
    rows = [
        f"Stage {n}: {day} May – {stop}"
        for n, day, stop in ((1, 3, "Eastbank"), (2, 10, "Northgate"), (3, 17, "Port Alden"))
    ]
    result = in_header("Port Alden tram line opens two months late", "Menu", *rows)
    assert result.title == "Port Alden tram line opens two months late"
    assert result.text.splitlines() == [*rows, *PROSE]
    assert result.removed == ["Menu"]


def test_questions_and_answers_between_paragraphs_are_kept():
    """Unpunctuated answers in an interview ("A: ...") are rows of one list, even with
    paragraphs between them; a lone related headline among them still goes."""
    answers = [
        "A: The harbour loop and the night trams",
        "A: Rails from three countries, all of them late",
        "A: Eastbank first, then Northgate and Port Alden",
    ]
    teaser = "Port Alden council approves budget for a new bus depot"
    prose = [  # enough paragraphs that the text is not written in lists
        f"Councillor Halloway answered question {n} from residents of the {district} district "
        "at the meeting on Monday, the transport board said."
        for n, district in enumerate(("Eastbank", "Northgate", "Westmere", "Harbourside") * 3)
    ]
    lines = [*PROSE[:2], answers[0], *prose[:6], answers[1], teaser, *prose[6:], answers[2]]
    result = clean(*lines, *PROSE[2:])
    assert result.removed == [teaser]
    assert result.text.splitlines() == [line for line in lines if line != teaser] + [*PROSE[2:]]


def test_a_sentence_ending_in_a_colon_belongs_to_the_article():
    """ "Residents were asked three questions:" introduces what follows, above the first
    paragraph or after the last; a label ("Related stories:") or the header of a reader's
    comment, with its clock time, does not."""
    intro = "Residents of Eastbank were asked three questions about the delay:"
    comment = "Wren on May 3, 2031 at 6:34 am said:"
    assert in_header(intro).text.splitlines() == [intro, *PROSE]
    assert in_trailer(intro).text.splitlines() == [*PROSE, intro]
    assert in_trailer("Related stories:", comment).removed == ["Related stories:", comment]


def test_two_rows_or_long_lines_after_the_article_are_not_a_table():
    """Fewer rows than a list has, or lines too long for rows, are page notes."""
    rows = ["Phone: 555 0100", "Fax: 555 0101"]
    notes = [
        "Opening hours: the desk answers calls on weekdays between 09:00 and 17:00 and "
        "handles delivery requests by e-mail at all other times of the week",
        "For readers abroad: the desk answers calls on weekdays between 08:00 and 18:00 "
        "local time and replies to letters within two weeks of receiving them",
    ]
    assert in_trailer(*rows).removed == rows
    assert in_trailer(*notes, *rows).removed == [*notes, *rows]


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


@pytest.mark.parametrize(
    "note",
    [
        "Correction, May 4, 2031: This article misstated the length of the harbour loop.",
        "Editor's note: This story was updated to include the board's revised timetable.",
    ],
)
def test_corrections_and_editors_notes_stay(note):
    """The outlet's own correction of the story is part of the article, unlike page notes."""
    assert in_trailer(note).text.splitlines() == [*PROSE, note]


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


def test_a_headline_about_another_story_is_not_the_title():
    """A related story's headline above the real one shares almost no words with the first
    paragraphs: the real headline is the title, and with it missing there is no title."""
    other = "Northgate library wins national architecture award for its roof garden"
    headline = "Port Alden tram line will open two months late"
    result = in_header(other, headline)
    assert result.title == headline
    assert result.removed == [other]
    alone = in_header(other)
    assert alone.title is None
    assert alone.removed == [other]


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
        ("June 9 – Eastbank @ Harbour Square", (True, "–")),
        ("Aug. 14 -- Northgate - Market Hall", (True, "–")),
        ("Eastbank (Line A): 12 stops", (True, "(")),
        ("%61 votes", (True, "%")),
        ("Fares: adults and children", (False, ":")),
        ("Terms of Use", None),  # no separator: a menu label
        ("USB-C charger for 2 phones", None),  # a hyphen inside a word separates nothing
        ("C |", None),  # a letter index
    ],
)
def test_row_shape(line, shape):
    assert row_shape(line) == shape
