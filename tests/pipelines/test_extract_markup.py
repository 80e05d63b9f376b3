"""Tests for the markup made plain before trafilatura reads a page
(pipelines/extract/markup.py): words trafilatura's modes would cut out of a body, a lost
paragraph, and <div>s written as paragraphs, through the whole extract stage or make_plain
itself, and against bare trafilatura's reading where that is the premise."""

from __future__ import annotations

import lxml.html
import trafilatura

from pipelines.extract.extractor import extract
from pipelines.extract.markup import make_plain
from tests.pipelines.extract_helpers import HEADLINE, META_HEAD, PARAGRAPHS, page


def test_a_paragraph_loose_after_a_box_is_kept():
    """A page's first paragraph written loose after a related-links box, its <p> lost (a
    template that opens the paragraph before the box, a closing tag too many): a browser
    shows it as a paragraph, trafilatura dropped it; it is a paragraph again, and the box
    stays out."""
    first = "WESTMERE (WG) — " + PARAGRAPHS[0]
    links = "".join(
        f'<li><a href="/{n}">Ferry fares rise again on route {n}</a>'
        f"<p><em>{n} mins ago</em></p></li>"
        for n in range(6)
    )
    box = f'<div class="col"><ul>{links}</ul></div>'
    body = (
        f"<article><h1>{HEADLINE}</h1><div class='story'><p>{PARAGRAPHS[3]}</p>{box}{first}</p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:3])
        + "</div></article>"
    )
    html = page(body, META_HEAD).encode()
    assert first[:60] not in (trafilatura.extract(html) or "")  # the premise

    text = extract(html, "html").text

    assert first in text and all(p in text for p in PARAGRAPHS[1:]), text
    assert "Ferry fares rise again" not in text


def test_words_in_a_named_inline_element_stay_in_their_sentence():
    """A link wrapped in ``<span class="link">`` inside a sentence: trafilatura's precision
    mode drops the span as a box named "link" and the sentence loses its words; they stay.
    A "Read more" link that is a paragraph of its own stays out."""
    sentence = (
        "The authority said <span class='link'><a href='/pier-vote'>the council approved "
        "the rebuilding</a></span> after a vote on Monday night, ending two years of debate."
    )
    kept = "the council approved the rebuilding after a vote on Monday night"
    teaser = "Read more: ferry fares rise again on the north route"
    body = (
        f"<article><h1>{HEADLINE}</h1><p>{PARAGRAPHS[0]}</p><p>{sentence}</p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
        + f"<p><span class='bottom'><a href='/fares'>{teaser}</a></span></p></article>"
    )
    html = page(body, META_HEAD).encode()
    precise = trafilatura.extract(html, favor_precision=True) or ""
    assert "the council approved" not in precise and teaser not in precise  # the premise

    text = extract(html, "html").text

    assert kept in text and all(p in text for p in PARAGRAPHS), text
    assert teaser not in text


def test_only_elements_after_a_paragraphs_words_lose_their_names():
    """A label opening the paragraph keeps its class, a comment's text is no word, and a
    paragraph of thousands of named links is read in one walk: each link after the
    opening words loses its class."""
    cases = {
        "<p><span class='badge'>[Paid]</span> the story <a class='link'>goes on</a></p>": [
            "badge",
            None,
        ],
        "<p><!-- note --><span class='link'>Opening</span> words</p>": ["link"],
        "<p><!-- note -->Words <span class='link'>after</span> a comment</p>": [None],
    }
    for html, classes in cases.items():
        tree = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
        make_plain(tree)
        assert [el.get("class") for el in tree.iter("span", "a")] == classes, html
    links = "".join(f"<a class='link' href='/{n}'>story {n}</a>, " for n in range(20_000))
    tree = lxml.html.document_fromstring(f"<html><body><p>Read {links} and more.</p></body></html>")
    make_plain(tree)
    assert not any(a.get("class") for a in tree.iter("a"))


def test_words_after_an_empty_marker_or_icon_are_kept():
    """A blog's "read more" marker (``<span id="more-12"></span>``) opening a paragraph,
    an empty ``<strong>`` before one: trafilatura's precision mode deletes such an empty
    element with the text after it, and the paragraph's words with it; they are kept."""
    after_marker, after_bold = PARAGRAPHS[1], PARAGRAPHS[2]
    # long enough for the precision run to stand alone, without second opinions
    more = [
        f"Week {n} of the works closes the {side} end of the quay to carts and vans, the "
        f"authority's notice says, and the harbour bus stops at the {side} gate instead."
        for n, side in enumerate(("north", "south", "east", "west"), start=1)
    ]
    body = (
        f"<article><h1>{HEADLINE}</h1><p>{PARAGRAPHS[0]}</p>"
        f"<p><span id='more-12'></span>{after_marker}</p>"
        f"<p><strong></strong>{after_bold}</p><p>{PARAGRAPHS[3]}</p>"
        + "".join(f"<p>{p}</p>" for p in more)
        + "</article>"
    )
    html = page(body, META_HEAD).encode()
    precise = trafilatura.extract(html, favor_precision=True) or ""
    assert after_marker not in precise and after_bold not in precise  # the premise

    text = extract(html, "html").text

    assert all(p in text for p in PARAGRAPHS), text


def test_a_div_written_as_a_paragraph_among_paragraphs_is_kept():
    """A note written as a <div> in a body of <p>s (a manual's <div class="note">):
    trafilatura reads a <div>'s own text only on pages with next to no <p> prose, and
    dropped it; it is read as the paragraph it is."""
    note = (
        "Note that the temporary market on the north quay closes at noon on Saturdays, "
        "when the <a href='/ferry'>ferry</a> timetable changes for the winter season."
    )
    body = (
        f"<article><h1>{HEADLINE}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
        f"<div class='note'>{note}</div><p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></article>"
    )
    html = page(body, META_HEAD).encode()
    words = "when the ferry timetable changes"
    assert words not in (trafilatura.extract(html, favor_precision=True) or "")  # the premise

    text = extract(html, "html").text

    assert words in text and all(p in text for p in PARAGRAPHS), text


def test_only_divs_of_running_text_become_paragraphs():
    """A <div> holding a block, an image or too few words, or with no paragraph beside
    it, stays a <div>."""
    long = "The harbour authority confirmed the works would start in April next year. " * 2
    cases = [
        f"<div><h3>Teaser</h3>{long}</div>",  # a block inside
        f"<div><img src='pier.jpg'>{long}</div>",  # a picture and its caption
        "<div>Photo: Jonas Feld</div>",  # too short
        f"<section><div>{long}</div></section>",  # no paragraph beside it
    ]
    for case in cases:
        html = f"<html><body><div><p>{long}</p></div>{case}<p>{long}</p></body></html>"
        tree = lxml.html.document_fromstring(html)
        make_plain(tree)
        assert len(tree.findall(".//p")) == 2, case
