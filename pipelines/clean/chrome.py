"""Kinds of line that are never article prose, wherever they stand: share bars, calls to
action, labelled teasers, credits, copyright footers, short parentheticals, version markers,
relative-time stamps, breadcrumbs, bare URLs and section names; with the kinds
``line_features.py`` knows (menu labels, site talk, cut-off teasers, tag counts, bare
timestamps).

Each kind is a predicate ``is_<kind>``; a line's verdict is the kind's name, so renaming a
predicate renames the rule in ``verdicts`` and in the benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.clean.features import (
    is_category_count,
    is_navigation_label,
    is_site_talk,
    is_timestamp,
    is_truncated_teaser,
)
from pipelines.clean.lines import (
    LIMITS,
    Line,
    ends_sentence,
    kept,
    letter_words,
    plain_words,
    words,
)

_SOCIAL_NETWORKS = frozenset(
    {
        "twitter",
        "facebook",
        "reddit",
        "pinterest",
        "whatsapp",
        "linkedin",
        "tumblr",
        "telegram",
        "messenger",
        "flipboard",
        "pocket",
        "mastodon",
        "bluesky",
        "threads",
        "weibo",
        "wechat",
        "vk",
        "x",
    }
)
_SHARE_VERBS = frozenset(
    {"share", "shares", "tweet", "email", "e-mail", "mail", "print", "sms"}
    # German, French, Spanish, Portuguese, Italian, Dutch, Russian, Japanese, Chinese
    | {"teilen", "drucken", "partager", "imprimer", "compartir", "imprimir", "compartilhar"}
    | {"partilhar", "condividi", "stampa", "delen", "printen", "поделиться", "シェア", "分享"}
)
_SHARE_WORDS = _SOCIAL_NETWORKS | _SHARE_VERBS
_SHARE_FILLERS = frozenset(
    {"on", "to", "via", "this", "article", "story", "page", "copy", "link"}
    | {"auf", "artikel", "sur", "article", "en", "artículo", "no", "artigo", "su", "op"}
)

# Whole lines that only steer the reader around the site (compared without punctuation).
_CALLS_TO_ACTION = frozenset(
    {
        "advertisement",
        "advertisements",
        "advert",
        "sponsored",
        "sponsored content",
        "next story",
        "previous story",
        "next article",
        "previous article",
        "read more",
        "read next",
        "continue reading",
        "skip to content",
        "skip to main content",
        "back to top",
        "show comments",
        "view comments",
        "load more",
        "most read",
        "most popular",
        "more stories",
        "related stories",
        "related articles",
        "related",
        "recommended",
        "you may also like",
        "trending now",
        "top stories",
        "subscribe",
        "subscribe now",
        "sign up",
        "newsletter",
        "watch now",
        "click here",
    }
    # The commonest of them in other languages: read more, read also, advertisement,
    # related articles, subscribe.
    | {"weiterlesen", "mehr lesen", "mehr zum thema", "lesen sie auch", "anzeige", "werbung"}
    | {"lire la suite", "lire aussi", "à lire aussi", "publicité", "articles liés"}
    | {"leer más", "lee también", "publicidad", "artículos relacionados", "suscríbete"}
    | {"leia mais", "leia também", "publicidade", "continue lendo", "assine"}
    | {"leggi anche", "continua a leggere", "pubblicità", "articoli correlati", "iscriviti"}
    | {"lees meer", "lees ook", "advertentie", "lees verder"}
    | {"читать далее", "читайте также", "реклама", "подписаться"}
    | {"続きを読む", "関連記事", "広告", "阅读更多", "相关文章", "相關文章", "广告", "廣告"}
)
# Openings that make a short unpunctuated line a call to action whatever follows.
_CALL_TO_ACTION_OPENINGS = (
    "read more",
    "read the full",
    "continue reading",
    "click here",
    "sign up for",
    "subscribe to",
    "follow us",
    "skip to",
    "share this",
    "download the",
    "get the app",
    "listen to this",
    "next story",
    "previous story",
    "story continues",
    "article continues",
    *("jetzt abonnieren", "lesen sie mehr", "hier klicken", "folgen sie uns", "lire la suite"),
    *("abonnez-vous", "suivez-nous", "cliquez ici", "leer más", "suscríbete", "síguenos"),
    *("haz clic", "leia mais", "assine", "siga-nos", "clique aqui", "leggi anche"),
    *("iscriviti", "seguici", "clicca qui", "lees meer", "volg ons", "klik hier"),
    *("читать далее", "подпишитесь", "подписывайтесь"),
)

_TEASER_LABEL = re.compile(
    r"^(?:opinion|related|related stories|related story|related article|also read|read also"
    r"|read more|see also|more|watch|video|photos|gallery|in pictures|listen|podcast"
    r"|recommended|don[’']t miss|must read|further reading|editor[’']s picks?"
    r"|lesen sie auch|mehr zum thema|auch interessant|lire aussi|à lire aussi|voir aussi"
    r"|lee también|ver también|leia também|veja também|leggi anche|lees ook"
    r"|читайте также|関連記事|相关阅读|相关文章)\s*[:|：]\s*\S",
    re.IGNORECASE,
)
_CREDIT_LABEL = re.compile(
    r"^[(\[]?\s*(?:sources?|photo|photos|photograph|image|images|picture|pictures|credits?"
    r"|caption|file photo|illustration)\s*:",
    re.IGNORECASE,
)
_CREDIT_BY = re.compile(
    r"^[(\[]?\s*(?:additional\s+)?(?:reporting|writing|editing|edited|compiled|produced"
    r"|translated|research|photos?|graphics)\s+by\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|^copyright\b|\bcopyright\W*(?:©\W*)?\d{4}|all rights reserved",
    re.IGNORECASE,
)
_PARENTHETICAL = re.compile(r"^[(\[](.*)[)\]]$")
_VERSION_WORDS = frozenset({"version", "versions", "v", "rev", "revision", "revisions", "vs"})
_RELATIVE_TIME = re.compile(
    r"^\(?(?:(?:updated|posted|published|edited|changed)\s+)?"
    r"(?:about|around|over|under|nearly|almost|less than|more than|some)?\s*"
    r"\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?"
    r"|months?|years?)\s+(?:later|earlier|ago|before|after)\)?$",
    re.IGNORECASE,
)
_GALLERY_COUNTER = re.compile(r"^(?:photo |image |slide )?\d{1,3}\s*(?:of|/)\s*\d{1,3}$", re.I)
_CRUMB_SEPARATOR = re.compile(r"\s+[/|]\s+|\s*[>»›]\s*")
_BARE_URL = re.compile(r"^(?:[\w ]{1,20}:\s*)?(?:https?://|www\.)\S+$", re.IGNORECASE)
_MEDIA_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|bmp|ico|mp4|mp3|webm|m3u8)(?:[?#]\S*)?$", re.IGNORECASE
)


def is_share_bar(text: str) -> bool:
    tokens = [word for word in letter_words(text) if not word.isdigit()]  # share counts
    return (
        0 < len(tokens) <= 2 * LIMITS.chrome_max_words
        and all(word in _SHARE_WORDS or word in _SHARE_FILLERS for word in tokens)
        and any(word in _SHARE_WORDS for word in tokens)
    )


def is_call_to_action(text: str) -> bool:
    phrase = " ".join(letter_words(text))
    if phrase in _CALLS_TO_ACTION:
        return True
    return (
        len(words(text)) <= LIMITS.chrome_max_words
        and not ends_sentence(text)
        and phrase.startswith(_CALL_TO_ACTION_OPENINGS)
    )


def is_labelled_teaser(text: str) -> bool:
    # "Opinion: ...", "RELATED: ...": a headline behind a label, never a full stop.
    return (
        bool(_TEASER_LABEL.match(text))
        and len(words(text)) <= LIMITS.label_max_words
        and not text.endswith(".")
    )


def is_credit(text: str) -> bool:
    """Source, photo and reporting credits: "Source: X", "Reporting by X; Editing by Y"."""
    if _CREDIT_LABEL.match(text):
        return len(words(text)) <= LIMITS.label_max_words
    if _CREDIT_BY.match(text):
        return len(words(text)) <= LIMITS.credit_max_words and (
            ";" in text or text.startswith(("(", "[")) or not ends_sentence(text)
        )
    return False


def is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT.search(text)) and len(words(text)) <= LIMITS.footer_max_words


def is_short_parenthetical(text: str) -> bool:
    """An aside such as "(Wire Service)" or "(about 2 hours later)": bracketed, no sentence."""
    match = _PARENTHETICAL.match(text)
    if not match:
        return False
    inner = match.group(1).strip()
    return len(words(inner)) <= LIMITS.chrome_max_words and not ends_sentence(inner)


def is_version_marker(text: str) -> bool:
    tokens = plain_words(text)
    return (
        any(word.isdigit() for word in tokens)
        and any(word.startswith(("version", "rev")) for word in tokens)
        and all(word.isdigit() or word in _VERSION_WORDS for word in tokens)
    )


def is_gallery_counter(text: str) -> bool:
    """ "1 of 6", "3/12": where a photo gallery's reader is, on a line of its own."""
    return bool(_GALLERY_COUNTER.match(text))


def is_relative_time(text: str) -> bool:
    return bool(_RELATIVE_TIME.match(text))


def is_breadcrumb(text: str) -> bool:
    """A path such as "Home > Politics > Europe": short capitalised segments and separators."""
    segments = [segment.strip() for segment in _CRUMB_SEPARATOR.split(text)]
    return len(segments) >= 2 and all(
        segment[:1].isupper()
        and len(words(segment)) <= LIMITS.crumb_max_words
        and not ends_sentence(segment)
        for segment in segments
    )


def is_bare_url(text: str) -> bool:
    """The address of an image or other media file on a line of its own: page metadata that
    leaked into the text. Other bare addresses are left to the zones: above or below the
    article they go, between its paragraphs they are links the article gives (its sources,
    a venue's website) and stay."""
    return bool(_BARE_URL.match(text)) and bool(_MEDIA_FILE.search(text))


_SECTION_WORDS = frozenset(
    {
        "home",
        "news",
        "world",
        "politics",
        "business",
        "economy",
        "markets",
        "money",
        "sport",
        "sports",
        "europe",
        "asia",
        "africa",
        "americas",
        "us",
        "uk",
        "india",
        "china",
        "middle",
        "east",
        "opinion",
        "tech",
        "technology",
        "science",
        "health",
        "entertainment",
        "culture",
        "arts",
        "lifestyle",
        "local",
        "national",
        "international",
        "regional",
        "region",
        "weather",
        "latest",
        "breaking",
        "top",
        "stories",
        "video",
        "live",
        "metro",
        "nation",
        "city",
        "&",
    }
)


def is_section_path(text: str) -> bool:
    """A breadcrumb made only of section names, such as "News World"."""
    tokens = text.lower().split()
    return len(tokens) <= LIMITS.crumb_max_words and all(word in _SECTION_WORDS for word in tokens)


def is_section_name(text: str) -> bool:
    """A line of nothing but section names ("Sports", "US & World"): a menu item."""
    return is_section_path(text) and len(words(text)) <= LIMITS.section_name_max_words


_CHROME_KINDS: tuple[Callable[[str], bool], ...] = (
    is_share_bar,
    is_call_to_action,
    is_labelled_teaser,
    is_credit,
    is_copyright,
    is_short_parenthetical,
    is_version_marker,
    is_gallery_counter,
    is_relative_time,
    is_breadcrumb,
    is_bare_url,
    is_navigation_label,
    is_site_talk,
    is_truncated_teaser,
    is_category_count,
    is_section_name,
    is_timestamp,
)


def drop_chrome(lines: list[Line]) -> None:
    for line in kept(lines):
        reason = chrome_kind(line.text)
        if reason:
            line.drop(reason)


def chrome_kind(text: str) -> str | None:
    """The name of the kind of chrome ``text`` is (its rule's name), or None."""
    if len(words(text)) > LIMITS.credit_max_words:
        return None  # every kind of chrome is short; long lines are prose
    found = next((kind for kind in _CHROME_KINDS if kind(text)), None)
    return found.__name__.removeprefix("is_") if found else None
