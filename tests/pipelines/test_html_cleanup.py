"""Tests for the post-processing of extracted lines (pipelines/extract/cleanup.py)."""

from __future__ import annotations

import pytest

from pipelines.extract.cleanup import (
    PageLinks,
    drop_comment_thread,
    drop_headline,
    drop_link_boxes,
    drop_repeats,
    drop_teasers,
    is_headline,
    tidy,
    trim_head,
    trim_tail,
)

PROSE = [
    "The harbour authority of Westmere confirmed on Tuesday that the old grain pier will be "
    "rebuilt over the next two summers, ending a decade of arguments about its future.",
    "Engineers found that the oak piles laid in 1911 had rotted far below the waterline, and "
    "that the deck could no longer carry the weight of the weekly fish market.",
    "Traders will move to a temporary market on the north quay while the work goes on, a "
    "solution the fishermen's cooperative said it could live with for two seasons.",
]

STORY_LINKS = [
    "Council approves budget for the new ferry terminal",
    "Storm damage closes coastal path for the winter",
    "Fish market traders count the cost of the long delay",
]

LINKS = PageLinks.of([*STORY_LINKS, "Home", "News", "Westmere council"])

#: An invented German article and the links of its page, for the rules that must not
#: depend on English words.
PROSE_DE = [
    "Die Hafenbehörde von Westmere hat am Dienstag bestätigt, dass die alte Getreidepier in "
    "den nächsten zwei Sommern neu gebaut wird.",
    "Die Eichenpfähle von 1911 sind tief unter der Wasserlinie verfault, und das Deck trägt "
    "den wöchentlichen Fischmarkt nicht mehr.",
]
TOPIC_LINKS_DE = [
    "Hafen und Fähren",
    "Fischmarkt am Nordkai",
    "Stadtrat von Westmere und seine Ausschüsse",
    "Wetter an der Küste und auf den Inseln",
]
LINKS_DE = PageLinks.of(TOPIC_LINKS_DE)


class TestPageLinks:
    def test_cover_finds_a_link_as_prefix_suffix_or_whole_line(self):
        """The covering link may be the whole line, its start or its end, brackets aside."""
        assert LINKS.cover(STORY_LINKS[0]) == (len(STORY_LINKS[0]), "")
        assert LINKS.cover(f"Related: {STORY_LINKS[1]}") == (len(STORY_LINKS[1]), "Related:")
        assert LINKS.cover(f"{STORY_LINKS[2]} [VIDEO]") == (len(STORY_LINKS[2]), "[VIDEO]")
        assert LINKS.cover(f"[{STORY_LINKS[0]}]")[0] == len(STORY_LINKS[0]) + 2

    def test_prose_is_not_covered(self):
        """A paragraph that merely contains a link text is not a link."""
        line = f"The {STORY_LINKS[0].lower()} was voted on Monday by a large majority."

        assert LINKS.share(line) == 0


class TestHeadline:
    @pytest.mark.parametrize(
        "title",
        [
            "Pier to be rebuilt | Westmere Gazette",
            "News – Pier to be rebuilt",
            "PIER TO BE REBUILT",
        ],
    )
    def test_headline_at_the_top_is_dropped(self, title):
        """The first line goes when it is the title, give or take site name, case, dashes."""
        assert drop_headline(["Pier to be rebuilt", *PROSE], [title]) == PROSE

    def test_any_of_the_headlines_counts(self):
        """The <h1> or og:title may be the one that matches."""
        assert drop_headline(["Pier to be rebuilt", *PROSE], ["Gazette", "Pier to be rebuilt"]) == (
            PROSE
        )

    def test_site_banner_above_the_headline_is_dropped_too(self):
        """The site's name as <title> gives it, standing above the headline (a banner), goes
        with the headline, in whatever language the site names itself."""
        lines = ["Gazette de Westmere", "La jetée sera reconstruite", *PROSE]

        assert drop_headline(lines, ["La jetée sera reconstruite – Gazette de Westmere"]) == PROSE

    def test_site_banner_in_other_words_order_is_dropped(self):
        """A banner may order the words of the site's name otherwise than <title> does, and
        add a word ("Versión 3 del Servidor Westmere" for "Servidor Westmere Versión 3")."""
        lines = ["Versión 3 del Servidor Westmere", "El muelle", *PROSE]

        assert drop_headline(lines, ["El muelle - Servidor Westmere Versión 3"]) == PROSE

    def test_page_address_above_the_headline_is_dropped(self):
        """A web address printed alone above the headline is the page's own, not the article."""
        lines = ["https://westmere.example/news/pier", "Pier to be rebuilt", *PROSE]

        assert drop_headline(lines, ["Pier to be rebuilt"]) == PROSE

    def test_headline_in_a_script_without_spaces_matches_however_spaced(self):
        """Japanese and Chinese space words at will: "ウェストミア 新聞" is "ウェストミア新聞"."""
        assert is_headline("ウェストミア 新聞", "桟橋を再建へ - ウェストミア新聞")

    def test_only_the_first_line_is_a_headline(self):
        """A title-like line further down is a section heading and stays."""
        lines = [PROSE[0], "Pier to be rebuilt", PROSE[1]]

        assert drop_headline(lines, ["Pier to be rebuilt"]) == lines


class TestRepeats:
    def test_paragraph_repeated_later_is_dropped(self):
        """A sentence-long paragraph shown twice (a second layout, a pull quote) is kept once."""
        assert drop_repeats([PROSE[0], PROSE[1], PROSE[0], PROSE[2], PROSE[1]]) == PROSE

    def test_block_repeated_three_times_is_kept_once(self):
        """A block of paragraphs repeated two more times is kept once."""
        assert drop_repeats(PROSE * 3) == PROSE

    def test_back_to_back_duplicate_of_any_length_is_dropped(self):
        """The same line twice in a row, however short, is one line."""
        assert drop_repeats(["Buy now", "Buy now", PROSE[0]]) == ["Buy now", PROSE[0]]

    def test_short_items_may_recur(self):
        """Short list items recur legitimately (a feature in two product lists)."""
        lines = ["- Wireless charging case", "- Water resistant", "- Wireless charging case"]

        assert drop_repeats(lines) == lines


class TestTeasers:
    @pytest.mark.parametrize(
        "label",
        [
            "Related: {}",
            "SEE MORE: {}",
            "[Related: {}]",
            "Also on westmere.example {}",
            "{} [VIDEO]",
        ],
    )
    def test_labelled_link_headline_is_dropped(self, label):
        """A link's headline under a short label, inside the article, is a teaser."""
        lines = [PROSE[0], label.format(STORY_LINKS[0]), PROSE[1]]

        assert drop_teasers(lines, LINKS) == [PROSE[0], PROSE[1]]

    def test_whole_line_link_and_linked_prose_stay(self):
        """A line that is only a link (a deal, a sub-heading) or prose with a link stays."""
        lines = [STORY_LINKS[0], f"Asked about it, Westmere council said: {PROSE[0]}"]

        assert drop_teasers(lines, LINKS) == lines


class TestLinkBoxes:
    def test_label_and_links_inside_the_article_are_dropped(self):
        """A "Don't miss" box of story links between two paragraphs goes, the prose stays."""
        lines = [PROSE[0], "DON'T MISS", *STORY_LINKS, PROSE[1]]

        assert drop_link_boxes(lines, LINKS) == [PROSE[0], PROSE[1]]

    def test_heading_followed_by_prose_stays(self):
        """A short heading followed by paragraphs is a section of the article."""
        lines = [PROSE[0], "What happens next", PROSE[1], STORY_LINKS[0]]

        assert drop_link_boxes(lines, LINKS) == lines


class TestCommentThread:
    def test_comments_signed_with_a_date_and_a_time_are_dropped(self):
        """Readers' comments after the article, each under a name and when it was written
        (in Polish here: the rule reads no words), go from the first signature on."""
        article = [*PROSE_DE, *PROSE]
        lines = [
            *article,
            "Komentarze (2)",
            "portowiec - 03.11.2026 14:05:12",
            "Nareszcie ktoś się tym zajął, molo rozpada się od lat.",
            "rybak_z_północy - 03.11.2026 13:58:40",
            "Dwa sezony na tymczasowym nabrzeżu to za długo.",
        ]

        assert drop_comment_thread(lines) == [*article, "Komentarze (2)"]

    @pytest.mark.parametrize(
        "dated",
        [
            [*PROSE_DE, *PROSE, "Stand: 2026-11-03 14:05"],  # one dated line is no thread
            [
                *PROSE_DE,
                *PROSE,
                "| 2026-11-03 14:05:12 | Pier zu |",
                "| 2026-11-03 14:07:40 | offen |",
            ],
            [
                *PROSE_DE,
                *PROSE,
                "Gültig ab: 2026-11-03T14:05:12",
                "Gültig bis: 2027-11-03T14:05:12",
            ],
            [*PROSE_DE, *PROSE, "Listen 192.0.2.1:80", "Listen 192.0.2.5:8000"],
            # a live report dating its entries from the start
            ["03.11.2026 14:05", PROSE[0], "03.11.2026 13:40", PROSE[1], PROSE[2], *PROSE_DE],
        ],
    )
    def test_dated_lines_of_the_article_stay(self, dated):
        """A single dated line, table rows of a log, ISO timestamps of a certificate,
        addresses with ports, a live report's entries: the article's text, no thread."""
        assert drop_comment_thread(dated) == dated


class TestHead:
    @pytest.mark.parametrize(
        "dateline",
        [
            "5:45 AM PST 11/19/2019 by Jo Feld",
            "Tempo de leitura: 1 minuto",
            "4 min read",
            "Updated Tuesday",
            "segunda-feira, 22 de janeiro de 2018 às 0:13",
        ],
    )
    def test_date_and_reading_time_lines_above_the_article_are_dropped(self, dateline):
        """Short date, time and reading-time lines before the first paragraph go."""
        assert trim_head([dateline, *PROSE]) == PROSE

    @pytest.mark.parametrize(
        "dateline",
        [
            "Aktualisiert am 14. März 2021",
            "Publié le 3 janvier 2021",
            "Actualizado el 3 de enero de 2021",
            "Обновлено 14 марта",
            "2021年3月14日 10時",
        ],
    )
    def test_datelines_in_other_languages_are_dropped(self, dateline):
        """Dates written out in any language, and "updated" in the common ones, make the
        short line above the article a dateline."""
        assert trim_head([dateline, *PROSE_DE]) == PROSE_DE

    def test_short_first_line_without_a_date_stays(self):
        """A short opening line that is no dateline (a kicker, a quote) stays."""
        lines = ["2018 Jeongdong Theater Tradition Series", *PROSE]

        assert trim_head(lines) == lines

    def test_a_lone_line_is_never_trimmed_away(self):
        """The head rule never empties the text."""
        assert trim_head(["Updated 10:45"]) == ["Updated 10:45"]


class TestTail:
    @pytest.mark.parametrize(
        "tail",
        [
            ["Comments"],
            ["Tell us what YOU think...", "comments"],
            ["You may also like:"],
            ["Subscribe to the Morning Review newsletter"],
            ["Follow us on Twitter @westmere and on Facebook."],
            ["More harbour news: https://westmere.example/harbour"],
            [f"- {link}" for link in STORY_LINKS],
            ["Tags", "harbour, pier, fish market, Westmere council, ferries"],
            ["Get the top headlines delivered to your inbox by subscribing to our newsletter."],
        ],
    )
    def test_page_furniture_after_the_article_is_dropped(self, tail):
        """Labels, link lists, tag lists and calls to action after the last paragraph go."""
        assert trim_tail([*PROSE, *tail], LINKS) == PROSE

    @pytest.mark.parametrize(
        "tail",
        [
            ["Jetzt kostenlos abonnieren und keinen Bericht aus dem Hafen mehr verpassen"],
            ["Inscrivez-vous à notre lettre d'information et suivez-nous."],
            ["¿Te gustó? Compártelo con tus amigos y déjanos tus comentarios."],
            ["Подписывайтесь на наш канал, чтобы не пропустить новости."],
            ["気に入ったらこの記事をシェアしてください。"],
        ],
    )
    def test_calls_to_action_in_other_languages_are_dropped(self, tail):
        """Subscribing, sharing, following and commenting, asked in other languages."""
        assert trim_tail([*PROSE_DE, *tail], LINKS) == PROSE_DE

    def test_line_naming_a_social_network_is_dropped(self):
        """Social networks are named alike in every language: a short line naming one
        at the end, no sentence, is a "follow us" line."""
        tail = ["Die Gazette auf Instagram und Mastodon", "Kommentare"]

        assert trim_tail([*PROSE_DE, *tail], LINKS) == PROSE_DE

    def test_row_of_the_pages_links_is_dropped_whatever_their_length(self):
        """Items between commas that are the page's link texts are a tag or topic row,
        however many words each has and whatever the language."""
        assert trim_tail([*PROSE_DE, ", ".join(TOPIC_LINKS_DE)], LINKS_DE) == PROSE_DE

    def test_reference_with_figures_is_not_a_tag_list(self):
        """Short items between commas with figures in them are a book's reference or a row
        of data, part of a review, not tags."""
        reference = "Verlag Westmere, 5. Auflage, 2014, 896 Seiten, gebunden"

        assert trim_tail([*PROSE_DE, reference], LINKS) == [*PROSE_DE, reference]

    def test_the_articles_own_closing_list_stays(self):
        """A list of short items ending the article is content (a recipe, a fact box)."""
        lines = [*PROSE, "What to bring:", "- Warm clothes", "- Boots", "- A flask of tea"]

        assert trim_tail(lines, LINKS) == lines

    def test_closing_prose_mentioning_subscriptions_stays(self):
        """A real last paragraph that happens to use a call-to-action word is kept."""
        last = (
            "What kind of local news will readers still feel is worth a digital subscription "
            "once the cuts are done, and who will be left to write it?"
        )

        assert trim_tail([*PROSE, last], LINKS) == [*PROSE, last]

    def test_closing_table_rows_stay(self):
        """A table of figures ending the article is content, short rows and all."""
        rows = ["| Quay | Berths |", "|---|---|", "| North quay | 14 |", "| Marina | 52 |"]

        assert trim_tail([*PROSE, *rows], LINKS) == [*PROSE, *rows]

    def test_long_run_of_short_lines_is_an_info_box(self):
        """Only the last two short lines may be labels: a longer run is the article's own."""
        box = ["Tickets", "Adults: 12 EUR", "Children: 6 EUR", "Box office", "Open daily"]

        assert trim_tail([*PROSE, *box], LINKS) == [*PROSE, *box[:3]]

    def test_text_without_spaces_is_not_a_label(self):
        """Japanese sentences have no spaces: they are judged by their length and 。."""
        lines = [
            PROSE[0],
            "もちろん、Apple社は「脱獄」を認めていません。",
            "商標権侵害と判断される場合があります。",
        ]

        assert trim_tail(lines, LINKS) == lines


def test_tidy_applies_every_rule():
    """Headline, dateline, teaser, repeat, blank line and tail all go in one pass."""
    lines = [
        "Pier to be rebuilt",
        "5:45 AM PST 11/19/2019",
        PROSE[0],
        "   ",
        f"Related: {STORY_LINKS[0]}",
        PROSE[1],
        PROSE[0],
        PROSE[2],
        "Comments",
    ]

    assert tidy(lines, ["Pier to be rebuilt | Westmere Gazette"], LINKS) == PROSE
