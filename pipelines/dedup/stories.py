"""What makes two articles the same story, and what makes two articles versions of one.

Pure functions, no Redis: ``workers/state/dedup_index.py`` keeps the index.

A story is an event reported by several outlets. Their texts differ (so MinHash sees
nothing), but they name the same people, organisations and places, and use the same
rare words ("referendum", "sanctions"). ``story_features`` turns an article into a
small weighted set of such features; ``story_similarity`` is their weighted Jaccard.
An article joins the story of the most similar earlier article in the window when
the similarity reaches ``StoryConfig.threshold`` and they share enough named
entities; otherwise it starts a story of its own (its own id).

A revision is a later version of one article: same source family (``family_keys``:
the canonical URL, the file's folder, the headline) and much text in common.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipelines.article import Entity, Source
from pipelines.dedup.minhash import normalise_text

#: How much a shared entity of each label says about two articles being one story:
#: people and organisations are specific, countries and nationalities are not.
LABEL_WEIGHTS = {
    "PERSON": 3.0,
    "ORG": 2.0,
    "EVENT": 2.0,
    "FAC": 2.0,
    "LAW": 2.0,
    "PRODUCT": 1.5,
    "WORK_OF_ART": 1.5,
    "GPE": 1.0,
    "LOC": 1.0,
    "NORP": 0.5,
}
TERM_WEIGHT = 1.0

#: Frequent English words: never a distinctive term, whatever their count.
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


@dataclass(frozen=True, slots=True)
class StoryConfig:
    entities: int = 12  #: the most mentioned entities kept as features
    terms: int = 8  #: distinctive words kept as features
    threshold: float = 0.2  #: weighted Jaccard from which two articles are one story
    min_shared_entities: int = 3  #: and at least this many shared entities
    window_hours: float = 72.0  #: only articles this recent can be joined
    candidates: int = 20  #: earlier articles compared, those sharing the most features


def story_features(entities: Iterable[Entity], text: str, config: StoryConfig) -> dict[str, float]:
    """The article's weighted features: its main entities and its distinctive words."""
    ranked = sorted(entities, key=lambda e: (-e.count, e.key))[: config.entities]
    features = {e.key: LABEL_WEIGHTS.get(e.label, 1.0) for e in ranked}
    names = {word for e in ranked for m in e.mentions for word in normalise_text(m).split()}
    for term in distinctive_terms(text, names, config.terms):
        features[f"term:{term}"] = TERM_WEIGHT
    return features


def distinctive_terms(text: str, excluded: set[str], limit: int) -> list[str]:
    """The long words the text repeats most, leaving out common words and entity names."""
    counts = Counter(
        w
        for w in normalise_text(text).split()
        if len(w) >= 6 and w.isalpha() and w not in STOP_WORDS and w not in excluded
    )
    repeated = [(n, w) for w, n in counts.items() if n >= 2]
    return [w for _, w in sorted(repeated, key=lambda item: (-item[0], item[1]))[:limit]]


def story_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """The weighted Jaccard similarity of two feature sets (0.0 when either is empty)."""
    union = a.keys() | b.keys()
    if not a or not b:
        return 0.0
    shared = sum(min(a.get(f, 0.0), b.get(f, 0.0)) for f in union)
    return shared / sum(max(a.get(f, 0.0), b.get(f, 0.0)) for f in union)


def shared_entities(a: dict[str, float], b: dict[str, float]) -> int:
    return sum(1 for f in a.keys() & b.keys() if not f.startswith("term:"))


def same_story(a: dict[str, float], b: dict[str, float], config: StoryConfig) -> float | None:
    """The similarity of two articles when they are one story, else None."""
    similarity = story_similarity(a, b)
    if similarity >= config.threshold and shared_entities(a, b) >= config.min_shared_entities:
        return similarity
    return None


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
    """Features in 5 bytes each for storage: a 4-byte digest of the name, then the weight
    in tenths, plus 128 for a term (``shared_entities`` counts only the others)."""
    packed = bytearray()
    for name, weight in features.items():
        packed += hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest()
        packed.append(min(127, round(weight * 10)) + (128 if name.startswith("term:") else 0))
    return bytes(packed)


def unpack_features(packed: bytes) -> dict[str, float]:
    """What ``pack_features`` stored, the names replaced by their digests."""
    features = {}
    for start in range(0, len(packed) - len(packed) % 5, 5):
        digest, code = packed[start : start + 4].hex(), packed[start + 4]
        features[("term:" if code & 128 else "") + digest] = (code & 127) / 10
    return features
