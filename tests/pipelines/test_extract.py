"""Tests for the extract stage (pipelines/extract.py)."""

from __future__ import annotations

import json
import random
import re
import resource
from collections import Counter
from pathlib import Path

import pytest
import trafilatura

from pipelines import extract as extract_module
from pipelines import html_body
from pipelines.article import Extracted, Rejected
from pipelines.extract import decode_text, extract, kind_of
from pipelines.html_body import has_link_tables
from pipelines.html_cleanup import PageLinks

EVAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "eval" / "extraction"

PARAGRAPHS = [
    "The harbour authority of Westmere confirmed on Tuesday that the old grain pier will be "
    "rebuilt over the next two summers, ending a decade of arguments about its future.",
    "Engineers found that the oak piles laid in 1911 had rotted far below the waterline, and "
    "that the deck could no longer carry the weight of the weekly fish market.",
    "The new pier will keep the original iron railings, which volunteers removed, numbered "
    "and repainted last winter, according to the authority's chief engineer, Mara Okonkwo.",
    "Traders will move to a temporary market on the north quay while the work goes on, a "
    "solution the fishermen's cooperative said it could live with for two seasons.",
]


def page(body: str, head: str = "", lang: str = 'lang="en"', charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html {lang}><head><meta charset="{charset}">{head}</head>'
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{body}"
        "<footer>© Westmere Gazette</footer></body></html>"
    )


def article(headline: str, paragraphs: list[str]) -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<article><h1>{headline}</h1>{ps}</article>"


HEADLINE = "Westmere grain pier to be rebuilt after decade of delay"

META_HEAD = (
    f"<title>{HEADLINE}</title>"
    '<meta name="author" content="Jonas Feld">'
    '<meta property="og:site_name" content="Westmere Gazette">'
    '<meta property="article:published_time" content="2024-03-05T08:30:00Z">'
    '<link rel="canonical" href="https://gazette.example/news/grain-pier">'
)


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


LEGACY_PARAGRAPHS = [
    "Le maire de Westmere a annoncé mercredi que les travaux du nouveau pont débuteront à "
    "l'été prochain, après des années de débats très animés au conseil municipal.",
    "« C'est un projet très attendu », a-t-il déclaré. Le coût total est estimé à douze "
    "millions d'euros, soit 12 M€, dont une part sera financée par la région.",
    "Les pêcheurs s'installeront sur le quai nord pendant deux saisons ; ça ne les "
    "dérange pas, d'après leur coopérative, qui a salué un « compromis raisonnable ».",
]


class TestHtmlCharsets:
    @pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1", "ISO-8859-1"])
    def test_declared_legacy_charset_decodes_right(self, charset):
        """A page declaring a Western legacy charset keeps its accents, guillemets and euro sign."""
        html = page(article("Un pont", LEGACY_PARAGRAPHS), lang='lang="fr"', charset=charset)

        # Pages declared iso-8859-1 are really cp1252, as browsers assume (the € is 0x80).
        got = extract(html.encode("cp1252"), "html")

        assert got.text.splitlines() == LEGACY_PARAGRAPHS

    def test_http_equiv_charset_and_curly_quotes(self):
        """A charset in <meta http-equiv=Content-Type> is honoured, cp1252 curly quotes included."""
        quoted = [p.replace("« ", "“").replace(" »", "”") for p in LEGACY_PARAGRAPHS]
        head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        html = page(article("Un nouveau pont", quoted), head=head, charset="iso-8859-1")

        got = extract(html.encode("cp1252"), "html")

        assert got.text.splitlines() == quoted

    def test_xhtml_with_xml_declaration(self):
        """An XHTML page declaring its encoding in <?xml ...?> is decoded by it."""
        html = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + page(
            article("Un nouveau pont", LEGACY_PARAGRAPHS), charset="iso-8859-1"
        ).replace('<meta charset="iso-8859-1">', "")

        got = extract(html.encode("cp1252"), "html")

        assert got.text.splitlines() == LEGACY_PARAGRAPHS

    @pytest.mark.parametrize(
        ("declared", "encoding"),
        [
            # A UTF-16 page with a byte-order mark is read, not taken for binary.
            ("utf-16", "utf-16"),
            # A declared charset that is no text encoding falls back to guessing.
            ("base64", "cp1252"),
            ("x-no-such-charset", "cp1252"),
            # Valid UTF-8 wins over a declared iso-8859-1, which would turn "é" into "Ã©".
            ("iso-8859-1", "utf-8"),
        ],
    )
    def test_page_bytes_are_decoded_by_what_they_are(self, declared, encoding):
        """The page's bytes decide over a missing, nonsense or wrong charset declaration."""
        html = page(article("Un nouveau pont", LEGACY_PARAGRAPHS), charset=declared)

        got = extract(html.encode(encoding), "html")

        assert got.text.splitlines() == LEGACY_PARAGRAPHS


class TestDecodeText:
    def test_utf8_bom_is_stripped(self):
        """A UTF-8 byte-order mark is not part of the text."""
        assert decode_text(b"\xef\xbb\xbfna\xc3\xafve caf\xc3\xa9") == "naïve café"

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
    def test_utf16_and_utf32_with_bom(self, encoding):
        """UTF-16 and UTF-32 with a byte-order mark decode, their NUL bytes notwithstanding."""
        text = "Grüße aus Westmere — 北京"
        data = text.encode(encoding)
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # utf-16-be adds no BOM itself
            data = b"\xfe\xff" + data

        assert decode_text(data) == text

    def test_latin1_bytes(self):
        """Latin-1 bytes that are not valid UTF-8 decode as Western European text."""
        text = "Le café est très bon, déjà vu à Noël. Ça coûte cinq euros."

        assert decode_text(text.encode("latin-1")) == text

    def test_cyrillic_legacy_bytes(self):
        """Preferring cp1252 does not take over text that is plainly in another charset."""
        text = (
            "Мэр города объявил в среду, что строительство нового моста начнётся следующим "
            "летом. Общая стоимость оценивается в двенадцать миллионов евро. "
        ) * 3

        assert decode_text(text.encode("cp1251")) == text

    def test_png_header_is_binary(self):
        """A PNG file is rejected as binary, naming the NUL bytes."""
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))

        with pytest.raises(Rejected) as err:
            decode_text(png)

        assert err.value.reason == "not text: the file looks binary (NUL bytes in the first 8 KB)"

    def test_random_bytes_with_nuls_are_binary(self):
        """Random bytes are rejected as binary."""
        data = random.Random(7).randbytes(4096) + b"\x00"

        with pytest.raises(Rejected, match=r"^not text: the file looks binary"):
            decode_text(data)

    def test_control_characters_without_nuls_are_binary(self):
        """Bytes full of control characters are binary even without a NUL."""
        data = bytes(b for b in random.Random(7).randbytes(4096) if b)

        with pytest.raises(Rejected, match=r"^not text: the file looks binary \(\d+ control char"):
            decode_text(data)

    def test_a_stray_control_character_is_tolerated(self):
        """One escape character in a long text does not make it binary."""
        text = "\x1b" + " ".join(PARAGRAPHS)

        assert decode_text(text.encode()) == text

    def test_empty_input(self):
        """No bytes at all is an empty input."""
        with pytest.raises(Rejected) as err:
            decode_text(b"")

        assert err.value.reason == "empty input: no bytes"

    def test_only_a_bom(self):
        """A byte-order mark and nothing else is an empty input."""
        with pytest.raises(Rejected, match=r"^empty input: nothing after the byte-order mark$"):
            decode_text(b"\xef\xbb\xbf")


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


def _billion_laughs(doctype_prefix: str = "") -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    body = "<article><h1>Pier</h1><p>&lol9;</p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"{doctype_prefix}<!DOCTYPE html [{entities}]>\n<html><body>{body}</article></body></html>"
    ).encode()


class TestHostileHtml:
    @pytest.mark.timeout(20)
    @pytest.mark.parametrize("prefix", ["", '<?xml version="1.0"?>\n'])
    def test_entity_bomb_is_not_expanded(self, prefix):
        """A "billion laughs" DOCTYPE is left unexpanded: the text stays small and memory flat."""
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        try:
            text = extract(_billion_laughs(prefix), "html").text
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


_TOKEN = re.compile(r"\w+")


def token_f1(gold: str, predicted: str) -> float:
    gold_bag, pred_bag = (Counter(_TOKEN.findall(t.lower())) for t in (gold, predicted))
    overlap = sum((gold_bag & pred_bag).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred_bag.values()), overlap / sum(gold_bag.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason=f"eval set not found at {EVAL_DIR}")
def test_real_pages_score_well():
    """On 20 real article pages every text is non-empty and the mean token F1 is at least 0.9."""
    pages = sorted(EVAL_DIR.glob("*.html"))[:20]
    scores = []
    for html_path in pages:
        gold = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
        got = extract(html_path.read_bytes(), "html", url=gold["url"])
        assert got.text.strip(), html_path.name
        scores.append(token_f1(gold["text"], got.text))

    assert len(scores) == 20
    assert sum(scores) / len(scores) >= 0.9


# --- the body: which runs, split bodies, tables, recall fallback -------------------

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
                    ("full", "recall"): "c " * 400,
                },
                "c " * 400,
            ),
            # Recall is not clearly longer: the precise text stays.
            (
                {
                    ("fast", "precision"): "a " * 100,
                    ("full", "precision"): "b " * 350,
                    ("full", "recall"): "c " * 400,
                },
                "b " * 350,
            ),
        ],
    )
    def test_short_precise_run_gets_second_opinions(self, monkeypatch, runs, expected):
        """The fast precise run is checked against the page's paragraph text; when short,
        the full cascade and then recall mode are tried, recall only if clearly longer."""
        calls = []

        def fake(tree, url, fast=True, focus="precision", tables=True):
            calls.append(("fast" if fast else "full", focus))
            return runs[calls[-1]]

        monkeypatch.setattr(html_body, "_extract", fake)
        tree = trafilatura.load_html(page(_paragraphs(MORE_PARAGRAPHS * 2)))  # ~1,900 chars of <p>

        lines = html_body.body_lines(tree, None, PageLinks(frozenset()))

        assert lines == [expected.strip()]
        assert calls == list(runs)


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


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason=f"eval set not found at {EVAL_DIR}")
def test_real_pages_beat_bare_trafilatura():
    """On 30 real pages of the dev half every text is non-empty, the mean token F1 is at
    least 0.97, and above bare trafilatura's on the same pages."""
    pages = [p for p in sorted(EVAL_DIR.glob("*.html")) if int(p.name[0], 16) % 2 == 0][:30]
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
