"""Tests for the lists a kept paragraph announces (pipelines/extract/announced.py): put back
after their paragraph where trafilatura left them out of a manual's plain-<div> page,
through the whole extract stage, and left as they are otherwise."""

from __future__ import annotations

import lxml.html
import trafilatura

from pipelines.extract.announced import mend_announced_lists
from pipelines.extract.extractor import extract

# An invented manual page in German, laid out as the Apache manual's: sections in plain
# <div>s, each followed by a "top" link, no <article> or <main> around them.
_ANNOUNCING = (
    "Für den Betrieb des Hafenregisters gelten einige Voraussetzungen, die vor der "
    "Installation geprüft werden sollten, damit der Dienst später ohne Unterbrechung läuft. "
    "Folgende Anforderungen gelten für jeden Rechner:"
)
_ITEMS = [
    "Speicherplatz",
    "Stellen Sie sicher, dass wenigstens zwei Gigabyte frei sind, bevor die Daten der "
    "Liegeplätze eingelesen werden.",
    "Uhrzeit",
    "Die Buchungen der Liegeplätze werden nach Uhrzeit sortiert, deshalb muss die Systemuhr "
    "regelmäßig abgeglichen werden.",
]
_LATER = [
    "Nach der Installation wird das Register einmal eingerichtet. Dabei werden die "
    "Liegeplätze, die Gebühren und die Konten der Hafenmeister angelegt, bevor der erste "
    "Antrag eingeht.",
    "Im laufenden Betrieb schreibt das Register jede Buchung in sein Protokoll und meldet "
    "Fehler an den Hafenmeister, der sie am nächsten Morgen prüft und, wenn nötig, korrigiert.",
]
_DEFINITIONS = "".join(
    f"<dt>{term}</dt><dd>{text}</dd>" for term, text in zip(_ITEMS[::2], _ITEMS[1::2], strict=True)
)


def _manual(first_section: str) -> bytes:
    sections = [first_section] + [
        f"<div class='section'><h2>Teil {n}</h2><p>{text}</p></div>"
        for n, text in enumerate(_LATER)
    ]
    top = "<div class='top'><a href='#top'><img src='up.gif' alt='top'></a></div>"
    body = (
        "<div id='page-header'><p class='menu'><a href='/'>Module</a> | "
        "<a href='/d'>Direktiven</a></p></div><div id='page-content'><div id='preamble'>"
        "<h1>Das Hafenregister installieren</h1><p>Dieses Dokument beschreibt, wie das "
        "Hafenregister auf einem eigenen Rechner installiert und eingerichtet wird.</p></div>"
        + "".join(section + top for section in sections)
        + "</div><div id='footer'><p>Copyright 2024 Hafenamt</p></div>"
    )
    return (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>Hafenregister"
        f"</title></head><body>{body}</body></html>"
    ).encode()


def test_a_list_its_paragraph_announces_is_put_back_after_it():
    """A paragraph ending in a colon and the list of definitions right after it, in a page
    of plain <div> sections: trafilatura keeps the paragraph and drops the list; its items
    follow the paragraph, in order, before the next section's text."""
    html = _manual(
        f"<div class='section'><h2>Anforderungen</h2><p>{_ANNOUNCING}</p>"
        f"<dl>{_DEFINITIONS}</dl></div>"
    )
    precise = trafilatura.extract(html, favor_precision=True) or ""
    assert _ANNOUNCING in precise and _ITEMS[1] not in precise  # the premise

    lines = extract(html, "html").text.splitlines()

    at = lines.index(_ANNOUNCING)
    assert lines[at + 1 : at + 5] == [f"- {item}" for item in _ITEMS], lines
    assert lines[at + 5] == _LATER[0]


def test_only_an_announced_list_of_words_is_put_back():
    """A list of links after "Weitere Seiten:", a list after a paragraph that announces
    nothing, and a list with words between it and its paragraph stay out; a list already
    in the text is not written twice."""
    links = "".join(
        f"<li><a href='/{n}'>Hafenregister Handbuch Teil {n}</a></li>" for n in range(4)
    )
    items = "".join(f"<li>{item}</li>" for item in _ITEMS[1::2])
    paragraph = _ANNOUNCING.removesuffix(":")
    cases = [
        f"<p>{_ANNOUNCING}</p><ul>{links}</ul>",
        f"<p>{paragraph}.</p><ul>{items}</ul>",
        f"<p>{_ANNOUNCING}</p> zum Beispiel <ul>{items}</ul>",
    ]
    for case in cases:
        tree = lxml.html.document_fromstring(f"<html><body><div>{case}</div></body></html>")
        text = tree.find(".//p").text_content()
        assert mend_announced_lists([text], tree) == [text], case

    tree = lxml.html.document_fromstring(
        f"<html><body><p>{_ANNOUNCING}</p><ul>{items}</ul></body></html>"
    )
    kept = [_ANNOUNCING, f"- {_ITEMS[1]}", f"- {_ITEMS[3]}"]
    assert mend_announced_lists(kept, tree) == kept
    assert mend_announced_lists(kept[:1], tree) == kept
