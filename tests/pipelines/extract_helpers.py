"""Shared helpers for the extract-stage tests: an invented article's paragraphs and the HTML page
built around them."""

from __future__ import annotations

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


HEADLINE = "Westmere grain pier to be rebuilt after decade of delay"

META_HEAD = (
    f"<title>{HEADLINE}</title>"
    '<meta name="author" content="Jonas Feld">'
    '<meta property="og:site_name" content="Westmere Gazette">'
    '<meta property="article:published_time" content="2024-03-05T08:30:00Z">'
    '<link rel="canonical" href="https://gazette.example/news/grain-pier">'
)


def page(body: str, head: str = "", lang: str = 'lang="en"', charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html {lang}><head><meta charset="{charset}">{head}</head>'
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{body}"
        "<footer>© Westmere Gazette</footer></body></html>"
    )


def article(headline: str, paragraphs: list[str]) -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<article><h1>{headline}</h1>{ps}</article>"


def billion_laughs(doctype_prefix: str = "") -> bytes:
    """A page whose DOCTYPE declares nested entities that would expand to 10^9 "lol"s."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    body = "<article><h1>Pier</h1><p>&lol9;</p>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"{doctype_prefix}<!DOCTYPE html [{entities}]>\n<html><body>{body}</article></body></html>"
    ).encode()
