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


# An invented manual page in Japanese: three sections of prose, then a closing one of two
# short paragraphs that link to other chapters.
_MANUAL_SECTIONS = [
    (
        "概要",
        "この文書では、港の船舶管理システムを設定する方法を説明します。設定ファイルは起動時に"
        "一度だけ読み込まれるため、変更した内容はサーバーを再起動するまで反映されません。各項目の"
        "既定値は、小さな漁港でもそのまま使えるように選ばれています。",
    ),
    (
        "係留場所の登録",
        "係留場所は番号と長さで登録します。長さは船の全長より二メートル以上長くしてください。"
        "冬の間に使えない場所は、閉鎖の期間を書いておくと、予約の画面に表示されなくなります。"
        "同じ番号を二度登録すると、後から書いたものが使われます。",
    ),
    (
        "料金の計算",
        "料金は一晩ごとに計算され、船の長さに比例します。漁協の組合員には別の料金表が使われ、"
        "月の終わりにまとめて請求されます。燃料の補給や水の使用は、料金とは別に記録されます。"
        "請求書の書式は管理者の画面から変更できます。",
    ),
]
_CLOSING = (
    "これらの設定がどのように連携して動くかについては、"
    "<a href='ships.html'>船舶台帳</a>と<a href='berths.html'>係留場所</a>"
    "の文書に詳しい説明があり、実際の港で使われている例もたくさん載っていますので、設定を"
    "変える前にあわせて読むとよいでしょう。"
)
_CLOSING_WORDS = "これらの設定がどのように連携して動くかについては"
_CLOSING_SECTION = (
    "<div class='section'><h2>関連情報</h2>"
    f"<p>{_CLOSING}</p><p><a href='access.html'>利用者の権限</a>の章もご覧ください。</p></div>"
)


def _manual(closing_section: str) -> bytes:
    sections = "".join(
        f"<div class='section'><h2>{title}</h2><p>{text}</p></div>"
        for title, text in _MANUAL_SECTIONS
    )
    body = f"<div id='manual'><h1>船舶管理システムの設定</h1>{sections}{closing_section}</div>"
    return page(body, lang='lang="ja"').encode()


def test_a_closing_section_in_a_wide_script_is_kept():
    """A manual's closing section in Japanese, two paragraphs of 120 characters with a
    chapter's name linked: trafilatura's precision mode deletes a last block holding a
    link and under 200 characters, a measure of spaced scripts, and dropped it; it is
    kept. The same section made of links stays out."""
    html = _manual(_CLOSING_SECTION)
    precise = trafilatura.extract(html, favor_precision=True) or ""
    assert _MANUAL_SECTIONS[2][1][:20] in precise and _CLOSING_WORDS not in precise  # premise

    text = extract(html, "html").text

    assert _CLOSING_WORDS in text and "利用者の権限の章もご覧ください" in text, text
    assert all(section[:20] in text for _, section in _MANUAL_SECTIONS)

    links = "".join(
        f"<p><a href='{n}.html'>第{n}章 港の船舶管理システムの設定と運用の説明</a></p>"
        for n in range(1, 6)
    )
    text = extract(_manual(f"<div class='section'><h2>目次</h2>{links}</div>"), "html").text
    assert "第1章" not in text, text


def test_only_sections_short_by_a_wide_script_are_opened():
    """The closing section above is opened, its blocks its parent's; a section in a spaced
    script is left as it is whatever its length, and so is a wide one that is long enough
    already, too short even with its characters counted twice, or mostly links."""
    english = (
        "<div class='section'><h2>See also</h2><p>How these settings work together is told "
        "in the <a href='ships.html'>register of ships</a>.</p></div>"
    )
    japanese_short = "<div class='section'><h2>関連情報</h2><p><a href='a'>船舶台帳</a>。</p></div>"
    japanese_long = f"<div class='section'><h2>関連情報</h2><p>{_CLOSING * 3}</p></div>"
    chapters = (
        f"<p><a href='{n}'>第{n}章 係留場所の登録と料金の計算</a>、例。</p>" for n in range(5)
    )
    japanese_links = f"<div class='section'><h2>目次</h2>{''.join(chapters)}</div>"
    for section in (english, japanese_short, japanese_long, japanese_links):
        tree = lxml.html.document_fromstring(_manual(section))
        make_plain(tree)
        assert len(tree.findall(".//div[@class='section']")) == 4, section
    tree = lxml.html.document_fromstring(_manual(_CLOSING_SECTION))
    make_plain(tree)
    assert len(tree.findall(".//div[@class='section']")) == 3
    assert tree.find(".//h2[.='関連情報']").getparent().get("id") == "manual"
