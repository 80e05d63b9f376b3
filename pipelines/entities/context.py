"""The words around the model's spans, which say more than the small model reads in them.

The spans are first made whole (:mod:`pipelines.entities.whole_spans`). Each gets the
word before it (a name coordinated with a mention, "in Kharkiv, Luhansk and Donetsk",
shares that mention's; a person before what they lead, "the Trump administration", and a
town before its people, "a Wantagh man", are marked so); a place noun around it makes it
a town ("the town of X", "X, a village"), a word like "browser" or "models" after it a
product, and common words (from the model's own lemmatizer tables,
:mod:`pipelines.entities.lexicon`) alone on a line ("Next Story") or shouted ("ATTEND")
are no names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipelines.entities.brands import PLATFORMS, brand_label
from pipelines.entities.folding import fold
from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.labels import HEAD_LABELS
from pipelines.entities.language import english_stop_words
from pipelines.entities.lexicon import Lexicon
from pipelines.entities.mentions import KEPT_LABELS, LEADING, PLACED
from pipelines.entities.people_as_organisations import person_read_as_organisation
from pipelines.entities.people_names import given_names
from pipelines.entities.titles import is_title, is_whole_title
from pipelines.entities.whole_spans import whole_spans

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Doc, Span

#: Words after which a place the gazetteer knows is read as one even when NER missed it
#: ("the eastern city of Donetsk", :mod:`pipelines.entities.missed_places`); a sentence's
#: first word ("Reading the report") is not.
PLACE_CUES = frozenset({"in", "at", "near", "from", "of", "to", "into", "outside", "across"})
#: A name after one of these, right after a mention, shares that mention's word before:
#: "in Kharkiv, Luhansk and Donetsk" are all "in" (but not a title).
COORDINATORS = frozenset({"and", "or", ","})


def entity_mentions(
    ents: Sequence[Span], text: str, lexicon: Lexicon, gazetteer: Gazetteer | None = None
) -> list[tuple[int, tuple[str, str, str]]]:
    """(start token, (text, label, word before)) of each kept span of the model's; an
    organisation or person written as a product ("the Chrome browser") is a PRODUCT, and
    an "organisation" with a person's name ("Diego Schwartzman") a person."""
    found: list[tuple[int, tuple[str, str, str]]] = []
    before_of: dict[int, str] = {}  # end token of a span -> its word before
    ents = whole_spans(ents, lexicon, gazetteer)
    products = _product_spans(ents)
    beside_people = _listed_with_people(ents)
    for ent in ents:
        before = _word_before(ent.doc, ent.start)
        if before in COORDINATORS and ent.start - 1 in before_of:
            # A preposition covers a list ("in Kharkiv, Luhansk and Donetsk"); a title
            # names one person ("Sen. Cory Booker, Hawaii Rep. Tulsi Gabbard").
            shared = before_of[ent.start - 1]
            before = before if is_title(shared) else shared
        before_of[ent.end] = before
        label = "PRODUCT" if ent.start in products else brand_label(ent.text, ent.label_)
        town = _named_as_a_town(label, ent)
        if town or _town_as_a_modifier(label, ent, gazetteer):
            label = "GPE"
        elif label in _MISREAD_ORGANISATION_LABELS and _after_an_organisation_noun(ent):
            label = "ORG"
        elif label == "ORG" and person_read_as_organisation(
            ent, before, ent.start in beside_people, lexicon, gazetteer
        ):
            label = "PERSON"
        if label == "PERSON" and given_names().common_words_only(ent.text, lexicon):
            label = "WORK_OF_ART"  # a title, a product, a programme: "Tomb Raider"
        if label in ("PERSON", "ORG") and _quoted_whole(ent):
            label = "WORK_OF_ART"  # a film's or a show's title: "“Mary Poppins” and “Bambi”"
        elif label == "PERSON" and (head := _head_after(ent)) is not None:
            label = head  # "Walter Reed hospital", "the Mohegan Sun arena"
        if label == "PERSON" and before == "the" and _before_an_office(ent):
            before = LEADING
        elif label == "GPE" and (town or _before_its_people(ent)):
            before = PLACED
        if label in KEPT_LABELS and not _misread_words(ent, text, lexicon):
            found.append((ent.start, (ent.text, label, before)))
    return found


#: Quotation marks around a title, as news copy writes films, books, shows and songs.
_OPENING_QUOTES = frozenset({"“", '"', "‘"})
_CLOSING_QUOTES = frozenset({"”", '"', "’"})


def _quoted_whole(ent: Span) -> bool:
    """Whether the span is all that a pair of quotation marks holds (a full stop or comma
    inside the closing mark aside): a title, not a name in running text."""
    doc, end = ent.doc, ent.end
    if ent.start == 0 or doc[ent.start - 1].text not in _OPENING_QUOTES:
        return False
    if end < len(doc) and doc[end].text in (",", "."):
        end += 1
    return end < len(doc) and doc[end].text in _CLOSING_QUOTES


#: Heads of the buildings and bodies named after people: a "person" right before one is
#: the building or body ("Walter Reed hospital", "the Kennedy Center").
_HEADS_AFTER_A_NAME = frozenset(
    {"hospital", "center", "centre", "airport", "station", "stadium", "arena", "auditorium"}
    | {"bridge", "street", "road", "avenue", "square", "hotel", "tower", "building"}
    | {"theater", "theatre", "pavilion", "university", "college", "foundation", "institute"}
)


#: What a person leads, named after them: "the Trump administration", "the Assad regime".
_OFFICES_AFTER_A_NAME = frozenset(
    {"administration", "regime", "presidency", "government", "cabinet", "campaign", "era"}
)


def _before_an_office(ent: Span) -> bool:
    return ent.end < len(ent.doc) and ent.doc[ent.end].lower_ in _OFFICES_AFTER_A_NAME


def _head_after(ent: Span) -> str | None:
    """The label a building or body word right after the span gives it, or None."""
    if ent.end >= len(ent.doc):
        return None
    word = ent.doc[ent.end].lower_
    return HEAD_LABELS[word] if word in _HEADS_AFTER_A_NAME else None


def _listed_with_people(ents: Sequence[Span]) -> set[int]:
    """Start tokens of the spans written in one list with a person's name, right before
    or after it across a comma or "and" ("Eric Robinson and Boone Jenner scored")."""
    beside: set[int] = set()
    for first, second in zip(ents, ents[1:], strict=False):
        between = first.doc[first.end : second.start]
        if len(between) != 1 or between[0].lower_ not in COORDINATORS:
            continue
        if first.label_ == "PERSON":
            beside.add(second.start)
        if second.label_ == "PERSON":
            beside.add(first.start)
    return beside


#: Nouns of a kind of settlement or region: "the town of X", "the harbour district of X"
#: name a place X, whatever the model read in it (a person, a building, a company).
PLACE_NOUNS = frozenset(
    {"city", "town", "village", "hamlet", "district", "suburb", "county", "province"}
    | {"region", "state", "municipality", "borough", "island", "capital"}
)
#: Labels the model gives to a town it does not know ("the district of Carrowby" as a
#: nationality); no nationality is written after "the town of".
_NAMED_AFTER_A_PLACE_NOUN = frozenset(
    {"PERSON", "ORG", "FAC", "LOC", "NORP", "PRODUCT", "WORK_OF_ART"}
)


#: Labels the model gives a town it does not know, written before ", a village"; not a
#: location ("Braunau am Inn, a town": the model's "Inn" is the river's name).
_MISREAD_TOWN_LABELS = _NAMED_AFTER_A_PLACE_NOUN - {"LOC"}


#: Nouns of a kind of organisation: "the website Gossipgist", "firms such as Alden", "the
#: retailer Ulta Beauty" name an organisation, whatever the model read in the name.
ORGANISATION_NOUNS = frozenset(
    {"company", "firm", "startup", "start-up", "website", "site", "newspaper", "magazine"}
    | {"retailer", "chain", "brand", "band", "agency", "outlet", "network", "publisher"}
    | {"broadcaster", "bank", "lender", "insurer", "carrier", "airline", "automaker"}
    | {"carmaker", "manufacturer", "conglomerate", "charity", "nonprofit", "club", "studio"}
    | {"journal"}  # "published in the journal Nature Astronomy": a publisher's title
)
_MISREAD_ORGANISATION_LABELS = frozenset({"PERSON", "GPE", "FAC", "LOC", "WORK_OF_ART", "PRODUCT"})


def _after_an_organisation_noun(ent: Span) -> bool:
    """Whether the span follows "the <organisation noun>" ("the website Gossipgist") or
    "<organisation nouns> such as" ("firms such as Alden")."""
    doc, start = ent.doc, ent.start
    if start >= 1 and doc[start - 1].text in ORGANISATION_NOUNS:
        return start >= 2 and doc[start - 2].lower_ in ("the", "a", "an")
    if start >= 3 and doc[start - 2].lower_ == "such" and doc[start - 1].lower_ == "as":
        noun = doc[start - 3].text
        return noun.endswith("s") and noun[:-1] in ORGANISATION_NOUNS
    return False


def _town_as_a_modifier(label: str, ent: Span, gazetteer: Gazetteer | None) -> bool:
    """Whether an "organisation" is a known city written before a common noun, after
    "the": "the Burbank entertainment giant", "the Seattle company" say where it is."""
    doc = ent.doc
    if label != "ORG" or len(ent) != 1 or ent.start == 0 or ent.end >= len(doc):
        return False
    if doc[ent.start - 1].lower_ != "the" or not doc[ent.end].is_lower or not doc[ent.end].is_alpha:
        return False
    place = gazetteer.lookup(fold(ent.text)) if gazetteer is not None else None
    return place is not None and place.kind == "city" and ent.text not in PLATFORMS


#: Nouns after a town's name that say where people and bodies are: "a Wantagh man", "the
#: Elkton police", "Greenbelt residents".
_LOCAL_NOUNS = frozenset(
    {"man", "woman", "men", "women", "boy", "girl", "teen", "teenager", "couple", "family"}
    | {"resident", "residents", "native", "natives", "police", "mayor", "council", "school"}
    | {"schools", "area", "neighborhood", "neighbourhood", "officials", "homeowners"}
)


def _before_its_people(ent: Span) -> bool:
    """Whether the span is followed by a :data:`_LOCAL_NOUNS` word."""
    return ent.end < len(ent.doc) and ent.doc[ent.end].text in _LOCAL_NOUNS


def _named_as_a_town(label: str, ent: Span) -> bool:
    """Whether a place noun around the span says it is a town: "the town of X", "X, a village"."""
    if label in _NAMED_AFTER_A_PLACE_NOUN and _after_a_place_noun(ent.doc, ent.start):
        return True
    return label in _MISREAD_TOWN_LABELS and _before_a_place_noun(ent.doc, ent.start, ent.end)


def _after_a_place_noun(doc: Doc, start: int) -> bool:
    """Whether the span at ``start`` follows a lower-case :data:`PLACE_NOUNS` word and "of"."""
    return (
        start >= 2
        and doc[start - 1].text == "of"
        and doc[start - 2].is_lower
        and doc[start - 2].text in PLACE_NOUNS
    )


#: Words after "X, a village": where the place is ("southwest of", "in"), or the clause ends.
_AFTER_AN_APPOSITIVE_PLACE = frozenset({"of", "in", "near", "on", "outside", "just", "about"})


def _before_a_place_noun(doc: Doc, start: int, end: int) -> bool:
    """Whether the span from ``start`` to ``end`` is followed by ", a village ..." (or "a small
    town"): the place noun ends its phrase, so it is what the span is, not a word before
    another noun ("Brown, a city official" is a person)."""
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in ("a", "an"):
        return False
    before = doc[start - 1] if start else None
    if before is not None and before.is_lower and before.lower_ not in PLACE_CUES:
        return False  # the end of a longer name: "Inn" of "Braunau am Inn, a town"
    for i in (end + 2, end + 3):
        if i < len(doc) and doc[i].is_lower and doc[i].text in PLACE_NOUNS:
            after = doc[i + 1] if i + 1 < len(doc) else None
            return (
                after is None
                or after.is_punct
                or after.lower_ in _AFTER_AN_APPOSITIVE_PLACE
                or after.lower_.endswith(("north", "south", "east", "west"))
            )
    return False


def _misread_words(ent: Span, text: str, lexicon: Lexicon) -> bool:
    """Common words the model read as a name: a shouted verb ("ATTEND the show"), the
    rest of a title ("State" of "Secretary of State"), or a line of the page's own words
    ("Next Story", "Ticker Security Last Change"): two or more common words alone on
    their line; as a person's name only after a stop word ("Tom Brown" may be a byline).
    """
    name = ent.text
    if len(ent) == 1 and name.isupper() and lexicon.only_a_verb_or_adjective(name):
        return True
    person = ent.label_ == "PERSON"
    before_two = ent.doc[ent.start - 2].idx if ent.start >= 2 else None
    if not person and before_two is not None and is_whole_title(text[before_two : ent.end_char]):
        return True
    words = [word for word in name.split() if word.isalpha()]
    if len(words) < 2 or not all(map(lexicon.knows, words)):
        return False
    if person and words[0].lower() not in english_stop_words():
        return False
    line_start = text.rfind("\n", 0, ent.start_char) + 1
    line_end = text.find("\n", ent.end_char) % (len(text) + 1)
    around = text[line_start : ent.start_char] + text[ent.end_char : line_end]
    return not any(c.isalnum() for c in around)


#: Titles that, written in lower case, are everyday words: "a major Second Amendment case",
#: "hit-or-miss Taiwanese", "in general", "the speaker Audio" name no one after them.
_EVERYDAY_TITLE_WORDS = frozenset({"major", "general", "miss", "speaker"})
#: What stands for such a word before a span: a word, and no title.
EVERYDAY_WORD = "(everyday word)"


def _word_before(doc: Doc, start: int) -> str:
    """The lower-cased word before token ``start``, across an opening bracket or quote:
    "the President (Obama)" has "president"; a title's word written in lower case as an
    everyday word ("a major case") is :data:`EVERYDAY_WORD`."""
    i = start - 1
    while i >= 0 and (doc[i].is_left_punct or doc[i].is_quote) and i >= start - 2:
        i -= 1
    if i < 0:
        return ""
    token = doc[i]
    return EVERYDAY_WORD if token.text in _EVERYDAY_TITLE_WORDS else token.lower_


#: Nouns after a name that make it a product, not its maker: "the Chrome browser", "the
#: Stadia port", "MacBook Air models". (Not "users" or "fans": "Twitter users".)
PRODUCT_NOUNS = frozenset(
    {"browser", "browsers", "app", "apps", "console", "consoles", "port", "lineup", "line-up"}
    | {"smartphone", "smartphones", "phone", "phones", "handset", "handsets", "laptop"}
    | {"laptops", "notebook", "notebooks", "tablet", "tablets", "model", "models", "keyboard"}
    | {"chip", "chips", "processor", "processors", "headset", "headsets", "firmware"}
)
#: Words before a name that make it a product: "the 16-inch MacBook Pro".
_PRODUCT_BEFORE = frozenset({"inch", "-inch", "inches"})
_PRODUCT_OR_MAKER = frozenset({"ORG", "PERSON", "PRODUCT"})


def _product_spans(ents: Sequence[Span]) -> set[int]:
    """Start tokens of the organisation or person spans written as products: followed by
    a :data:`PRODUCT_NOUNS` word, after a size in inches, or coordinated with such a span
    ("MacBook Pro and MacBook Air models")."""
    products: set[int] = set()
    for ent in reversed(ents):  # the last of "X and Y models" is decided first
        if ent.label_ not in _PRODUCT_OR_MAKER:
            continue
        doc = ent.doc
        after = doc[ent.end].lower_ if ent.end < len(doc) else ""
        before = doc[ent.start - 1].lower_ if ent.start else ""
        coordinated = after in COORDINATORS and ent.end + 1 in products
        if after in PRODUCT_NOUNS or before in _PRODUCT_BEFORE or coordinated:
            products.add(ent.start)
    return products
