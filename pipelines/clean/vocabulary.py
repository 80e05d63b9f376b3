"""The few words the plain-text cleaner's chrome rules know, in the languages newsflow
meets most: share bars, calls to action, labelled teasers.

English first; then German, French, Spanish, Portuguese, Italian, Dutch, Russian, Japanese
and Chinese, a few words each (read more, read also, advertisement, related articles,
subscribe, share). The rules that use them are in ``chrome.py``; most other rules judge a
line by its shape, which holds in any language.
"""

from __future__ import annotations

import re

#: Networks a share bar names, the same in every language.
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
SHARE_WORDS = _SOCIAL_NETWORKS | _SHARE_VERBS
SHARE_FILLERS = frozenset(
    {"on", "to", "via", "this", "article", "story", "page", "copy", "link"}
    | {"auf", "artikel", "sur", "article", "en", "artículo", "no", "artigo", "su", "op"}
)

#: Whole lines that only steer the reader around the site (compared without punctuation).
CALLS_TO_ACTION = frozenset(
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
#: Openings that make a short unpunctuated line a call to action whatever follows.
CALL_TO_ACTION_OPENINGS = (
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

TEASER_LABEL = re.compile(
    r"^(?:opinion|related|related stories|related story|related article|also read|read also"
    r"|read more|see also|more|watch|video|photos|gallery|in pictures|listen|podcast"
    r"|recommended|don[’']t miss|must read|further reading|editor[’']s picks?"
    r"|lesen sie auch|mehr zum thema|auch interessant|lire aussi|à lire aussi|voir aussi"
    r"|lee también|ver también|leia também|veja também|leggi anche|lees ook"
    r"|читайте также|関連記事|相关阅读|相关文章)\s*[:|：]\s*\S",
    re.IGNORECASE,
)
