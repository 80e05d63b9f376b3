"""The dedup decision: what an article is, given the earlier articles found for it.

Pure functions and small dataclasses, no Redis: ``workers/state/dedup_index.py`` finds the
earlier articles (by a shared LSH band, source family or story feature) and stores the
decision; this module says which of them the article duplicates, revises or joins.

Similarities are estimates from the compact signatures, except for the earlier articles
whose estimate falls near the threshold (``to_verify``): the index loads their shingle
sketches, and the exact similarity decides. An earlier article is a revision candidate
however it was found, as long as it shares a source family with the article: its family
digests are in its doc, so one found by a band or story feature long after it left the
family's recent list still counts.

A decision is a dict, stored as JSON: ``status`` (``duplicate``, ``near_duplicate`` or
``unique``), ``of`` and ``similarity`` for a copy (the exact similarity when it was
verified), ``revision_of`` for a later version, ``story`` (and ``story_similarity``,
``story_candidates``) and ``compared``, the ``[id, similarity, relation]`` rows it was
made from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from pipelines.article import DUPLICATE, NEAR_DUPLICATE, UNIQUE, Dedup
from pipelines.dedup import minhash as dedup
from pipelines.dedup import stories

#: How an earlier article was found: by a shared band, source family or story feature.
BAND, FAMILY, STORY = "band", "family", "story"


@dataclass(frozen=True, slots=True)
class Decision:
    dedup: Dedup
    story: str


@dataclass(slots=True)
class Probe:
    """One article as the index sees it."""

    article_id: str
    compact: bytes
    fingerprint: bytes
    bands: list[str]
    families: list[str]
    features: dict[str, float]
    seen_at: float
    sketch: dedup.ShingleSketch | None = None
    family_digests: frozenset[bytes] = frozenset()  #: ``family_digest`` of each family


@dataclass(slots=True)
class Earlier:
    """An article found in the index by a shared band, family or story feature."""

    article_id: str
    seq: int | None  #: None while it is between its band writes and its number
    compact: bytes
    fingerprint: bytes
    features: dict[str, float]
    seen_at: float
    decision: dict[str, object] | None
    found_by: set[str] = field(default_factory=set)  # "band", "family", "story"
    families: frozenset[bytes] = frozenset()  #: its family digests (none in older docs)
    sketch: dedup.ShingleSketch | None = None  #: loaded only when ``to_verify`` asks


def family_digest(name: str) -> bytes:
    """A source family as a doc stores it: 8 bytes of digest."""
    return hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=8).digest()


# -- finding ----------------------------------------------------------------------------


def found_ids(
    article_id: str,
    band_ids: Iterable[Iterable[str]],
    family_ids: Iterable[Iterable[str]],
    story_ids: Iterable[str],
) -> dict[str, set[str]]:
    """The ids found for an article, each with how it was found (the article left out)."""
    found: dict[str, set[str]] = {}
    for ids in band_ids:
        _note(found, ids, BAND)
    for ids in family_ids:
        _note(found, ids, FAMILY)
    _note(found, story_ids, STORY)
    found.pop(article_id, None)
    return found


def story_candidates(
    features: dict[str, float], feature_ids: Iterable[Iterable[str]], limit: int
) -> list[str]:
    """The ids sharing the most feature weight with the article: the few worth loading.

    ``feature_ids`` holds the ids listed under each feature, in the order of ``features``.
    """
    shared: dict[str, float] = {}
    for weight, ids in zip(features.values(), feature_ids, strict=True):
        for article_id in set(ids):
            shared[article_id] = shared.get(article_id, 0.0) + weight
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [article_id for article_id, _ in ranked[:limit]]


def to_verify(probe: Probe, earlier: list[Earlier], config: dedup.DedupConfig) -> list[Earlier]:
    """The earlier articles whose estimate is too near the threshold to decide alone."""
    if probe.sketch is None:
        return []
    return [
        doc
        for doc in earlier
        if doc.fingerprint != probe.fingerprint
        and abs(dedup.estimate_compact_similarity(probe.compact, doc.compact) - config.threshold)
        <= config.verify_margin
    ]


def unfinished(doc: Earlier, seq: int, now: float, stale_after: float) -> bool:
    """An article between two steps, whose outcome this decision depends on."""
    if now - doc.seen_at > stale_after:
        return False  # its worker died; its redelivery will come later and find this one
    if doc.seq is None:
        return BAND in doc.found_by  # it may have come first: wait for its number
    return doc.seq < seq and doc.decision is None


def _note(found: dict[str, set[str]], article_ids: Iterable[str], how: str) -> None:
    for article_id in article_ids:
        found.setdefault(article_id, set()).add(how)


# -- deciding -----------------------------------------------------------------------------


def decide(
    probe: Probe,
    earlier: list[Earlier],
    config: dedup.DedupConfig,
    story: stories.StoryConfig,
) -> dict[str, object]:
    """The decision for an article, given the earlier articles found for it."""
    compared = compare(probe, earlier, config)
    by_id = {doc.article_id: doc for doc in earlier}
    result = duplicate_of(compared, by_id) or revision_of(compared)
    decision: dict[str, object] = dict(result or {"status": UNIQUE})
    story_of_id = decision.get("of") or decision.get("revision_of")
    if story_of_id:
        decision["story"] = story_of(by_id[str(story_of_id)])
    else:
        decision.update(story_for(probe, earlier, story))
    decision["compared"] = [row for row in compared if row[2] != STORY][:8] or None
    return decision


def compare(probe: Probe, earlier: list[Earlier], config: dedup.DedupConfig) -> list[list[object]]:
    """[id, similarity, relation] for every earlier article found, most similar first."""
    rows = []
    for doc in earlier:
        similarity = similarity_to(probe, doc)
        rows.append(
            [doc.article_id, round(similarity, 4), relation(probe, doc, similarity, config)]
        )
    # A row is [id, similarity, relation]: its similarity is a float.
    return sorted(rows, key=lambda row: (-float(cast(float, row[1])), str(row[0])))


def similarity_to(probe: Probe, doc: Earlier) -> float:
    """The exact similarity when both sketches are at hand, else the estimate."""
    if probe.sketch is not None and doc.sketch is not None:
        return dedup.sketch_similarity(probe.sketch, doc.sketch)
    return dedup.estimate_compact_similarity(probe.compact, doc.compact)


def relation(probe: Probe, doc: Earlier, similarity: float, config: dedup.DedupConfig) -> str:
    """What an earlier article is to this one: a copy, an earlier version, a story, neither."""
    if doc.fingerprint == probe.fingerprint:
        return DUPLICATE
    if similarity >= config.threshold:
        return NEAR_DUPLICATE
    if same_family(probe, doc) and similarity >= config.revision_threshold:
        return "revision"
    return STORY if doc.found_by == {STORY} else "different"


def same_family(probe: Probe, doc: Earlier) -> bool:
    """Whether an earlier article shares a source family: found in a family's recent list,
    or (found by a band or story feature) naming one of the article's families in its doc."""
    return FAMILY in doc.found_by or not probe.family_digests.isdisjoint(doc.families)


def duplicate_of(
    compared: list[list[object]], by_id: dict[str, Earlier]
) -> dict[str, object] | None:
    """The first-seen (lowest-numbered) exact copy, else the first-seen near copy."""
    for kind in (DUPLICATE, NEAR_DUPLICATE):
        matches = [row for row in compared if row[2] == kind]
        if matches:
            # Every article here has its number: the index passes decide() only those
            # with a seq (DedupIndex._earlier), so no None is compared.
            first = min(matches, key=lambda row: cast(int, by_id[str(row[0])].seq))
            similarity = 1.0 if kind == DUPLICATE else first[1]
            return {"status": kind, "of": first[0], "similarity": similarity}
    return None


def revision_of(compared: list[list[object]]) -> dict[str, object] | None:
    """The most similar earlier version from the same source family."""
    for row in compared:
        if row[2] == "revision":
            return {"status": UNIQUE, "revision_of": row[0], "similarity": None}
    return None


def story_for(
    probe: Probe, earlier: list[Earlier], config: stories.StoryConfig
) -> dict[str, object]:
    """Join the most similar recent story, or start one (the article's own id).

    Never through an earlier article of the same outlet (``stories.same_outlet``): a
    site's posts on one subject are not outlets reporting one event. Such an article is
    still shown among the candidates. Nor through one member alone: the article must be
    near most of the story's members found (``near_most_members``)."""
    horizon = probe.seen_at - config.window_hours * 3600
    own = stories.unpack_features(stories.pack_features(probe.features))
    scored = [
        (stories.story_similarity(own, doc.features), doc)
        for doc in earlier
        if STORY in doc.found_by and doc.seen_at >= horizon
    ]
    scored.sort(key=lambda item: (-item[0], item[1].seq))
    shown = [[doc.article_id, round(score, 4)] for score, doc in scored[:3]]
    for _, doc in scored:
        if stories.same_outlet(own, doc.features):
            continue
        similarity = stories.same_story(own, doc.features, config)
        if similarity is not None and near_most_members(own, story_of(doc), scored, config):
            return {
                "story": story_of(doc),
                "story_similarity": round(similarity, 4),
                "story_candidates": shown,
            }
    return {"story": probe.article_id, "story_candidates": shown or None}


def near_most_members(
    own: dict[str, float],
    story: str,
    scored: list[tuple[float, Earlier]],
    config: stories.StoryConfig,
) -> bool:
    """Whether the article (its features ``own``) is near (``stories.near``) more than
    half of the story's members among the candidates (``scored``: similarity, earlier
    article).

    Joining through the nearest member alone lets a story grow as a chain, each article
    near the last and far from the first (a rumour, a review of the same laptop, a gift
    guide naming it); members the index did not find share nothing heavy with the
    article and are not counted."""
    members = [(similarity, doc) for similarity, doc in scored if story_of(doc) == story]
    close = sum(stories.near(own, doc.features, similarity, config) for similarity, doc in members)
    return 2 * close > len(members)


def story_of(doc: Earlier) -> str:
    """An earlier article's story; its own id when its decision is not known (it crashed)."""
    story = (doc.decision or {}).get("story")
    return str(story) if story else doc.article_id


def as_decision(stored: dict[str, object]) -> Decision:
    """The ``Decision`` of a stored decision dict."""
    similarity = stored.get("similarity")
    result = Dedup(
        status=str(stored["status"]),
        of=stored.get("of"),  # type: ignore[arg-type]
        similarity=float(similarity) if similarity is not None else None,  # type: ignore[arg-type]
        revision_of=stored.get("revision_of"),  # type: ignore[arg-type]
    )
    return Decision(dedup=result, story=str(stored["story"]))
