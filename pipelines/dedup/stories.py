"""What makes two articles the same story, and what makes two articles versions of one.

Pure functions, no Redis: ``workers/state/dedup_index.py`` keeps the index.

A story is an event reported by several outlets. Their texts differ (so MinHash sees
nothing), but they name the same people, organisations and places, and use the same
rare words ("referendum", "sanctions"). ``story_features`` turns an article into a
vector of such features, weighed as a search engine weighs terms: how often the article
uses a name or word (1 + its logarithm) times how rare it is in the language
(``word_rarity``), so that "Paganini" and "plumes" count and "government" hardly does.
An entity is matched by its name alone (the model labels one town a place in one text,
a facility in another, and a word in one text is a name in the other: "meth"); only the
``StoryConfig.features`` heaviest are kept. ``story_similarity`` is the cosine of two
such vectors. Outlets that report one event quote the same words, which outlets that
report another do not: the article's quoted runs of words (``quotations``) are kept
beside the vector, weighing nothing in it. An article joins the story of the most
similar earlier article in the window when the similarity reaches
``StoryConfig.threshold`` or they quote the same words, they share enough named
entities, that article is from another outlet (a site's own posts on one subject,
or a live blog's updates, are not several outlets reporting one event; and a second
post of one site still joins the story through another outlet's report), and the
article reaches the threshold with most of the story's members found, not one alone
(``policy.near_most_members``: no chains); otherwise it starts a story of its own
(its own id).

A revision is a later version of one article: same source family (``family_keys``:
the canonical URL, the file's folder, the headline) and much text in common.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipelines.article import Entity, Source
from pipelines.dedup.minhash import normalise_text
from pipelines.dedup.word_rarity import rarity

#: A name weighs this much more than a word as rare: a name the entities stage found is
#: surer evidence of the event than a word.
ENTITY_BOOST = 1.5
#: The heaviest feature of an article weighs this much: weights are stored in tenths.
TOP_WEIGHT = 10.0
#: Words shorter than this are never features ("tax", "war" are too ambiguous).
MIN_WORD_LENGTH = 4
TERM, OUTLET, QUOTE = "term:", "site:", "quote:"
#: A quotation two articles share is this many words running: "Meth. We're on it."
QUOTE_WORDS = 5
#: and its words are this rare together (``rarity``), so that a stock phrase in quotes ("an
#: effort to address the") is no quotation of the event.
QUOTE_MIN_RARITY = 3.0
#: At most this many quoted runs of an article are kept, the first.
MAX_QUOTES = 40

#: Frequent English words that are never a distinctive term, whatever their rarity says.
# fmt: off
STOP_WORDS = frozenset({
    "about", "above", "according", "after", "again", "against", "along", "already", "also",
    "although", "among", "another", "around", "back", "because", "been", "before", "being",
    "below", "between", "both", "called", "could", "doing", "down", "during", "each", "either",
    "even", "every", "first", "friday", "from", "further", "have", "having", "here", "however",
    "including", "into", "itself", "just", "last", "later", "least", "less", "like", "made",
    "make", "many", "monday", "more", "most", "much", "must", "never", "next", "only", "other",
    "others", "over", "part", "people", "percent", "said", "same", "saturday", "says",
    "should", "since", "some", "still", "such", "sunday", "than", "that", "their", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "three", "through",
    "thursday", "time", "today", "told", "tuesday", "under", "until", "upon", "very",
    "wednesday", "week", "weeks", "well", "were", "what", "when", "where", "whether", "which",
    "while", "will", "with", "within", "without", "would", "year", "years", "your",
})
# fmt: on

#: A quotation: what stands between a pair of quotation marks, a sentence or two.
_QUOTATION = re.compile(
    '["\u201c\u201e\u00ab]([^"\u201c\u201d\u201e\u00ab\u00bb]{10,600})["\u201d\u201c\u00bb]'
)
#: A word of a quotation, every one counted ("we're" is "we" and "re").
_QUOTED_WORD = re.compile(r"[^\W_]+")
#: Links, @handles and #hashtags: an embedded post's short link ("t.co/xPxUjuYiAC") is
#: a "rare word" found in no other text.
_LINKS = re.compile(r"(?<!\S)(?=\S*?(?:://|www\.|[@#]|\.[a-z]{2,}/))\S+", re.IGNORECASE)
#: Words of letters, a possessive's "'s" dropped ("Noem's": "noem"); a contraction
#: ("we've") or a word run into digits ("mp3") is none.
_WORD = re.compile(r"(?<![\w'\u2019])([^\W\d_]+)(?:['\u2019]s)?(?![\w'\u2019])")


@dataclass(frozen=True, slots=True)
class StoryConfig:
    features: int = 30  #: the heaviest names and words kept
    threshold: float = 0.25  #: cosine from which two articles are one story
    min_shared_entities: int = 2  #: and at least this many shared names
    window_hours: float = 72.0  #: only articles this recent can be joined
    candidates: int = 20  #: earlier articles compared, those sharing the most features


def story_features(
    entities: Iterable[Entity],
    text: str,
    config: StoryConfig,
    *,
    source: Source | None = None,
    url: str | None = None,
) -> dict[str, float]:
    """The article's features, name -> weight: its heaviest entity names (by name alone)
    and words (``term:`` names), scaled so the heaviest weighs ``TOP_WEIGHT``, and its
    quotations (``quote:`` names, ``quotations``) weighing 0.0.

    With its ``source`` and ``url``, its outlet too (``outlet_feature``), weighing 0.0.
    """
    entities = list(entities)
    weights = entity_weights(entities)
    names = set(words(" ".join(m for e in entities for m in e.mentions)))
    for word, count in Counter(w for w in words(text) if is_term(w, names)).items():
        weights[TERM + word] = tf(count) * rarity(word)
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[: config.features]
    heaviest = max((weight for _, weight in ranked), default=0.0)
    features = {f: TOP_WEIGHT * w / heaviest for f, w in ranked if w > 0}
    features |= dict.fromkeys((QUOTE + q for q in quotations(text)), 0.0)
    outlet = outlet_feature(source, url) if source is not None else None
    return features | {outlet: 0.0} if outlet else features


def entity_weights(entities: list[Entity]) -> dict[str, float]:
    """Each entity name's weight: its mentions (under every label) times its rarity, that
    of its rarest word ("south-dakota": "dakota")."""
    counts: Counter[str] = Counter()
    for e in entities:
        counts[entity_feature(e.key)] += e.count
    return {
        name: ENTITY_BOOST * tf(count) * max(map(rarity, name_words(name)), default=0.0)
        for name, count in counts.items()
    }


def entity_feature(key: str) -> str:
    """An entity's feature name: its key without the label ("gpe:brackwater" -> "brackwater").

    Outlets' texts get different labels for one name from the model (a town as a place in
    one, a facility in another; a product as a person): the name alone still matches.
    """
    return key.partition(":")[2] or key


def name_words(name: str) -> list[str]:
    """The words of an entity name, numbers left out: they have no rarity of their own."""
    return [w for w in name.split("-") if w.isalpha()]


def words(text: str) -> list[str]:
    """The text's words, lower case, links and handles left out, a possessive's "'s"
    dropped; a contraction ("we've") is no word of its own."""
    return _WORD.findall(_LINKS.sub(" ", unicodedata.normalize("NFKC", text)).casefold())


def is_term(word: str, names: set[str]) -> bool:
    """Whether a word can be a term: long enough, not a stop word, not part of a name."""
    return len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS and word not in names


def tf(count: int) -> float:
    """What repetition adds: 1 for one use, 1 + ln(count) for more (a word used 8 times
    weighs 3 times one used once)."""
    return 1.0 + math.log(max(count, 1))


def distinctive_terms(text: str, excluded: set[str], limit: int) -> list[str]:
    """The text's heaviest words (repetition times rarity), leaving out stop words and
    entity names (``excluded``)."""
    counts = Counter(w for w in words(text) if is_term(w, excluded))
    weighed = sorted(((-tf(n) * rarity(w), w) for w, n in counts.items()))
    return [w for weight, w in weighed[:limit] if weight < 0]


def quotations(text: str) -> list[str]:
    """Digests of the text's quoted runs of ``QUOTE_WORDS`` words whose words are rare
    enough together (``QUOTE_MIN_RARITY``), the first ``MAX_QUOTES`` of them: an event's
    defining words (a slogan, a verdict) are quoted near the top."""
    runs: dict[str, None] = {}  # ordered, each run once
    for run in _rare_quoted_runs(text):
        runs.setdefault(run, None)
        if len(runs) == MAX_QUOTES:
            break
    return [_digest(run) for run in runs]


def _rare_quoted_runs(text: str) -> Iterator[str]:
    for quoted in _QUOTATION.findall(unicodedata.normalize("NFKC", text)):
        said = _QUOTED_WORD.findall(quoted.casefold())
        for start in range(len(said) - QUOTE_WORDS + 1):
            run = said[start : start + QUOTE_WORDS]
            if sum(map(rarity, run)) >= QUOTE_MIN_RARITY:
                yield " ".join(run)


def _digest(run: str) -> str:
    return hashlib.blake2b(run.encode(), digest_size=4).hexdigest()


def outlet_feature(source: Source, url: str | None) -> str | None:
    """The outlet of a page or feed item, as a feature: "site:" and its host, ``www.``
    dropped. None for a file: the inbox's folders need not be outlets (the demo's five
    outlets share one folder)."""
    if source.type == "file":
        return None
    try:
        host = urlsplit(url or source.url or source.feed or "").hostname
    except ValueError:  # "http://[::1": no outlet to tell
        return None
    return f"{OUTLET}{host.removeprefix('www.')}" if host else None


def listed_features(features: dict[str, float]) -> dict[str, float]:
    """The features an index lists articles under: those with a weight. The outlet
    (weight 0.0) would gather every article of a site, and it never makes a candidate."""
    return {name: weight for name, weight in features.items() if weight > 0.0}


def story_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """The cosine of two feature vectors (0.0 when either is empty), a name matching a
    word of the same spelling (one text's entity "meth" is another's word)."""
    a, b = _by_name(a), _by_name(b)
    dot = sum(weight * b.get(name, 0.0) for name, weight in a.items())
    norms = sum(w * w for w in a.values()) * sum(w * w for w in b.values())
    return min(1.0, dot / math.sqrt(norms)) if norms else 0.0


def shared_quotations(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two articles quote the same words (a ``quote:`` feature of both)."""
    return any(name.startswith(QUOTE) and name in b for name in a)


def near(a: dict[str, float], b: dict[str, float], similarity: float, config: StoryConfig) -> bool:
    """Whether two articles at ``similarity`` are close enough to be one story: the
    similarity reaches the threshold, or they quote the same words."""
    return similarity >= config.threshold or shared_quotations(a, b)


def shared_entities(a: dict[str, float], b: dict[str, float]) -> int:
    """The names two articles share that are an entity in at least one of them."""
    shared = _by_name(a).keys() & _by_name(b).keys()
    return sum(1 for name in shared if name in a or name in b)


def same_outlet(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two articles name one outlet: the feature both hold at weight 0.0 that is
    no quotation."""
    return any(
        weight == 0.0 and b.get(name) == 0.0 and not name.startswith(QUOTE)
        for name, weight in a.items()
    )


def same_story(a: dict[str, float], b: dict[str, float], config: StoryConfig) -> float | None:
    """The similarity of two articles when they are one story, else None: near, and
    sharing enough names, a quotation counting as one (a slogan both quote is as
    much the event's as a name: "Meth. We're on it.")."""
    similarity = story_similarity(a, b)
    shared = shared_entities(a, b) + shared_quotations(a, b)
    if near(a, b, similarity, config) and shared >= config.min_shared_entities:
        return similarity
    return None


def _by_name(features: dict[str, float]) -> dict[str, float]:
    """The weighted features by bare name (``term:`` dropped), the outlet left out."""
    named: dict[str, float] = {}
    for name, weight in features.items():
        if weight > 0.0:
            bare = name.removeprefix(TERM)
            named[bare] = max(named.get(bare, 0.0), weight)
    return named


def family_keys(source: Source, url: str | None, title: str | None) -> list[str]:
    """Names of the source families an article belongs to, as short digests.

    Two versions of one article share a family: the same canonical URL (scheme,
    ``www.``, query and fragment dropped), the same folder for files (a newsroom's
    export keeps one outlet per folder), or the same headline.
    """
    names = []
    for address in {url, source.url} - {None}:
        names.append("url:" + canonical_url(str(address)))
    origin = source.origin()
    if origin is not None and origin[0] == "folder":
        names.append("dir:" + origin[1])
    headline = normalise_text(title or "")
    if len(headline.split()) >= 4:
        names.append("title:" + headline)
    return [
        hashlib.blake2b(n.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
        for n in names
    ]


def canonical_url(url: str) -> str:
    """host/path of a URL, lower-case host without ``www.``, no trailing slash; a page's
    own URL that does not parse ("http://[::1") is its own family, as written."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"/+$", "", parts.path) or "/"
    return f"{host}{path}"


def pack_features(features: dict[str, float]) -> bytes:
    """Features in 5 bytes each for storage: a 4-byte digest of the bare name (a word
    and a name of one spelling match), then the weight in tenths (at least 1, 0 for the
    outlet), plus 128 for a term (``shared_entities`` counts only the others); a
    quotation is 128 alone, a term weighing nothing.

    Features stored before names were bare (digests of "person:hartigan", "term:flood")
    match none of today's: such an article is only never joined."""
    packed = bytearray()
    for name, weight in features.items():
        if name.startswith(QUOTE):
            packed += bytes.fromhex(name.removeprefix(QUOTE)) + bytes([128])
            continue
        bare = name.removeprefix(TERM)
        packed += hashlib.blake2b(bare.encode("utf-8", "surrogateescape"), digest_size=4).digest()
        tenths = min(127, max(1, round(weight * 10))) if weight > 0 else 0
        packed.append(tenths + (128 if name.startswith(TERM) else 0))
    return bytes(packed)


def unpack_features(packed: bytes) -> dict[str, float]:
    """What ``pack_features`` stored, the names replaced by their digests."""
    features = {}
    for start in range(0, len(packed) - len(packed) % 5, 5):
        digest, code = packed[start : start + 4].hex(), packed[start + 4]
        prefix = QUOTE if code == 128 else TERM if code & 128 else ""
        features[prefix + digest] = (code & 127) / 10
    return features
