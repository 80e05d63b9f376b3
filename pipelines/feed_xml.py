"""XML that declares no entities: feeds and OPML come from the open web.

Entity declarations are what the "billion laughs" and quadratic-blowup bombs need, and
external entities read local files; real feeds and subscription lists never declare any.
So the parsers themselves refuse them: defusedxml's expat reads a document's prolog and is
feedparser's strict parser, and feedparser's loose fallback is never handed a declared
entity. Importing this module installs both into feedparser (they are module-level
choices of feedparser's, made once per process).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.expatreader
import feedparser
from defusedxml import DefusedXmlException

from pipelines.article import Rejected

ENTITIES_DECLARED = (
    "refused: the document declares XML entities in its DOCTYPE (a possible entity-expansion "
    "bomb or local file read; feeds never need them)"
)


class _RootElement(Exception):
    """The root element starts: the prolog, and any DOCTYPE in it, has been read."""


class _StopAtRootElement(ContentHandler):
    def startElement(self, name: str, attrs: Any) -> None:
        raise _RootElement


def refuse_entity_declarations(data: bytes) -> None:
    """Raise Rejected when the document's DOCTYPE declares an entity.

    Only the prolog is parsed, by expat, so comments and strings in the DOCTYPE are read
    as such. feedparser drops the declarations it deems unsafe before its own parsers see
    them: without this, a feed declaring an external or parameter entity would be taken
    (its references left unexpanded) rather than refused. A prolog expat cannot read is
    left to feedparser's parsers, which never expand a declared entity either.
    """
    reader = create_parser()
    reader.setContentHandler(_StopAtRootElement())
    try:
        reader.parse(io.BytesIO(data))
    except DefusedXmlException:
        raise Rejected(ENTITIES_DECLARED) from None
    except (_RootElement, SAXException, ValueError, LookupError):  # gb2312, "tf-8"...
        pass


def create_parser() -> Any:
    """The SAX reader feedparser's strict parser is (this module is a SAX driver, named in
    feedparser's PREFERRED_XML_PARSERS): defusedxml's expat reader, which raises on every
    entity declaration. External references are ignored, not refused: feedparser never
    lets them be read, and an RSS 0.91 feed names the Netscape DTD."""
    return defusedxml.expatreader.create_parser(forbid_external=False)


def _loose_parser_without_entities(
    baseuri: str | None, baselang: str | None, encoding: str, entities: Any = None
) -> Any:
    """feedparser's loose parser, never given the entities a DOCTYPE declared.

    feedparser hands its loose parser the DOCTYPE's simple entities to expand (one of
    100 kB referenced 50,000 times is 5 GB); it falls back to that parser when the strict
    one fails, as a malformed prolog makes it do before the DOCTYPE is reached.
    """
    if entities:
        raise Rejected(ENTITIES_DECLARED)
    return _LOOSE_PARSER(baseuri, baselang, encoding)


_LOOSE_PARSER = feedparser.api.LooseFeedParser
feedparser.api.PREFERRED_XML_PARSERS[:] = [__name__]
feedparser.api.LooseFeedParser = _loose_parser_without_entities
