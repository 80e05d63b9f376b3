"""Tests for the extract stage's decoding (pipelines/extract/extractor.py): declared and undeclared
charsets of HTML pages, byte-order marks, and bytes rejected as binary or empty."""

from __future__ import annotations

import random

import pytest

from pipelines.article import Rejected
from pipelines.extract.extractor import decode_text, extract
from tests.pipelines.extract_helpers import PARAGRAPHS, article, page

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
            # A legacy page mislabelled UTF-8 is read as what it is.
            ("utf-8", "cp1252"),
        ],
    )
    def test_page_bytes_are_decoded_by_what_they_are(self, declared, encoding):
        """The page's bytes decide over a missing, nonsense or wrong charset declaration."""
        html = page(article("Un nouveau pont", LEGACY_PARAGRAPHS), charset=declared)

        got = extract(html.encode(encoding), "html")

        assert got.text.splitlines() == LEGACY_PARAGRAPHS

    def test_utf8_page_with_a_latin1_head_stays_utf8(self):
        """A page that declares UTF-8 and is UTF-8 but for a template's meta tag in Latin-1:
        its body keeps its accents (read as cp1252 for the head's sake, "été" became
        "Ã©tÃ©" all through the article)."""
        meta = '<meta name="description" content="Un pont très attendu, déjà financé à Westmere">'
        html = page(article("Un pont", LEGACY_PARAGRAPHS), head=meta)
        data = html.encode("utf-8").replace(meta.encode("utf-8"), meta.encode("latin-1"))

        got = extract(data, "html")

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

    def test_utf8_with_a_stray_legacy_byte(self):
        """UTF-8 text with one byte from elsewhere (a cp1252 dash pasted in) stays UTF-8:
        its accents survive, and only the stray byte is lost."""
        text = " ".join(LEGACY_PARAGRAPHS)
        data = text.encode("utf-8").replace(b"soit 12", b"soit \x96 12")

        assert decode_text(data) == text.replace("soit 12", "soit \ufffd 12")

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
