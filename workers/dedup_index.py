"""The shared dedup index in Redis: duplicates, near duplicates, revisions and stories.

Every worker process reads and writes the same index, and every command touches
one key (the one Lua script too), so the index can live on Redis Cluster.

Who came first. Each article first publishes itself (its signature in its doc hash,
its id in its LSH band buckets, family lists and story-feature lists), then takes a
sequence number (``INCR`` of one counter), then reads the buckets and lists back.
If A's number is lower than B's, A's writes finished before A's ``INCR``, which came
before B's ``INCR`` and B's reads: B always finds A. So of two copies processed at the
same moment, the later-numbered one sees the earlier one, whatever the interleaving,
and only earlier-numbered articles can be an article's original. An id found without
a number yet is an article between those steps: it is waited for (``seq_wait``).

Memory. A doc hash per article (compact 1-byte-per-value signature, numbers, the
decision) and one 8-byte id per LSH band, stored as hash fields in bucket hashes
(``band_buckets`` per band and time slice) small enough to stay listpack-encoded.
Time slices bound the index: an article is compared with those indexed in the
current and the previous slice (``window`` to twice ``window`` back); older slices
expire on their own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import redis
import structlog

from pipelines import dedup, stories
from pipelines.article import DUPLICATE, NEAR_DUPLICATE, UNIQUE, Article, Dedup
from workers.keys import Keys
from workers.settings import Settings

log = structlog.get_logger("newsflow.dedup")

ID_BYTES = 8  # article ids are 16 hex digits

#: Longer values are stored in pieces of this size ("s0", "s1", ...): Redis keeps a hash
#: whose values are all at most 64 bytes (hash-max-listpack-value) as one compact
#: listpack, and a hash with a single longer value as a table, at twice the memory.
PIECE = 60
SIGNATURE_PIECES, FEATURE_PIECES, DECISION_PIECES = 4, 8, 12

# KEYS: one doc hash. ARGV: field, value, field, value... of the decision's pieces.
# Stores them unless a decision is there already: the first one stays.
_KEEP_DECISION = """
if redis.call('HEXISTS', KEYS[1], 'd0') == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV))
end
return 1
"""

# KEYS: one band bucket hash. ARGV: band field, id (8 bytes), max ids, expire-at (ms).
# Appends the id to the field's ids unless it is there already or the field is full.
_ADD_TO_BAND = """
local held = redis.call('HGET', KEYS[1], ARGV[1]) or ''
for i = 1, #held, 8 do
  if string.sub(held, i, i + 7) == ARGV[2] then return 0 end
end
if #held < 8 * tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], held .. ARGV[2])
end
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return 1
"""


@dataclass(frozen=True, slots=True)
class IndexConfig:
    window: float = 7 * 86400.0  #: seconds of one time slice (compared: 1 to 2 slices back)
    band_buckets: int = 16384  #: bucket hashes per band and slice (about articles/64)
    max_holders: int = 7  #: ids kept per band value: 56 bytes stays in a listpack
    family_size: int = 16  #: recent ids kept per source family
    feature_size: int = 32  #: recent ids kept per story feature
    seq_wait: float = 5.0  #: seconds to wait for an article caught between two steps
    stale_after: float = 60.0  #: an article between two steps this long has lost its worker
    clock_margin: float = 60.0  #: clock skew between workers that slice reads tolerate


@dataclass(frozen=True, slots=True)
class Decision:
    dedup: Dedup
    story: str


@dataclass(slots=True)
class _Probe:
    """One article as the index sees it."""

    article_id: str
    compact: bytes
    fingerprint: bytes
    bands: list[str]
    families: list[str]
    features: dict[str, float]
    seen_at: float


@dataclass(slots=True)
class _Earlier:
    """An article found in the index by a shared band, family or story feature."""

    article_id: str
    seq: int | None  #: None while it is between its band writes and its number
    compact: bytes
    fingerprint: bytes
    features: dict[str, float]
    seen_at: float
    decision: dict[str, object] | None
    found_by: set[str] = field(default_factory=set)  # "band", "family", "story"


class DedupIndex:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        config: dedup.DedupConfig,
        index: IndexConfig | None = None,
        story: stories.StoryConfig | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._clock = clock
        self._keys = keys
        self._config = config
        self._index = index or IndexConfig()
        self._story = story or stories.StoryConfig()
        self._add_to_band = client.register_script(_ADD_TO_BAND)
        self._keep_decision = client.register_script(_KEEP_DECISION)

    @property
    def story_config(self) -> stories.StoryConfig:
        return self._story

    def classify(
        self,
        article_id: str,
        text: str,
        *,
        families: Sequence[str] = (),
        features: dict[str, float] | None = None,
    ) -> Decision:
        """Register the article in the index and say what it duplicates, revises, joins.

        Idempotent: a redelivered article gets the decision kept for it the first time.
        """
        kept = self.decision_of(article_id)
        if kept is not None:
            return _as_decision(kept)
        probe = self._probe(article_id, text, families, features or {})
        self._enter(probe)
        seq = self._sequence(article_id)
        earlier = self._earlier(probe, seq)
        return self._keep(article_id, self._decide(probe, earlier))

    def decision_of(self, article_id: str) -> dict[str, object] | None:
        """What was decided for an article, with what it was compared to (`newsflow why`)."""
        names = _names("d", DECISION_PIECES)
        stored = _joined(self._client.hmget(self._keys.doc(article_id), names))
        return json.loads(stored) if stored else None

    # -- entering the index -------------------------------------------------------------

    def _probe(
        self, article_id: str, text: str, families: Sequence[str], features: dict[str, float]
    ) -> _Probe:
        signature = dedup.signature(text, self._config)
        return _Probe(
            article_id=article_id,
            compact=dedup.compact_signature(signature),
            fingerprint=bytes.fromhex(dedup.exact_fingerprint(text))[:8],
            bands=dedup.band_hashes(signature, self._config),
            families=list(dict.fromkeys(families)),
            features=features,
            seen_at=self._clock(),
        )

    def _enter(self, probe: _Probe) -> None:
        """Publish the article: its doc first, so whoever finds its id can read it."""
        doc = self._keys.doc(probe.article_id)
        fields: dict[str, bytes | int] = {"f": probe.fingerprint, "t": int(probe.seen_at * 1000)}
        fields.update(_pieces("s", probe.compact, SIGNATURE_PIECES))
        fields.update(_pieces("e", stories.pack_features(probe.features), FEATURE_PIECES))
        pipe = self._client.pipeline(transaction=False)
        pipe.hset(doc, mapping=fields)
        pipe.pexpire(doc, int(self._doc_ttl() * 1000))
        pipe.execute()
        pipe = self._client.pipeline(transaction=False)
        self._add_bands(pipe, probe)
        for key in self._family_keys(probe) + self._feature_keys(probe):
            size = self._index.family_size if ":family:" in key else self._index.feature_size
            pipe.lpush(key, probe.article_id)
            pipe.ltrim(key, 0, size - 1)
            pipe.pexpire(key, int(self._doc_ttl() * 1000))
        pipe.execute()

    def _add_bands(self, pipe: redis.client.Pipeline, probe: _Probe) -> None:
        slice_number = int(probe.seen_at // self._index.window)
        expire_at = int(((slice_number + 2) * self._index.window + self._index.clock_margin) * 1000)
        member = bytes.fromhex(probe.article_id)
        for band, band_hash in enumerate(probe.bands):
            key, field_name = self._band_slot(slice_number, band, band_hash)
            args = [field_name, member, self._index.max_holders, expire_at]
            self._add_to_band(keys=[key], args=args, client=pipe)

    def _sequence(self, article_id: str) -> int:
        """The article's place in the global order, the same on every redelivery."""
        number = self._client.incr(self._keys.dedup_sequence)
        pipe = self._client.pipeline(transaction=False)
        pipe.hsetnx(self._keys.doc(article_id), "q", number)
        pipe.hget(self._keys.doc(article_id), "q")
        return int(pipe.execute()[1])

    # -- finding earlier articles ------------------------------------------------------------

    def _earlier(self, probe: _Probe, seq: int) -> list[_Earlier]:
        """The articles found that were indexed before this one, once they can be judged."""
        found = self._found(probe)
        deadline = time.monotonic() + self._index.seq_wait
        while True:
            loaded = self._load(found)
            waiting = [d.article_id for d in loaded if self._unfinished(d, seq, probe.seen_at)]
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(0.005)  # an article between its band writes and its decision
        if waiting:
            log.warning("dedup_candidates_unfinished", article_ids=waiting[:5])
        return [d for d in loaded if d.seq is not None and d.seq < seq]

    def _unfinished(self, doc: _Earlier, seq: int, now: float) -> bool:
        """An article between two steps, whose outcome this decision depends on."""
        if now - doc.seen_at > self._index.stale_after:
            return False  # its worker died; its redelivery will come later and find this one
        if doc.seq is None:
            return "band" in doc.found_by  # it may have come first: wait for its number
        return doc.seq < seq and doc.decision is None

    def _found(self, probe: _Probe) -> dict[str, set[str]]:
        """Ids sharing a band, a family or story features with the article, and how."""
        pipe = self._client.pipeline(transaction=False)
        for slice_number in self._slices_to_read(probe.seen_at):
            for band, band_hash in enumerate(probe.bands):
                pipe.hget(*self._band_slot(slice_number, band, band_hash))
        for key in self._family_keys(probe) + self._feature_keys(probe):
            pipe.lrange(key, 0, -1)
        replies = pipe.execute()
        families, features = len(probe.families), len(probe.features)
        feature_replies = replies[len(replies) - features :] if features else []
        found: dict[str, set[str]] = {}
        for reply in replies[: len(replies) - families - features]:
            _note(found, _ids(reply), "band")
        for reply in replies[len(replies) - families - features : len(replies) - features]:
            _note(found, _ids(reply), "family")
        _note(found, self._story_candidates(probe, feature_replies), "story")
        found.pop(probe.article_id, None)
        return found

    def _story_candidates(self, probe: _Probe, replies: list[list[bytes]]) -> list[str]:
        """The ids sharing the most feature weight with the article: the few worth loading."""
        shared: dict[str, float] = {}
        for weight, reply in zip(probe.features.values(), replies, strict=True):
            for article_id in set(_ids(reply)):
                shared[article_id] = shared.get(article_id, 0.0) + weight
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        return [article_id for article_id, _ in ranked[: self._story.candidates]]

    def _load(self, found: dict[str, set[str]]) -> list[_Earlier]:
        """The stored docs of the ids found (those expired with their window left out)."""
        pipe = self._client.pipeline(transaction=False)
        for article_id in found:
            pipe.hmget(self._keys.doc(article_id), _DOC_FIELDS)
        replies = zip(found.items(), pipe.execute(), strict=True)
        docs = (_parsed(article_id, how, values) for (article_id, how), values in replies)
        return [doc for doc in docs if doc is not None]

    # -- deciding ---------------------------------------------------------------------------

    def _decide(self, probe: _Probe, earlier: list[_Earlier]) -> dict[str, object]:
        compared = self._compare(probe, earlier)
        by_id = {doc.article_id: doc for doc in earlier}
        result = self._duplicate_of(compared, by_id) or self._revision_of(compared, by_id)
        decision: dict[str, object] = dict(result or {"status": UNIQUE})
        story_of = decision.get("of") or decision.get("revision_of")
        if story_of:
            decision["story"] = _story_of(by_id[str(story_of)])
        else:
            decision.update(self._story_for(probe, earlier))
        decision["compared"] = [row for row in compared if row[2] != "story"][:8] or None
        return decision

    def _compare(self, probe: _Probe, earlier: list[_Earlier]) -> list[list[object]]:
        """[id, similarity, relation] for every earlier article found, most similar first."""
        rows = []
        for doc in earlier:
            similarity = dedup.estimate_compact_similarity(probe.compact, doc.compact)
            relation = self._relation(probe, doc, similarity)
            rows.append([doc.article_id, round(similarity, 4), relation])
        return sorted(rows, key=lambda row: (-float(row[1]), str(row[0])))

    def _relation(self, probe: _Probe, doc: _Earlier, similarity: float) -> str:
        if doc.fingerprint == probe.fingerprint:
            return DUPLICATE
        if similarity >= self._config.threshold:
            return NEAR_DUPLICATE
        if "family" in doc.found_by and similarity >= self._config.revision_threshold:
            return "revision"
        return "story" if doc.found_by == {"story"} else "different"

    def _duplicate_of(
        self, compared: list[list[object]], by_id: dict[str, _Earlier]
    ) -> dict[str, object] | None:
        """The first-seen (lowest-numbered) exact copy, else the first-seen near copy."""
        for relation in (DUPLICATE, NEAR_DUPLICATE):
            matches = [row for row in compared if row[2] == relation]
            if matches:
                first = min(matches, key=lambda row: by_id[str(row[0])].seq)
                similarity = 1.0 if relation == DUPLICATE else first[1]
                return {"status": relation, "of": first[0], "similarity": similarity}
        return None

    def _revision_of(
        self, compared: list[list[object]], by_id: dict[str, _Earlier]
    ) -> dict[str, object] | None:
        """The most similar earlier version from the same source family."""
        for row in compared:
            if row[2] == "revision":
                return {"status": UNIQUE, "revision_of": row[0], "similarity": None}
        return None

    def _story_for(self, probe: _Probe, earlier: list[_Earlier]) -> dict[str, object]:
        """Join the most similar recent story, or start one (the article's own id)."""
        horizon = probe.seen_at - self._story.window_hours * 3600
        own = stories.unpack_features(stories.pack_features(probe.features))
        scored = [
            (stories.story_similarity(own, doc.features), doc)
            for doc in earlier
            if "story" in doc.found_by and doc.seen_at >= horizon
        ]
        scored.sort(key=lambda item: (-item[0], item[1].seq))
        shown = [[doc.article_id, round(score, 4)] for score, doc in scored[:3]]
        for _, doc in scored:
            similarity = stories.same_story(own, doc.features, self._story)
            if similarity is not None:
                return {
                    "story": _story_of(doc),
                    "story_similarity": round(similarity, 4),
                    "story_candidates": shown,
                }
        return {"story": probe.article_id, "story_candidates": shown or None}

    def _keep(self, article_id: str, decision: dict[str, object]) -> Decision:
        """Store the decision once: a concurrent redelivery reads back the same one."""
        doc = self._keys.doc(article_id)
        kept = {k: v for k, v in decision.items() if v is not None}
        encoded = json.dumps(kept, separators=(",", ":")).encode()
        while len(encoded) > DECISION_PIECES * PIECE and kept.get("compared"):
            kept["compared"] = kept["compared"][:-1]  # type: ignore[index]
            encoded = json.dumps(kept, separators=(",", ":")).encode()
        pieces = _pieces("d", encoded, DECISION_PIECES)
        self._keep_decision(keys=[doc], args=[x for pair in pieces.items() for x in pair])
        return _as_decision(self.decision_of(article_id) or kept)

    # -- keys ---------------------------------------------------------------------------------

    def _band_slot(self, slice_number: int, band: int, band_hash: str) -> tuple[str, bytes]:
        """The bucket hash and the field of one band value: 4 bytes pick each."""
        bucket = int(band_hash[:8], 16) % self._index.band_buckets
        return self._keys.dedup_band(slice_number, band, bucket), bytes.fromhex(band_hash[8:16])

    def _slices_to_read(self, now: float) -> list[int]:
        """The previous and current slices, and the next when a worker's clock may be ahead."""
        window = self._index.window
        first = int((now - window) // window)
        return list(range(first, int((now + self._index.clock_margin) // window) + 1))

    def _family_keys(self, probe: _Probe) -> list[str]:
        return [self._keys.dedup_family(name) for name in probe.families]

    def _feature_keys(self, probe: _Probe) -> list[str]:
        return [self._keys.story_feature(name) for name in probe.features]

    def _doc_ttl(self) -> float:
        return 2 * self._index.window + self._index.clock_margin


def _ids(reply: bytes | Iterable[bytes] | None) -> list[str]:
    """Article ids from a band value (8 bytes each) or a list's members (hex)."""
    if reply is None:
        return []
    if isinstance(reply, bytes):
        return [reply[i : i + ID_BYTES].hex() for i in range(0, len(reply), ID_BYTES)]
    return [member.decode() for member in reply]


_DOC_FIELDS = ["q", "f", "t", *(f"s{n}" for n in range(SIGNATURE_PIECES))]
_DOC_FIELDS += [f"e{n}" for n in range(FEATURE_PIECES)] + [f"d{n}" for n in range(DECISION_PIECES)]


def _parsed(article_id: str, how: set[str], values: list[bytes | None]) -> _Earlier | None:
    """One doc as ``_DOC_FIELDS`` read it; None when it expired."""
    seq, fingerprint, seen_at = values[:3]
    rest = values[3:]
    compact = _joined(rest[:SIGNATURE_PIECES])
    if compact is None:
        return None
    features = _joined(rest[SIGNATURE_PIECES : SIGNATURE_PIECES + FEATURE_PIECES])
    decision = _joined(rest[SIGNATURE_PIECES + FEATURE_PIECES :])
    return _Earlier(
        article_id,
        None if seq is None else int(seq),
        compact,
        fingerprint or b"",
        stories.unpack_features(features or b""),
        int(seen_at or 0) / 1000,
        json.loads(decision) if decision else None,
        how,
    )


def _names(name: str, count: int) -> list[str]:
    return [f"{name}{n}" for n in range(count)]


def _pieces(name: str, data: bytes, most: int) -> dict[str, bytes]:
    """``data`` as fields name0, name1... of at most PIECE bytes (cut beyond ``most``)."""
    return {
        f"{name}{n}": data[start : start + PIECE]
        for n, start in enumerate(range(0, min(len(data), most * PIECE), PIECE))
    }


def _joined(values: Sequence[bytes | None]) -> bytes | None:
    """The value that ``_pieces`` stored, None when it has no first piece."""
    if not values or values[0] is None:
        return None
    return b"".join(v for v in values if v is not None)


def _note(found: dict[str, set[str]], article_ids: Iterable[str], how: str) -> None:
    for article_id in article_ids:
        found.setdefault(article_id, set()).add(how)


def _story_of(doc: _Earlier) -> str:
    """An earlier article's story; its own id when its decision is not known (it crashed)."""
    story = (doc.decision or {}).get("story")
    return str(story) if story else doc.article_id


def _as_decision(stored: dict[str, object]) -> Decision:
    similarity = stored.get("similarity")
    result = Dedup(
        status=str(stored["status"]),
        of=stored.get("of"),  # type: ignore[arg-type]
        similarity=float(similarity) if similarity is not None else None,  # type: ignore[arg-type]
        revision_of=stored.get("revision_of"),  # type: ignore[arg-type]
    )
    return Decision(dedup=result, story=str(stored["story"]))


def index_from_settings(client: redis.Redis, keys: Keys, settings: Settings) -> DedupIndex:
    """The index as NEWSFLOW_* settings configure it."""
    config = dedup.DedupConfig(
        threshold=settings.near_duplicate_threshold,
        revision_threshold=settings.revision_threshold,
    )
    index = IndexConfig(
        window=settings.dedup_window_hours * 3600, band_buckets=settings.dedup_band_buckets
    )
    story = stories.StoryConfig(window_hours=settings.story_window_hours)
    return DedupIndex(client, keys, config, index, story)


def classify_article(index: DedupIndex, article: Article) -> Decision:
    """Classify a stored article with its source families and story features."""
    return index.classify(
        article.id,
        article.text,
        families=stories.family_keys(article.source, article.url, article.title),
        features=stories.story_features(article.entities, article.text, index.story_config),
    )
