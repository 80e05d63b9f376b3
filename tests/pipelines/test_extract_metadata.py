"""Tests for the metadata the extract stage reads from an HTML page (pipelines/extract/
metadata.py, through extractor.py): title, author, date, site name, language and URL from
the head and JSON-LD, and which source wins when they disagree."""

from __future__ import annotations

import json

import pytest

from pipelines.extract.extractor import extract
from tests.pipelines.extract_helpers import HEADLINE, META_HEAD, PARAGRAPHS, article, page


class TestHtmlMetadata:
    def test_metadata_fields_are_filled(self):
        """Title, author, date, site name, language and URL come from the page's head."""
        html = page(article(HEADLINE, PARAGRAPHS), head=META_HEAD, lang='lang="en-GB"')

        got = extract(html.encode(), "html", url="https://gazette.example/x")

        assert (got.title, got.author, got.published, got.sitename, got.language) == (
            HEADLINE,
            "Jonas Feld",
            "2024-03-05",
            "Westmere Gazette",
            "en",
        )
        assert got.url == "https://gazette.example/news/grain-pier"

    def test_headline_is_not_repeated_as_first_line(self):
        """The <h1> that equals the title is dropped from the top of the body."""
        html = page(article(HEADLINE, PARAGRAPHS), head=META_HEAD)

        got = extract(html.encode(), "html")

        assert got.text.splitlines() == PARAGRAPHS

    @pytest.mark.parametrize(
        "title",
        [
            f"{HEADLINE} | Westmere Gazette",
            f"News – {HEADLINE}",
            HEADLINE.upper().replace("DECADE OF", "DECADE-OF"),
        ],
    )
    def test_headline_is_dropped_when_title_adds_site_name_or_differs_in_punctuation(self, title):
        """The headline goes even if <title> adds a site name or differs in case or punctuation."""
        html = page(article(HEADLINE, PARAGRAPHS), head=f"<title>{title}</title>")

        assert extract(html.encode(), "html").text.splitlines() == PARAGRAPHS

    def test_first_paragraph_resembling_the_title_is_kept(self):
        """A first paragraph that only shares words with the title is body text, and stays."""
        title = "The harbour authority of Westmere confirmed on Tuesday"  # a prefix of it
        html = page(article("", PARAGRAPHS), head=f"<title>{title}</title>")

        assert extract(html.encode(), "html").text.splitlines() == PARAGRAPHS

    def test_one_paragraph_per_line_without_repeats(self):
        """Blank lines and a paragraph repeated back to back do not reach the text."""
        first, second, *rest = PARAGRAPHS
        body = article(HEADLINE, [first, "   ", second, second, *rest])

        got = extract(page(body, head=META_HEAD).encode(), "html")

        assert got.text.splitlines() == PARAGRAPHS

    @pytest.mark.parametrize(
        ("lang", "head", "expected"),
        [
            ('lang="pt-BR"', "", "pt"),
            ("", '<meta property="og:locale" content="de_DE">', "de"),
            ("", '<meta http-equiv="Content-Language" content="fr, en">', "fr"),
            ("", "", None),
        ],
    )
    def test_language_is_the_declared_one(self, lang, head, expected):
        """The language is the page's declaration cut to its two-letter code, or None."""
        html = page(article(HEADLINE, PARAGRAPHS), head=head, lang=lang)

        assert extract(html.encode(), "html").language == expected

    def test_url_falls_back_to_the_given_one(self):
        """Without a canonical link the URL is the one the page was fetched from."""
        html = page(article(HEADLINE, PARAGRAPHS))

        got = extract(html.encode(), "html", url="https://gazette.example/a")

        assert got.url == "https://gazette.example/a"


class TestHtmlMetadataSources:
    def test_json_ld_fills_author_date_and_language(self):
        """Pages stating their metadata only in JSON-LD get it read from there."""
        ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": HEADLINE,
                "author": {"@type": "Person", "name": "Mara Okonkwo"},
                "datePublished": "2023-11-19T07:45:00+01:00",
                "inLanguage": "nl-BE",
                "publisher": {"@type": "Organization", "name": "Westmere Gazette"},
            }
        )
        head = f'<script type="application/ld+json">{ld}</script>'
        html = page(article(HEADLINE, PARAGRAPHS), head=head, lang="")

        got = extract(html.encode(), "html", url="https://gazette.example/pier")

        assert (got.title, got.author, got.published, got.sitename, got.language) == (
            HEADLINE,
            "Mara Okonkwo",
            "2023-11-19",
            "Westmere Gazette",
            "nl",
        )

    def test_site_without_a_name_is_named_by_its_host(self):
        """No site name stated: the host of the page's URL, as trafilatura gives it."""
        html = page(article(HEADLINE, PARAGRAPHS))

        got = extract(html.encode(), "html", url="https://www.gazette.example/news/pier")

        assert got.sitename == "gazette.example"


# --- the body: which runs, split bodies, tables, recall fallback -------------------
