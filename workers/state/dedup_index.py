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

Near the threshold. The decision reads the compact signatures of every article found;
for those whose estimate falls near the threshold it reads their shingle sketches as well
(a second round trip, only then) and the exact similarity decides. A doc written before
sketches existed has none: the estimate decides, as it did.

Revisions. Each doc names its source families (8-byte digests), so an earlier article
found by a band or a story feature is a revision candidate too, however many articles of
the family came in between (a family's list keeps only its ``family_size`` latest).

Memory. A doc hash per article (compact 1-byte-per-value signature, family digests, the
shingle sketch at about 1.8 bytes a shingle, numbers, the decision) and one 8-byte id per
LSH band, stored as hash fields in bucket hashes (``band_buckets`` per band and time
slice) small enough to stay listpack-encoded. At 3,000 articles the dedup docs take
2.3 KB an article, 0.9 KB before sketches (benchmarks/bench_redis_memory.py).
Time slices bound the index: an article is compared with those indexed in the
current and the previous slice (``window`` to twice ``window`` back); older slices
expire on their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import redis
import structlog

from pipelines.article import UNIQUE
from pipelines.dedup import encoding, policy, stories
from pipelines.dedup import minhash as dedup
from pipelines.dedup.encoding import DECISION_PIECES
from pipelines.dedup.policy import Decision, Earlier, Probe
from workers.keys import Keys

log = structlog.get_logger("newsflow.dedup")

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


# KEYS: one doc hash. ARGV: the most pieces a sketch has.
# The doc's sketch pieces h0, h1... joined: one short command instead of an HMGET
# naming all the pieces a sketch may have (redis-py encodes every name it sends).
_READ_SKETCH = """
local pieces = {}
for n = 0, tonumber(ARGV[1]) - 1 do
  local piece = redis.call('HGET', KEYS[1], 'h' .. n)
  if not piece then break end
  pieces[#pieces + 1] = piece
end
return table.concat(pieces)
"""

# KEYS: the replaced article's doc hash. ARGV: the id of its successor.
# Marks a doc replaced, unless it expired with its window (a hash without a TTL would stay).
_SUPERSEDE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'r', ARGV[1])
end
return 1
"""

#: The doc hash field naming the article that replaced this one (`newsflow reprocess`).
REPLACED_BY = "r"


@dataclass(frozen=True, slots=True)
class IndexConfig:
    window: float = 7 * 86400.0  #: seconds of one time slice (compared: 1 to 2 slices back)
    band_buckets: int = 16384  #: bucket hashes per band and slice (about articles/64)
    max_holders: int = 7  #: ids kept per band value: 56 bytes stays in a listpack
    family_size: int = 16  #: recent ids kept per source family
    feature_size: int = 32  #: recent ids kept per story feature
    #: Seconds to wait for an article caught between two steps: a live worker takes a few
    #: ms there; a killed one is redelivered later and finds this article itself.
    seq_wait: float = 1.0
    stale_after: float = 60.0  #: an article between two steps this long has lost its worker
    clock_margin: float = 60.0  #: clock skew between workers that slice reads tolerate


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
        self._supersede = client.register_script(_SUPERSEDE)
        self._read_sketch = client.register_script(_READ_SKETCH)

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
        replaces: str | None = None,
    ) -> Decision:
        """Register the article in the index and say what it duplicates, revises, joins.

        Idempotent: a redelivered article gets the decision kept for it the first time.
        An article that ``replaces`` another (a version reprocessed) is its successor: the
        replaced one, and every version before it, leaves the index for every article
        from then on (so the new version is never a copy of itself), and a new version
        that is unique keeps the story of the one it replaces.
        """
        kept = self.decision_of(article_id)
        if kept is not None:
            return policy.as_decision(kept)
        probe = self._probe(article_id, text, families, features or {})
        self._enter(probe)
        if replaces is not None:
            # After entering: an article deciding meanwhile finds one version or the other.
            self._supersede(keys=[self._keys.doc(replaces)], args=[article_id])
        seq = self._sequence(article_id)
        earlier = self._earlier(probe, seq)
        self._load_sketches(policy.to_verify(probe, earlier, self._config))
        decision = policy.decide(probe, earlier, self._config, self._story)
        if replaces is not None:
            decision = self._succeed(decision, replaces)
        return self._keep(article_id, decision)

    def _succeed(self, decision: dict[str, object], replaces: str) -> dict[str, object]:
        """The decision of a new version: ``replaces`` noted (`newsflow why` shows it) and,
        when nothing earlier claims it, the replaced version's story kept."""
        decision = {**decision, "replaces": replaces}
        own_story = decision.get("status") == UNIQUE and not decision.get("revision_of")
        previous = self.decision_of(replaces)
        if own_story and previous is not None and previous.get("story"):
            decision["story"] = previous["story"]
            decision.pop("story_similarity", None)
        return decision

    def decision_of(self, article_id: str) -> dict[str, object] | None:
        """What was decided for an article, with what it was compared to (`newsflow why`)."""
        fields = encoding.names("d", DECISION_PIECES)
        return encoding.decision_from(self._client.hmget(self._keys.doc(article_id), fields))

    # -- entering the index -------------------------------------------------------------

    def _probe(
        self, article_id: str, text: str, families: Sequence[str], features: dict[str, float]
    ) -> Probe:
        prints = dedup.fingerprint_text(text, self._config)
        distinct = list(dict.fromkeys(families))
        return Probe(
            article_id=article_id,
            compact=dedup.compact_signature(prints.signature),
            fingerprint=bytes.fromhex(prints.exact)[:8],
            bands=dedup.band_hashes(prints.signature, self._config),
            families=distinct,
            features=features,
            seen_at=self._clock(),
            sketch=prints.sketch,
            family_digests=frozenset(map(policy.family_digest, distinct)),
        )

    def _enter(self, probe: Probe) -> None:
        """Publish the article: its doc first, so whoever finds its id can read it."""
        doc = self._keys.doc(probe.article_id)
        ttl = int(self._doc_ttl() * 1000)
        pipe = self._client.pipeline(transaction=False)
        pipe.hset(doc, mapping=encoding.doc_fields(probe))
        pipe.pexpire(doc, ttl)
        pipe.execute()
        pipe = self._client.pipeline(transaction=False)
        self._add_bands(pipe, probe)
        lists = [(key, self._index.family_size) for key in self._family_keys(probe)]
        lists += [(key, self._index.feature_size) for key in self._feature_keys(probe)]
        for key, size in lists:
            pipe.lpush(key, probe.article_id)
            pipe.ltrim(key, 0, size - 1)
            pipe.pexpire(key, ttl)
        pipe.execute()

    def _add_bands(self, pipe: redis.client.Pipeline, probe: Probe) -> None:
        slice_number = int(probe.seen_at // self._index.window)
        expire_at = int(((slice_number + 2) * self._index.window + self._index.clock_margin) * 1000)
        member = encoding.member(probe.article_id)
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

    def _earlier(self, probe: Probe, seq: int) -> list[Earlier]:
        """The articles found that were indexed before this one, once they can be judged."""
        found = self._found(probe)
        deadline = time.monotonic() + self._index.seq_wait
        stale_after = self._index.stale_after
        while True:
            loaded = self._load(found)
            waiting = [
                d.article_id
                for d in loaded
                if policy.unfinished(d, seq, probe.seen_at, stale_after)
            ]
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(0.005)  # an article between its band writes and its decision
        if waiting:
            log.warning("dedup_candidates_unfinished", article_ids=waiting[:5])
        return [d for d in loaded if d.seq is not None and d.seq < seq]

    def _found(self, probe: Probe) -> dict[str, set[str]]:
        """Ids sharing a band, a family or story features with the article, and how."""
        pipe = self._client.pipeline(transaction=False)
        kinds: list[str] = []
        for slice_number in self._slices_to_read(probe.seen_at):
            for band, band_hash in enumerate(probe.bands):
                pipe.hget(*self._band_slot(slice_number, band, band_hash))
                kinds.append(policy.BAND)
        for kind, keys in (
            (policy.FAMILY, self._family_keys(probe)),
            (policy.STORY, self._feature_keys(probe)),
        ):
            for key in keys:
                pipe.lrange(key, 0, -1)
                kinds.append(kind)
        read: dict[str, list[list[str]]] = {policy.BAND: [], policy.FAMILY: [], policy.STORY: []}
        for kind, reply in zip(kinds, pipe.execute(), strict=True):
            read[kind].append(encoding.ids(reply))
        listed = stories.listed_features(probe.features)
        shared = policy.story_candidates(listed, read[policy.STORY], self._story.candidates)
        return policy.found_ids(probe.article_id, read[policy.BAND], read[policy.FAMILY], shared)

    def _load(self, found: dict[str, set[str]]) -> list[Earlier]:
        """The stored docs of the ids found (those expired with their window left out)."""
        pipe = self._client.pipeline(transaction=False)
        for article_id in found:
            pipe.hmget(self._keys.doc(article_id), [*encoding.DOC_FIELDS, REPLACED_BY])
        replies = zip(found.items(), pipe.execute(), strict=True)
        docs = (
            encoding.parsed(article_id, how, values[:-1])
            for (article_id, how), values in replies
            if values[-1] is None  # a replaced version is not compared: its successor is
        )
        return [doc for doc in docs if doc is not None]

    def _load_sketches(self, docs: list[Earlier]) -> None:
        """Read the shingle sketches of the articles near the threshold into their docs."""
        if not docs:
            return
        pipe = self._client.pipeline(transaction=False)
        for doc in docs:
            keys = [self._keys.doc(doc.article_id)]
            self._read_sketch(keys=keys, args=[encoding.SKETCH_PIECES], client=pipe)
        for doc, packed in zip(docs, pipe.execute(), strict=True):
            doc.sketch = encoding.sketch_from(packed)

    # -- keeping the decision -----------------------------------------------------------------

    def _keep(self, article_id: str, decision: dict[str, object]) -> Decision:
        """Store the decision once: a concurrent redelivery reads back the same one."""
        kept, pieces = encoding.decision_pieces(decision)
        args = [x for pair in pieces.items() for x in pair]
        self._keep_decision(keys=[self._keys.doc(article_id)], args=args)
        return policy.as_decision(self.decision_of(article_id) or kept)

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

    def _family_keys(self, probe: Probe) -> list[str]:
        return [self._keys.dedup_family(name) for name in probe.families]

    def _feature_keys(self, probe: Probe) -> list[str]:
        """The lists of the article's weighted features: one weighing 0.0 (its outlet) is
        compared only on the articles found, never listed nor read."""
        listed = stories.listed_features(probe.features)
        return [self._keys.story_feature(name) for name in listed]

    def _doc_ttl(self) -> float:
        return 2 * self._index.window + self._index.clock_margin
