"""Places the gazetteer knows that the model missed, found in the text around its spans.

A known place written after a word like "in" or "of" ("the eastern city of Donetsk"), a
region's postal code after a place ("Harrisburg, PA"), a known town before its region
("Kent, Washington"), the names listed before "counties", a dateline ("VIENNA —", or any
"ST. ALDEN, N.Y. —", a town too small for the gazetteer), the state of a member of
Congress ("Rep. David McKinley, R-W.Va.") and a town before "-based" ("a Sugar Land-based
provider") are places, whatever the model read there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipelines.entities.context import COORDINATORS, PLACE_CUES
from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.mentions import PLACED
from pipelines.entities.spans import inside, overlap

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc, Span, Token

#: Longest place name (in words) looked for after a cue: "Rio de Janeiro".
_MAX_PLACE_WORDS = 3


def missed_places(
    doc: Doc, ents: Sequence[Span], taken: set[int], gazetteer: Gazetteer
) -> list[tuple[int, tuple[str, str, str]]]:
    """Places the gazetteer knows, written after a :data:`PLACE_CUES` word (or after "and"
    following a place: "Luhansk and Donetsk") and outside every span of the model's:
    (start token, (text, "GPE", cue))."""
    place_ends = {  # a place by the model's label or the gazetteer ("Luhansk" as PERSON)
        ent.end
        for ent in ents
        if ent.label_ in ("GPE", "LOC") or fold(ent.text) in gazetteer.places
    }
    found = []
    for cue in doc[:-1]:
        cued = cue.lower_ in PLACE_CUES or (cue.lower_ in COORDINATORS and cue.i in place_ends)
        if not cued or cue.i + 1 in taken:
            continue
        if (span := _place_after(doc, cue.i + 1, taken, gazetteer)) is not None:
            found.append((span.start, (span.text, "GPE", cue.lower_)))
    hyphens = (t.i for t in doc[1:-1] if t.text == "-" and doc[t.i + 1].lower_ == "based")
    for hyphen in hyphens:
        if (span := _town_before(doc, hyphen, taken, gazetteer)) is not None:
            found.append((span.start, (span.text, "GPE", PLACED)))
    return found


def _town_before(doc: Doc, end: int, taken: set[int], gazetteer: Gazetteer) -> Span | None:
    """The longest run of capitalised words ending before token ``end`` that names a
    known place or a town of the gazetteer's, outside the model's spans: "a Sugar
    Land-based provider" (a firm is based in a place, so a smaller town counts too)."""
    for start in range(max(0, end - _MAX_PLACE_WORDS), end):
        if any(i in taken or not doc[i].is_title for i in range(start, end)):
            continue
        name = fold(doc[start:end].text)
        if len(name) >= 4 and (name in gazetteer.places or gazetteer.knows_town(name)):
            return doc[start:end]
    return None


def lone_countries(
    doc: Doc, taken: set[int], gazetteer: Gazetteer
) -> list[tuple[int, tuple[str, str, str]]]:
    """Countries written outside every span of the model's and beside no other
    capitalised word: in a list or a heading ("England (Group A)", "Qualified: France,
    Spain") the model often tags nothing, and a country's name names little else. One
    the text also writes in lower case ("Turkey" in a recipe with turkey) is left to the
    model. (start token, (text, "GPE", word before))."""
    lowercase = {token.text for token in doc if token.is_lower}
    found = []
    start = 0
    while start < len(doc):
        stop = _country_end(doc, start, taken, gazetteer, lowercase)
        if stop is None:
            start += 1
            continue
        if not (_capitalised(doc, start - 1) or _capitalised(doc, stop)):
            before = doc[start - 1].lower_ if start else ""
            found.append((start, (doc[start:stop].text, "GPE", before)))
        start = stop
    return found


def _country_end(
    doc: Doc, start: int, taken: set[int], gazetteer: Gazetteer, lowercase: set[str]
) -> int | None:
    """The end of the longest run of capitalised words from ``start`` that names a
    country, outside the model's spans; None if there is none."""
    for stop in range(_run_end(doc, start, taken), start, -1):
        name = doc[start:stop].text
        place = gazetteer.lookup(fold(name))
        if place is None or place.kind != "country" or len(name) < 4:
            continue
        return None if stop - start == 1 and name.lower() in lowercase else stop
    return None


def _run_end(doc: Doc, start: int, taken: set[int]) -> int:
    """The end of the run of up to :data:`_MAX_PLACE_WORDS` capitalised words from
    ``start``, outside the model's spans (``start`` itself if there is none)."""
    end = start
    while end < min(len(doc), start + _MAX_PLACE_WORDS) and end not in taken:
        if not doc[end].is_title:
            break
        end += 1
    return end


def _capitalised(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a capitalised word of a name (not "The" or "In")."""
    return 0 <= i < len(doc) and doc[i].is_title and not doc[i].is_stop


def _place_after(doc: Doc, start: int, taken: set[int], gazetteer: Gazetteer) -> Span | None:
    """The longest run of capitalised words from ``start`` that names a known place, or
    after a place and a comma a region's postal code ("Harrisburg, PA")."""
    if doc[start - 1].text == "," and (code := _region_code(doc[start], gazetteer)):
        return code
    for stop in range(_run_end(doc, start, taken), start, -1):
        span = doc[start:stop]
        if len(span.text) >= 4 and fold(span.text) in gazetteer.places:
            return span
    return None


def _region_code(token: Token, gazetteer: Gazetteer) -> Span | None:
    """The token as a span if it is a region's postal code ("PA", "N.J."), else None."""
    letters = token.text.replace(".", "")
    if not (2 <= len(letters) <= 3 and letters.isupper() and letters.isalpha()):
        return None
    place = gazetteer.lookup(fold(letters))
    return token.doc[token.i : token.i + 1] if place and place.kind == "region" else None


#: A dateline: up to three words in capitals that open a line, then a dash, a colon or
#: a bracket ("VIENNA — The house...", "NEW DELHI: Their...", "KYIV (Reuters) -").
_DATELINE_RE = re.compile(r"^[ \t]*([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2})[ \t]*[—–:(,-]", re.M)
#: A dateline naming its region in short ("BUFFALO, N.Y. —", "ST. JOSEPH, Mich. (AP)"):
#: a town too small for the gazetteer, and still a place.
_DATELINE_REGION_RE = re.compile(
    r"^[ \t]*([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}), "
    r"(?:[A-Z][a-z]{1,4}\.|(?:[A-Z]\.){2}|[A-Z]{2})[ \t]*[—–(-]",
    re.M,
)


def dateline_places(doc: Doc, ents: Sequence[Span], text: str, gazetteer: Gazetteer) -> list[Span]:
    """The places of the text's datelines: a known place, or any name followed by its
    region's short form. The model's spans inside a dateline are misreadings ("BUFFALO" as
    a nationality, "ST" of "ST. JOSEPH" alone) and give way; one running past it wins."""
    found: list[Span] = []
    for match in (*_DATELINE_REGION_RE.finditer(text), *_DATELINE_RE.finditer(text)):
        span = doc.char_span(match.start(1), match.end(1))
        if span is None or len(span.text) < 4 or any(inside(s, span) for s in found):
            continue
        if any(overlap(e, span) and not inside(e, span) for e in ents):
            continue
        if match.re is _DATELINE_REGION_RE or gazetteer.lookup(fold(span.text)) is not None:
            found.append(span)
    return found


#: A place and its region's postal code, as listings and addresses write them ("Wantagh,
#: NY @ Jones Beach Theater", "Holmdel, N.J."): up to three capitalised words, a comma, and
#: two capitals (or two initials) that end there.
_PLACE_CODE_RE = re.compile(
    r"(?<![\w'’.-])((?:[A-Z][\w'’.-]*[ \t]){0,2}[A-Z][\w'’-]*), ((?:[A-Z]\.){2}|[A-Z]{2})(?![\w.])"
)


def coded_places(doc: Doc, text: str, gazetteer: Gazetteer) -> list[Span]:
    """The places written with a region's postal code ("Bristow, VA") and the codes, each
    a span: a town too small for the gazetteer is a place when its region says so. A
    city named so whole ("Washington, D.C.") is one span, not a state and a district."""
    found = []
    for match in _PLACE_CODE_RE.finditer(text):
        region = gazetteer.lookup(fold(match.group(2).replace(".", "")))
        if region is None or region.kind != "region":
            continue
        whole = gazetteer.lookup(fold(match.group(0)))
        if whole is not None and whole.kind == "city":
            span = doc.char_span(match.start(), match.end())
            found += [span] if span is not None else []
            continue
        for group in (1, 2):
            span = doc.char_span(match.start(group), match.end(group))
            if span is not None:
                found.append(span)
    return found


#: Plural place nouns after a list of the places' names: "Orange and Riverside counties".
_LISTED_PLACE_NOUNS = frozenset({"counties", "parishes", "boroughs"})


def listed_places(doc: Doc, ents: Sequence[Span], gazetteer: Gazetteer) -> list[Span]:
    """The names of a list of places before its plural noun ("Barry, Cass, Kalamazoo and
    Van Buren counties"), each a span: the model reads them as one organisation or a
    person ("Van Buren"). A name alone must be a place the gazetteer knows ("Trump
    counties" are no place), and a party or nationality is none ("Democratic counties")."""
    nationalities = {i for e in ents if e.label_ == "NORP" for i in range(e.start, e.end)}
    found: list[Span] = []
    for noun in doc:
        if noun.lower_ not in _LISTED_PLACE_NOUNS or not noun.is_lower:
            continue
        names: list[Span] = []
        end = noun.i
        while end > 0:
            start = end
            while start > max(end - _MAX_PLACE_WORDS, 0) and doc[start - 1].is_title:
                start -= 1
            if start == end:
                break
            names.append(doc[start:end])
            joiner = doc[start - 1].lower_ if start > 0 else ""
            if joiner not in (",", "and", "&"):
                break
            end = start - 1
            if joiner == "and" and end > 0 and doc[end - 1].text == ",":
                end -= 1  # the serial comma: "Cass, Kalamazoo, and Van Buren"
        names = [n for n in names if not any(i in nationalities for i in range(n.start, n.end))]
        if len(names) == 1 and fold(names[0].text) not in gazetteer.places:
            continue
        found += names
    return found


def towns_before_their_regions(doc: Doc, ents: Sequence[Span], gazetteer: Gazetteer) -> list[Span]:
    """Towns (cities) the gazetteer knows written before a comma and a region or country the
    model read ("Kent, Washington", "Louisville, Colorado"), as addresses and lists of
    companies write them: places, whatever the model read in them ("Kent" a person)."""
    found = []
    for region in ents:
        comma = region.start - 1
        if region.label_ not in ("GPE", "LOC") or comma < 1 or doc[comma].text != ",":
            continue
        place = gazetteer.lookup(fold(region.text))
        if place is None or place.kind not in ("region", "country"):
            continue
        for first in range(max(comma - _MAX_PLACE_WORDS, 0), comma):
            town = doc[first:comma]
            if not all(t.is_title for t in town) or len(town.text) < 4:
                continue
            known = gazetteer.lookup(fold(town.text))
            # A span running past the town is the model's longer name ("Republic of Ireland").
            if known is not None and known.kind == "city":
                if not any(overlap(e, town) and not inside(e, town) for e in ents):
                    found.append(town)
                break
    return found


#: A party and a state after a member of Congress: "R-W.Va.", "D-Minn.", "(R-Texas)".
_PARTY_STATE_RE = re.compile(r"(?<![\w-])[RDI]-([A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)(?=[,;)])")


def party_states(
    doc: Doc, taken: set[int], text: str, gazetteer: Gazetteer
) -> list[tuple[int, tuple[str, str, str]]]:
    """The states of "R-W.Va."-style labels, outside the model's spans: (start token,
    (state as written, "GPE", "")). The model reads the run of letters as no name."""
    found = []
    for match in _PARTY_STATE_RE.finditer(text):
        span = doc.char_span(match.start(), match.end(1), alignment_mode="expand")
        state = match.group(1)
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        place = gazetteer.lookup(fold(state))
        if place is not None and place.kind == "region":
            found.append((span.start, (state, "GPE", "")))
    return found
