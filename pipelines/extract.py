"""The extract stage: raw bytes of an input file or page in, an ``Extracted`` out.

HTML pages go through trafilatura (main text and metadata); plain text is decoded
and handed to the cleaner. Inputs that can never be processed raise ``Rejected``
with a reason a person can act on.

trafilatura has no time limit of its own and can be slow on pathological pages;
the caller is to bound it (a subprocess with a timeout, as datatrove does).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
from lxml.html import HtmlElement

from pipelines.article import Extracted, Rejected
from pipelines.clean import clean_text

#: File suffix -> kind of input.
KINDS = {".html": "html", ".htm": "html", ".txt": "text"}

#: Default cap on input size; the worker passes its NEWSFLOW_MAX_BYTES setting.
MAX_BYTES = 10_000_000

#: How much of the input the binary and charset sniffers look at.
SNIFF_BYTES = 8192

#: Share of control characters above which decoded "text" is taken for binary data.
MAX_CONTROL_SHARE = 0.05

#: Share of link text above which extracted "text" is a menu or an index page. When a
#: page has no article, trafilatura's fallbacks return its navigation links as text;
#: on the 181 real articles of the eval set the share is at most 0.18.
MAX_LINK_SHARE = 0.5

# C0 controls and DEL, minus the whitespace ones (tab, LF, CR, form feed) that real
# text files contain.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

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

# The primary subtag of a language tag: "en", "en-US", "pt_BR", "en, fr".
_LANGUAGE_TAG = re.compile(r"\s*([a-z]{2})(?:[-_][a-z0-9]+)*\s*(?:[,;]|$)", re.IGNORECASE)

# What sites put between the headline and the site or section name in <title>.
_TITLE_SEPARATOR = re.compile(r"\s+[|:\-–—·•»]+\s+")

_WORD = re.compile(r"\w+")

_LANGUAGE_METAS = {"og:locale", "content-language", "language", "dc.language"}


def kind_of(path_or_name: str) -> str | None:
    """The kind of input ("html", "text") a file name or URL names, or None if unsupported."""
    # A URL's suffix is in its path, not in its query string or fragment.
    name = urlsplit(path_or_name).path if "://" in path_or_name else path_or_name
    return KINDS.get(PurePosixPath(name).suffix.lower())


def decode_text(data: bytes) -> str:
    """Decode the bytes of a text file.

    A byte-order mark wins; then UTF-8 if the bytes are valid UTF-8; then
    charset_normalizer's guess; then cp1252.

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
    tree = trafilatura.load_html(_decode(data, declared=_declared_charset(data)))
    if tree is None:
        raise Rejected("not HTML: the page has no HTML markup (a plain text file should be .txt)")
    # Comments are not part of the article; they also lower the scores on the eval set.
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False)
    if doc is None or not doc.text:
        raise Rejected("no article found: trafilatura extracted nothing from this page")
    text = _tidy(doc.text, doc.title)
    if not text:
        raise Rejected("no article found: the page's main text is only its headline")
    if _link_share(text, tree) > MAX_LINK_SHARE:
        raise Rejected("no article found: the page's text is mostly links (a menu or index page)")
    return Extracted(
        text=text,
        title=_field(doc.title),
        author=_field(doc.author),
        published=_iso_date(doc.date),
        sitename=_field(doc.sitename),
        # trafilatura fills in the language only with a detector (py3langid) and
        # a target language; the page's own declaration is cheaper and usually right.
        language=_declared_language(tree),
        url=_field(doc.url) or url,
    )


def _tidy(text: str, title: str | None) -> str:
    """One paragraph a line, no blank lines, no repeats, no headline echoed at the top."""
    paragraphs: list[str] = []
    for line in map(_squash, text.splitlines()):
        # Sites repeat a paragraph (a pull quote, a lede in two layouts) back to back.
        if line and (not paragraphs or line != paragraphs[-1]):
            paragraphs.append(line)
    if paragraphs and title and _is_headline(paragraphs[0], title):
        paragraphs.pop(0)
    return "\n".join(paragraphs)


def _link_share(text: str, tree: HtmlElement) -> float:
    """The share of the text (in characters) made of lines that are a link's whole text."""
    anchors = {_squash(a.text_content()) for a in tree.iter("a")}
    lines = text.splitlines()
    linked = sum(len(line) for line in lines if line in anchors)
    return linked / sum(len(line) for line in lines)


def _is_headline(line: str, title: str) -> bool:
    """Whether ``line`` is the title, give or take punctuation, case and site name.

    Pages put the site or section name in <title> ("Pier to close | Westmere Gazette",
    "Opinion | ...") and the bare headline in <h1>, and they differ in quotes and dashes
    (’ and ', – and -): so words are compared, against the whole title and against each
    run of its parts between separators.
    """
    words = _WORD.findall(line.casefold())
    parts = _TITLE_SEPARATOR.split(title.casefold())
    runs = (parts[i:j] for i in range(len(parts)) for j in range(i + 1, len(parts) + 1))
    return bool(words) and any(_WORD.findall(" ".join(run)) == words for run in runs)


def _squash(s: str) -> str:
    """NFC with runs of whitespace (NBSP included) made one space, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", s).split())


def _field(value: str | None) -> str | None:
    return _squash(value) if value and not value.isspace() else None


def _iso_date(value: str | None) -> str | None:
    # trafilatura's default output format is already YYYY-MM-DD; anything else is dropped
    # rather than passed on as a date consumers would mis-parse.
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def _declared_language(tree: HtmlElement) -> str | None:
    for value in _language_hints(tree):
        match = _LANGUAGE_TAG.match(value or "")
        if match:
            return match.group(1).lower()
    return None


def _language_hints(tree: HtmlElement) -> Iterator[str | None]:
    """Declared languages, most authoritative first: <html lang>, then <meta> tags."""
    root = tree.getroottree().getroot()
    yield root.get("lang")
    yield root.get("xml:lang")
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("http-equiv") or meta.get("name") or ""
        if key.lower() in _LANGUAGE_METAS:
            yield meta.get("content")


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
    return _decode_guessed(data)


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
