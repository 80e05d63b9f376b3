"""Tests for the cleaner's rules by position (pipelines/clean/zones.py), on invented lines:
the header above the first paragraph, where the title is chosen; the body; and the trailer
after the last sentence."""

from __future__ import annotations

import pytest

from tests.pipelines.clean_helpers import PROSE, clean, in_body, in_header, in_trailer

# --- The header: the title, and what else stands above the first paragraph ------------------


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


def test_place_line_above_the_first_paragraph_is_kept():
    """A dateline naming only the place ("PORT ALDEN, NEW ZEALAND") stays in the header,
    while a short unpunctuated line there still goes."""
    result = in_header(
        "Trams", "Port Alden tram line opens two months late", "EASTBANK, NEW ZEALAND"
    )
    assert result.title == "Port Alden tram line opens two months late"
    assert result.text.splitlines() == ["EASTBANK, NEW ZEALAND", *PROSE]
    assert result.removed == ["Trams"]


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


def test_question_headline_is_the_title():
    """A short question above the first paragraph is a headline, not prose."""
    result = in_header("Will the Port Alden tram ever run?")
    assert result.title == "Will the Port Alden tram ever run?"
    assert result.text.splitlines() == list(PROSE)


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


# --- The body: related headlines, lists and rows between paragraphs ---------------------------


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


def test_related_headline_in_body_is_removed():
    """A headline-like line of several words dropped between paragraphs is removed."""
    result = in_body("Port Alden council approves budget for a new bus depot")
    assert result.removed == ["Port Alden council approves budget for a new bus depot"]


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


def test_a_list_between_paragraphs_is_kept():
    """Three headline-like lines in a row are a list in the article, not related stories."""
    items = [
        "Brass tram bell from the 1920s for $45",
        "Framed map of the first Port Alden line for $120",
        "Conductor's cap and ticket punch for $80",
    ]
    result = clean(PROSE[0], PROSE[1], *items, PROSE[2], PROSE[3])
    assert result.text.splitlines() == [PROSE[0], PROSE[1], *items, PROSE[2], PROSE[3]]


# --- The trailer: what follows the last sentence ------------------------------------------------


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


def test_a_sentence_ending_in_a_colon_belongs_to_the_article():
    """ "Residents were asked three questions:" introduces what follows, above the first
    paragraph or after the last; a label ("Related stories:") or the header of a reader's
    comment, with its clock time, does not."""
    intro = "Residents of Eastbank were asked three questions about the delay:"
    comment = "Wren on May 3, 2031 at 6:34 am said:"
    assert in_header(intro).text.splitlines() == [intro, *PROSE]
    assert in_trailer(intro).text.splitlines() == [*PROSE, intro]
    assert in_trailer("Related stories:", comment).removed == ["Related stories:", comment]


def test_related_headlines_with_colons_or_site_names_are_not_a_table():
    """Teasers after the article shaped alike ("Topic: ...", "... – Site") and a list of
    hashtags are not rows of data: they go."""
    teasers = [
        "Trams: what the board decided on Friday",
        "Buses: the new routes through Eastbank",
        "Ferries: why the harbour loop was cut",
        "Port Alden budget approved – The Ledger",
        "Northgate library reopens – The Ledger",
        "Eastbank market moves indoors – The Ledger",
        "#PortAlden",
        "#Trams",
        "#Eastbank",
    ]
    assert in_trailer(*teasers).removed == teasers


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


def test_bullets_after_a_trailing_teaser_are_not_the_article():
    """Only a list that starts right after the last paragraph is the article's."""
    result = in_trailer("Tram budget rises again", "- Harbour loop, from August")
    assert result.removed == ["Tram budget rises again", "- Harbour loop, from August"]


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
