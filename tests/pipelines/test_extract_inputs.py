"""Tests for what the extract stage accepts (pipelines/extract/extractor.py): rejected inputs,
hostile HTML, plain-text files and the kind of a file by its name."""

from __future__ import annotations

import resource

import pytest
import trafilatura

from pipelines.article import Extracted, Rejected
from pipelines.extract import extractor as extract_module
from pipelines.extract.extractor import extract, kind_of
from tests.pipelines.extract_helpers import PARAGRAPHS, article, billion_laughs, page


class TestRejections:
    def test_oversize_is_rejected_before_parsing(self, monkeypatch):
        """Input over the cap is rejected by its length alone: the parser is never called."""

        def fail(*args, **kwargs):
            raise AssertionError("parsed an oversize input")

        monkeypatch.setattr(trafilatura, "load_html", fail)
        monkeypatch.setattr(trafilatura, "bare_extraction", fail)
        monkeypatch.setattr(extract_module, "_decode", fail)

        with pytest.raises(Rejected) as err:
            extract(b"<p>x</p>" * 3_900_000, "html")

        assert err.value.reason == "too large: 31.2 MB is over the 10 MB limit (NEWSFLOW_MAX_BYTES)"

    def test_oversize_by_a_few_bytes_shows_exact_sizes(self):
        """When rounding would show equal sizes, the reason gives exact byte counts."""
        with pytest.raises(Rejected) as err:
            extract(b"a" * 1_000_001, "text", max_bytes=1_000_000)

        assert err.value.reason == (
            "too large: 1,000,001 bytes is over the 1,000,000-byte limit (NEWSFLOW_MAX_BYTES)"
        )

    def test_input_at_the_cap_is_accepted(self, monkeypatch):
        """The cap is inclusive: exactly max_bytes is processed."""
        monkeypatch.setattr(extract_module, "clean_text", lambda text: Extracted(text=text))
        data = " ".join(PARAGRAPHS).encode()

        assert extract(data, "text", max_bytes=len(data)).text

    @pytest.mark.parametrize("kind", ["pdf", "", None])
    def test_unknown_kind(self, kind):
        """A kind the stage does not know is rejected as an unsupported file type."""
        with pytest.raises(Rejected) as err:
            extract(b"%PDF-1.7", kind)

        assert err.value.reason == (
            f"unsupported file type: kind {kind!r} is not html or text"
            " (supported files: .htm, .html, .txt)"
        )

    def test_navigation_only_page(self):
        """A page with a menu and no article is rejected, not returned as a list of links."""
        links = "".join(f"<li><a href='/s/{i}'>Section {i}</a></li>" for i in range(30))
        html = f"<html><head><title>Index</title></head><body><nav><ul>{links}</ul></nav></body>"

        with pytest.raises(Rejected) as err:
            extract(html.encode(), "html")

        assert err.value.reason == (
            "no article found: the page's text is mostly links (a menu or index page)"
        )

    def test_index_page_of_headlines(self):
        """A section front listing headline links is not an article."""
        heads = "".join(
            f"<li><a href='/n/{i}'>Council votes to rebuild pier number {i} after delay</a></li>"
            for i in range(12)
        )
        body = f"<main><h2>Latest</h2><ul>{heads}</ul></main><p>Copyright 2024 Westmere Gazette</p>"

        with pytest.raises(Rejected, match=r"^no article found: "):
            extract(page(body).encode(), "html")

    @pytest.mark.parametrize("post", ["<h2>Still</h2><p>Short today. Rain.</p>", "<p>Rain.</p>"])
    def test_short_post_among_navigation(self, post):
        """A blog post of a line or two in the page's one <article>, with more menu,
        blogroll and social links around it than text in it, is the article, not a menu
        (bare trafilatura returns the whole page's text there)."""
        tags = ("birds", "tides", "walks")
        menu = "".join(f"<li><a href='/tag/{t}.html'>{t}</a></li>" for t in tags)
        roll = "".join(f"<li><a href='https://example.org/{n}'>Link {n}</a></li>" for n in range(6))
        body = (
            f"<header><h1><a href='/'>Marsh Notes</a></h1><nav><ul>{menu}</ul></nav></header>"
            "<article><h1><a href='/gone.html'>Gone fishing</a></h1>"
            f"<div class='entry-content'>{post}</div></article>"
            f"<aside><h2>links</h2><ul>{roll}</ul></aside><footer>Powered by a generator</footer>"
        )

        text = extract(page(body).encode(), "html").text

        assert text.endswith("Rain.") and "Link" not in text and "birds" not in text

    def test_page_without_body_text(self):
        """A page with an empty body yields nothing and is rejected as such."""
        html = "<html><head><title>Soon</title></head><body><div></div><div></div></body></html>"

        with pytest.raises(Rejected) as err:
            extract(html.encode(), "html")

        assert err.value.reason == "no article found: trafilatura extracted nothing from this page"

    def test_html_file_without_markup(self):
        """A .html file holding plain text is rejected with a hint to rename it."""
        with pytest.raises(Rejected, match=r"^not HTML: .*should be \.txt"):
            extract(b"Just a line of text, no tags at all.", "html")

    def test_binary_html_file(self):
        """A binary file named .html is rejected as binary, not fed to the parser."""
        with pytest.raises(Rejected, match=r"^not text: the file looks binary"):
            extract(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "html")

    def test_empty_html_file(self):
        """An empty .html file is an empty input."""
        with pytest.raises(Rejected, match=r"^empty input: no bytes$"):
            extract(b"", "html")


class TestHostileHtml:
    @pytest.mark.timeout(20)
    @pytest.mark.parametrize("prefix", ["", '<?xml version="1.0"?>\n'])
    def test_entity_bomb_is_not_expanded(self, prefix):
        """A "billion laughs" DOCTYPE is left unexpanded: the text stays small and memory flat."""
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        try:
            text = extract(billion_laughs(prefix), "html").text
        except Rejected:
            text = ""

        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        assert grown_mb < 100  # a full expansion is 3 GB of "lol"
        assert "lollol" not in text
        assert len(text) < 5_000

    def test_external_entity_is_not_loaded(self, tmp_path):
        """A SYSTEM entity pointing at a local file does not pull the file into the text."""
        secret = tmp_path / "secret.txt"
        secret.write_text("TOPSECRETVALUE")
        doctype = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        html = f"{doctype}<html><body>{article('Pier', PARAGRAPHS)}<p>&xxe;</p></body></html>"

        try:
            text = extract(html.encode(), "html").text
        except Rejected:
            text = ""

        assert "TOPSECRETVALUE" not in text


class TestText:
    def test_text_goes_through_the_cleaner(self, monkeypatch):
        """Plain text is decoded and handed to clean_text, whose result is returned."""
        seen = []

        def fake_clean(text):
            seen.append(text)
            return Extracted(text="cleaned", title="T")

        monkeypatch.setattr(extract_module, "clean_text", fake_clean)

        got = extract("Grüße\n".encode("latin-1"), "text")

        assert seen == ["Grüße\n"]
        assert got == Extracted(text="cleaned", title="T")

    def test_whitespace_only_text_is_rejected(self):
        """A text file with nothing but blank lines has no article."""
        with pytest.raises(Rejected, match=r"^no article found: "):
            extract(b" \n\t\n\r\n", "text")

    def test_binary_text_file(self):
        """A binary file named .txt is rejected as binary."""
        with pytest.raises(Rejected, match=r"^not text: "):
            extract(bytes(range(256)), "text")


class TestKindOf:
    @pytest.mark.parametrize(
        ("name", "kind"),
        [
            ("inbox/a.html", "html"),
            ("A.HTM", "html"),
            ("notes.txt", "text"),
            ("report.pdf", None),
            ("README", None),
            ("https://example.org/story.html?ref=rss#top", "html"),
            ("https://example.org/story", None),
        ],
    )
    def test_kind_of(self, name, kind):
        """The kind comes from the suffix, case-insensitively, ignoring a URL's query."""
        assert kind_of(name) == kind
