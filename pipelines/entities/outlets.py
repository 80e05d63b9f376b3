"""News outlets named like newspapers, by their web address or as a text's copyright
holder, which the small model misreads or misses.

"The Hollywood Reporter", "the Hartford Courant", "The Associated Press": the model reads
such names as people, places ("Hollywood") or titles of works, and after "tells" or
"according to" often tags nothing. Their last word says what they are
(:data:`NEWS_HEADS`): capitalised words after "the" that end in one are an organisation,
and its span takes the place of the model's spans inside it. So is a capitalised web
address with no path, the way sites are cited ("Moneycontrol.com", "Polygraph.info"), and
the holder a copyright line names with its year ("Copyright 2019 Hawaii News Now. All rights
reserved.", "© 2019 Associated Press"), which the model reads as an event or nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc, Span, Token

#: Last words of a news outlet's name, lower case.
NEWS_HEADS = frozenset(
    {"herald", "courant", "gazette", "tribune", "chronicle", "journal", "times", "post"}
    | {"observer", "examiner", "inquirer", "sentinel", "dispatch", "courier", "register"}
    | {"star", "globe", "telegraph", "bulletin", "newspaper", "news", "reporter", "press"}
)
#: A site cited by its address: a capitalised name and a domain, no "www.", no path.
_SITE_RE = re.compile(r"^[A-Z][A-Za-z0-9-]*(?:\.[a-z]{2,})*\.([a-z]{2,})$")
#: The domains a cited site ends in; not those that are also file types ("Report.pdf",
#: "Main.py", "README.md").
_SITE_DOMAINS = frozenset(
    {"com", "org", "net", "info", "io", "news", "tv", "co", "uk", "de", "fr", "es", "it"}
    | {"nl", "ru", "in", "au", "ca", "ie", "nz", "za", "jp", "cn", "br", "mx", "ch", "se"}
    | {"no", "dk", "fi", "be", "at", "eu", "gov", "edu", "kr", "pk", "ng", "ke", "ph", "sg"}
)
#: A copyright line's holder: capitalised words (and "of", "and", "&") after the mark and
#: a year or span of years, up to a full stop, a comma or the line's end.
_COPYRIGHT_RE = re.compile(
    r"(?:Copyright|\(c\)|©)\s*(?:\(c\)|©)?\s*(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?,?[ \t]+"
    r"(?:The[ \t]+)?([A-Z][\w&'’!-]*(?:[ \t]+(?:[A-Z][\w&'’!-]*|of|and|&))*)"
)
#: Longest outlet name looked for, in tokens after "the": "St. Louis Post - Dispatch".
_MAX_TOKENS = 6


def outlet_spans(doc: Doc) -> list[Span]:
    """The outlets of ``doc`` written after "the" (two to four capitalised words, the last
    one of :data:`NEWS_HEADS` and no name word after it; none the model already read as
    one organisation) and the sites cited by their address, as ORG spans."""
    whole = {(ent.start, ent.end) for ent in doc.ents if ent.label_ == "ORG"}
    found = []
    for token in doc:
        if not token.is_title or token.lower_ not in NEWS_HEADS or _continued(doc, token.i):
            continue
        start = token.i
        while start > 0 and token.i - start + 1 < _MAX_TOKENS:
            if _name_word(doc[start - 1]):
                start -= 1
            elif start > 1 and doc[start - 1].text == "-" and _name_word(doc[start - 2]):
                start -= 2  # "Post-Dispatch"
            else:
                break
        if start == token.i or start == 0 or doc[start - 1].lower_ != "the":
            continue  # "Times" alone, or "Honey Globe" (no "the"), are the model's to read
        if not any(s <= start and token.i < e for s, e in whole):
            found.append(doc[start : token.i + 1])
    found += [doc[token.i : token.i + 1] for token in doc if cited_site(token.text)]
    return [doc.char_span(s.start_char, s.end_char, label="ORG") or s for s in found]


def copyright_holders(doc: Doc) -> list[Span]:
    """The holders that the copyright lines of ``doc`` name after a year, as ORG spans."""
    matches = _COPYRIGHT_RE.finditer(doc.text)
    spans = (doc.char_span(*match.span(1), label="ORG") for match in matches)
    return [span for span in spans if span is not None]


def cited_site(word: str) -> bool:
    """A site cited by its capitalised address, with no "www." and no path."""
    match = _SITE_RE.match(word)
    return match is not None and match[1] in _SITE_DOMAINS


def _continued(doc: Doc, i: int) -> bool:
    """Whether a name word follows token ``i``: "Times" of "Times Square" or "Post" of
    "Post-Dispatch" ends no name."""
    after = doc[i + 1 : i + 3]
    if after and after[0].text == "-":
        after = after[1:]
    return bool(after) and _name_word(after[0])


def _name_word(token: Token) -> bool:
    return token.is_title and not token.is_stop  # "The", "In" are no name's words
