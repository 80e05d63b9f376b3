"""The extract stage: raw bytes of an input file or page in, an ``Extracted`` out.

HTML pages go through trafilatura (main text and metadata); plain text is decoded
and handed to the cleaner. Inputs that can never be processed raise ``Rejected``
with a reason a person can act on.

trafilatura has no time limit of its own and can be slow on pathological pages;
the worker bounds it by running this in a child process (workers/runtime/sandbox.py).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura

from pipelines.article import Extracted, Rejected
from pipelines.clean.cleaner import clean_text
from pipelines.extract.body import body_lines
from pipelines.extract.cleanup import PageLinks, tidy
from pipelines.extract.joiners import restore, shield
from pipelines.extract.metadata import read_metadata

#: File suffix -> kind of input.
KINDS = {".html": "html", ".htm": "html", ".txt": "text"}

#: Default cap on input size; the worker passes its NEWSFLOW_MAX_BYTES setting.
MAX_BYTES = 10_000_000

#: How much of the input the binary and charset sniffers look at.
SNIFF_BYTES = 8192

#: Share of control characters above which decoded "text" is taken for binary data.
MAX_CONTROL_SHARE = 0.05

#: Valid non-ASCII characters per invalid byte above which a page that is not valid UTF-8
#: is still read as UTF-8 with a few stray bytes.
MIN_UTF8_PER_INVALID = 20
#: The same for a page that declares UTF-8: its word agrees with its bytes, so valid
#: characters need only outnumber the invalid bytes (a template's head in Latin-1, a body
#: in UTF-8); a legacy page mislabelled UTF-8 has next to no valid multi-byte characters.
MIN_UTF8_PER_INVALID_DECLARED = 1

# C0 controls and DEL, minus the whitespace ones (tab, LF, CR, form feed) that real
# text files contain.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# The C0 controls XML 1.0 cannot hold (all but tab, LF and CR), as characters and as bytes.
# lxml refuses to set them as text: one of them in a page made trafilatura find no article
# and htmldate's cleaning raise "All strings must be XML compatible".
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

_FORM_FEED = "\x0c"

# A numeric character reference, decimal or hex, leading zeros allowed, the ";" optional
# as in browsers.
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# <meta charset=...>, <meta http-equiv=Content-Type content="...; charset=...">
# and <?xml ... encoding="..."?>, all ASCII-compatible, so sniffed on the raw bytes.
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)

# Browsers decode these labels as windows-1252 (WHATWG Encoding Standard), and pages
# declaring them routinely use cp1252's curly quotes and euro sign.
_AS_CP1252 = {"ascii", "latin_1", "iso8859_1", "cp1252"}


def kind_of(path_or_name: str) -> str | None:
    """The kind of input ("html", "text") a file name or URL names, or None if unsupported."""
    # A URL's suffix is in its path, not in its query string or fragment.
    name = urlsplit(path_or_name).path if "://" in path_or_name else path_or_name
    return KINDS.get(PurePosixPath(name).suffix.lower())


def decode_text(data: bytes) -> str:
    """Decode the bytes of a text file.

    A byte-order mark wins; then UTF-8 if the bytes are valid UTF-8, or nearly so (a
    stray byte from elsewhere in UTF-8 text); then charset_normalizer's guess; then cp1252.

    Raises:
        Rejected: the input is empty or looks binary.
    """
    return _decode(data, declared=None)


def extract(
    data: bytes, kind: str, url: str | None = None, max_bytes: int = MAX_BYTES
) -> Extracted:
    """Extract the article in ``data``, an input of ``kind`` ("html" or "text").

    ``url`` is where the page came from, if known: trafilatura uses it for metadata
    and it is the fallback of ``Extracted.url``.

    Raises:
        Rejected: unsupported kind, too large, not text, or no article in it.
    """
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise Rejected(
            f"unsupported file type: kind {kind!r} is not html or text"
            f" (supported files: {', '.join(sorted(KINDS))})"
        )
    # Checked before parsing: trafilatura's time and memory grow with the page.
    if len(data) > max_bytes:
        size, limit = _sizes(len(data), max_bytes)
        raise Rejected(f"too large: {size} is over the {limit} limit (NEWSFLOW_MAX_BYTES)")
    return handler(data, url)


# --- plain text ---------------------------------------------------------------


def _extract_text(data: bytes, url: str | None) -> Extracted:
    extracted = clean_text(decode_text(data))
    if not extracted.text.strip():
        raise Rejected("no article found: the text file is empty once cleaned")
    return extracted


# --- HTML ---------------------------------------------------------------------


def _extract_html(data: bytes, url: str | None) -> Extracted:
    # Decoded here rather than by trafilatura, which ignores the page's declared
    # charset and guesses (often wrongly, e.g. cp1250 for short French pages).
    html = shield(xml_safe(_decode(data, declared=_declared_charset(data)), data))
    tree = trafilatura.load_html(html)
    if tree is None:
        raise Rejected("not HTML: the page has no HTML markup (a plain text file should be .txt)")
    # Read first: the metadata readers and trafilatura both work on copies, so the one
    # parsed tree serves every step.
    meta = read_metadata(tree, url)
    links = PageLinks.of(a.text_content() for a in tree.iter("a"))
    lines = body_lines(tree, url, links)
    if not lines:
        raise Rejected("no article found: trafilatura extracted nothing from this page")
    paragraphs = tidy(lines, (meta.title or "", *meta.headlines), links)
    if not paragraphs:
        raise Rejected("no article found: the page's main text is only its headline")
    return Extracted(
        text=restore("\n".join(paragraphs)),
        title=meta.title and restore(meta.title),
        author=meta.author and restore(meta.author),
        published=meta.published,
        sitename=meta.sitename and restore(meta.sitename),
        language=meta.language,
        url=meta.url or url,
    )


def xml_safe(html: str, source: bytes | None = None) -> str:
    """``html`` without the characters XML cannot hold, raw or as numeric references
    (``&#1;``, ``&#x1B;``, ``&#0008;``, ``&#xFFFF;``): each costs itself, not the page.

    A form feed, whitespace in HTML, becomes a space rather than joining two words.
    ``source``, the bytes ``html`` was decoded from, spares the search for raw controls
    when it holds no control byte: the search costs a millisecond a page, the check on the
    bytes a tenth of it. (No control byte means no control character: the codecs pages are
    decoded with keep ASCII's bytes as they are, and a UTF-16 page's NULs mean a search.)
    """
    maybe_raw = source is None or len(source.translate(None, _NOT_XML_BYTES)) < len(source)
    if maybe_raw and _NOT_XML.search(html):
        html = _NOT_XML.sub(lambda m: " " if m.group() == _FORM_FEED else "", html)
    return _NUMERIC_REFERENCE.sub(_xml_safe_reference, html)


def _xml_safe_reference(match: re.Match[str]) -> str:
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip("0") or "0"
    # Longer than any code point (U+10FFFF is 7 decimal digits): cheaper than int() of it.
    if len(digits) > 7:
        return ""
    code = int(digits, 16 if hexadecimal else 10)
    if code == ord(_FORM_FEED):
        return " "
    holdable = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0x10FFFF
    holdable = holdable and not (0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))
    return match.group() if holdable else ""


# --- decoding -----------------------------------------------------------------


def _decode(data: bytes, declared: str | None) -> str:
    if not data:
        raise Rejected("empty input: no bytes")
    text = _decode_bom(data)
    if text is None:
        # Before guessing: a guesser would happily call NUL-laden bytes UTF-16.
        if b"\x00" in data[:SNIFF_BYTES]:
            raise _binary("NUL bytes in the first 8 KB")
        text = _decode_unmarked(data, declared)
    _reject_binary_text(text)
    return text


def _decode_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            if not text:
                raise Rejected("empty input: nothing after the byte-order mark")
            return text
    return None


def _decode_unmarked(data: bytes, declared: str | None) -> str:
    # Valid UTF-8 first, even over a declared charset: legacy text is almost never
    # valid UTF-8 by accident, while pages mislabelled "iso-8859-1" are common.
    for encoding in ("utf-8", declared):
        if encoding:
            try:
                return data.decode(encoding)
            # LookupError: a declared "charset" that is a bytes codec, e.g. base64.
            except (UnicodeDecodeError, LookupError):
                pass
    return _mostly_utf8(data, declared == "utf_8") or _decode_guessed(data)


def _mostly_utf8(data: bytes, declared_utf8: bool) -> str | None:
    """``data`` as UTF-8, its few invalid bytes replaced, if it is UTF-8 text with a stray
    legacy byte or two (a snippet pasted from elsewhere, a template in cp1252): decoding
    the whole page as a legacy charset instead would garble every other accent on it.

    Legacy text decodes to almost no valid multi-byte sequences, so they must outnumber
    the invalid bytes many times over, or merely outnumber them on a page that declares
    UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - invalid
    per_invalid = MIN_UTF8_PER_INVALID_DECLARED if declared_utf8 else MIN_UTF8_PER_INVALID
    return text if valid >= per_invalid * invalid else None


def _decode_guessed(data: bytes) -> str:
    # UTF-16/32 without a BOM is vanishingly rare, but charset_normalizer proposes it
    # for short inputs of even length ("Grüße" in latin-1 -> three CJK characters).
    matches = [
        match
        for match in charset_normalizer.from_bytes(data)
        if not match.encoding.startswith(("utf_16", "utf_32"))
    ]
    # On short Western European text charset_normalizer often ranks cp1250 or cp1257
    # first ("très" -> "trčs"); if it finds cp1252 plausible at all, that is the
    # likelier encoding of a news text.
    if any("cp1252" in match.could_be_from_charset for match in matches):
        return data.decode("cp1252")
    if matches:
        return str(matches[0])
    return data.decode("cp1252", errors="replace")


def _declared_charset(data: bytes) -> str | None:
    """The Python codec for the charset an HTML page declares in its head, if any."""
    match = _DECLARED_CHARSET.search(data[:SNIFF_BYTES])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        codec = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    # A UTF-16/32 declaration in an unmarked page is wrong by construction (the meta
    # tag itself was readable as ASCII); browsers ignore it too.
    if codec.startswith(("utf_16", "utf_32")):
        return None
    return "cp1252" if codec in _AS_CP1252 else codec


def _reject_binary_text(text: str) -> None:
    sample = text[:SNIFF_BYTES]
    if "\x00" in sample:
        raise _binary("NUL characters in the first 8 KB")
    controls = len(_CONTROL.findall(sample))
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise _binary(f"{controls} control characters in the first {len(sample)} characters")


def _binary(evidence: str) -> Rejected:
    return Rejected(f"not text: the file looks binary ({evidence})")


def _sizes(size: int, limit: int) -> tuple[str, str]:
    """Human-readable size and limit, exact bytes where rounding would make them equal."""
    shown = _human(size), _human(limit)
    return shown if shown[0] != shown[1] else (f"{size:,} bytes", f"{limit:,}-byte")


def _human(n: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


_HANDLERS: dict[str, Callable[[bytes, str | None], Extracted]] = {
    "html": _extract_html,
    "text": _extract_text,
}
