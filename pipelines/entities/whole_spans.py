"""The model's spans made whole where it cut a name short: an agency cut at its "and"
("Customs" and "Border Protection"), a surname read without the given name written right
before it ("Nilsson" of "Anders Nilsson"). Spans in, spans out, before any label is decided
(:mod:`pipelines.entities.context`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipelines.entities.gazetteer import Gazetteer
from pipelines.entities.lexicon import Lexicon
from pipelines.entities.mentions import known_place
from pipelines.entities.people_names import given_names
from pipelines.entities.titles import is_title

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.tokens import Span


def whole_spans(ents: Sequence[Span], lexicon: Lexicon, gazetteer: Gazetteer | None) -> list[Span]:
    """The model's spans, agencies and people's names it cut short made whole."""
    return with_given_names(joined_agencies(ents, lexicon), lexicon, gazetteer)


def joined_agencies(ents: Sequence[Span], lexicon: Lexicon) -> list[Span]:
    """The model's spans, an agency it cut at its "and" made whole again: "Customs" and
    "Border Protection" are "Customs and Border Protection": both halves are made of
    common words (a name of words, not "Apple and Google Maps"), the second of two or
    more, the last a field a government body looks after (``AGENCY_HEADS``).
    """
    joined: list[Span] = []
    for ent in ents:
        first = joined[-1] if joined else None
        if first is not None and _halves_of_one_agency(first, ent, lexicon):
            whole = ent.doc.char_span(first.start_char, ent.end_char, label="ORG")
            if whole is not None:
                joined[-1] = whole
                continue
        joined.append(ent)
    return joined


#: Labels the model gives a surname it read without the given name before it ("Anders
#: Nilsson" an organisation "Nilsson", "Brock Nelson" a place "Nelson").
_SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def with_given_names(
    ents: Sequence[Span], lexicon: Lexicon, gazetteer: Gazetteer | None
) -> list[Span]:
    """The model's spans, a one-word name it read without the given name written right
    before it made the person's whole name (see :func:`_with_given_name`)."""
    spans: list[Span] = []
    for ent in ents:
        free = not spans or spans[-1].end < ent.start  # the given name is in no span
        spans.append((_with_given_name(ent, lexicon, gazetteer) if free else None) or ent)
    return spans


def _with_given_name(ent: Span, lexicon: Lexicon, gazetteer: Gazetteer | None) -> Span | None:
    """The PERSON span of a given name and the one-word span after it ("Anders Nilsson"),
    or None: the given name is no common word or place ("Mark", "Paris"), and no
    capitalised word but a title comes before it ("the Vipers Anders" may be one more
    name). The span's word may be a common word (the lexicon holds famous surnames,
    "Nilsson", "Nelson"), not an acronym."""
    if len(ent) != 1 or ent.label_ not in _SURNAME_LABELS or ent.start == 0 or ent.text.isupper():
        return None
    doc, given = ent.doc, ent.doc[ent.start - 1]
    previous = doc[ent.start - 2] if ent.start > 1 else None
    if previous is not None and previous.text[:1].isupper() and not is_title(previous.lower_):
        return None
    if lexicon.knows(given.text) or known_place(given.text, gazetteer):
        return None
    if not given_names().starts_with_given_name(f"{given.text} {ent.text}"):
        return None
    return doc.char_span(given.idx, ent.end_char, label="PERSON")


def _halves_of_one_agency(first: Span, second: Span, lexicon: Lexicon) -> bool:
    if first.label_ != "ORG" or second.label_ != "ORG" or second.start != first.end + 1:
        return False
    if first.doc[first.end].lower_ not in ("and", "&") or len(second) < 2:
        return False
    words = [t.text for t in (*first, *second)]
    if words[-1].lower() not in AGENCY_HEADS:
        return False
    return all(w[:1].isupper() and w.isalpha() and lexicon.knows(w) for w in words)


#: Last words of a government body's name that joins two fields with "and" ("Customs and
#: Border Protection", "Health and Human Services", "Revenue and Customs").
AGENCY_HEADS = frozenset(
    {"protection", "enforcement", "services", "security", "affairs", "resources", "welfare"}
    | {"development", "safety", "justice", "defense", "defence", "trade", "commerce", "labor"}
    | {"labour", "education", "energy", "environment", "transportation", "transport"}
    | {"agriculture", "prevention", "control", "management", "administration", "customs"}
    | {"immigration", "revenue", "excise", "fisheries", "forestry", "planning", "housing"}
)
