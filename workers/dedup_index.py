"""The shared dedup index in Redis: exact fingerprints and MinHash LSH bands.

Every worker process reads and writes the same index. The claim is one Lua
script, so of two copies processed at the same moment exactly one is first:
the script that runs second already sees the first one's fingerprint and bands.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from pipelines import dedup
from pipelines.article import DUPLICATE, NEAR_DUPLICATE, UNIQUE, Dedup
from workers.keys import Keys

#: A band shared by more articles than this yields a random sample of them as
#: candidates, so that one very common text cannot make a lookup slow.
MAX_CANDIDATES_PER_BAND = 100

# KEYS: exact key, doc key, band keys... ARGV: id, signature bytes, max per band.
# Returns the exact fingerprint's first owner, then the other ids sharing a band.
_CLAIM = """
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1])
  owner = ARGV[1]
end
if owner ~= ARGV[1] then return {owner} end
redis.call('HSET', KEYS[2], 'sig', ARGV[2])
local seen, out = {}, {owner}
local cap = tonumber(ARGV[3])
for i = 3, #KEYS do
  local members
  if redis.call('SCARD', KEYS[i]) > cap then
    members = redis.call('SRANDMEMBER', KEYS[i], cap)
  else
    members = redis.call('SMEMBERS', KEYS[i])
  end
  for _, m in ipairs(members) do
    if m ~= ARGV[1] and not seen[m] then
      seen[m] = true
      out[#out + 1] = m
    end
  end
  redis.call('SADD', KEYS[i], ARGV[1])
end
return out
"""


@dataclass(frozen=True, slots=True)
class Decision:
    dedup: Dedup
    story: str


class DedupIndex:
    def __init__(self, client: redis.Redis, keys: Keys, config: dedup.DedupConfig) -> None:
        self._client = client
        self._keys = keys
        self._config = config
        self._claim = client.register_script(_CLAIM)

    def classify(self, article_id: str, text: str) -> Decision:
        """Register the article in the index and say what it duplicates, if anything.

        Idempotent: a redelivered article finds itself, never a copy of itself.
        """
        signature = dedup.signature(text, self._config)
        bands = dedup.band_hashes(signature, self._config)
        keys = [self._keys.exact(dedup.exact_fingerprint(text)), self._doc(article_id)]
        keys += [self._keys.band(b) for b in bands]
        args = [article_id, dedup.signature_to_bytes(signature), MAX_CANDIDATES_PER_BAND]
        owner, *candidates = [v.decode() for v in self._claim(keys=keys, args=args)]
        if owner != article_id:
            result = Dedup(status=DUPLICATE, of=owner, similarity=1.0)
        else:
            result = self._nearest(signature, candidates)
        return self._record(article_id, result)

    def _nearest(self, signature: object, candidates: list[str]) -> Dedup:
        """The most similar earlier article at or above the threshold, preferring originals."""
        best: tuple[bool, float, str] | None = None
        for candidate, (stored, of) in zip(candidates, self._load(candidates), strict=True):
            if stored is None:
                continue
            similarity = dedup.estimate_similarity(signature, dedup.signature_from_bytes(stored))
            if similarity < self._config.threshold:
                continue
            rank = (not of, similarity, candidate)
            if best is None or rank[:2] > best[:2]:
                best = rank
        if best is None:
            return Dedup(status=UNIQUE)
        return Dedup(status=NEAR_DUPLICATE, of=best[2], similarity=round(best[1], 4))

    def _load(self, article_ids: list[str]) -> list[list[bytes | None]]:
        pipeline = self._client.pipeline(transaction=False)
        for article_id in article_ids:
            pipeline.hmget(self._doc(article_id), "sig", "of")
        return pipeline.execute()

    def _record(self, article_id: str, result: Dedup) -> Decision:
        """Keep what was decided, so later articles and `newsflow why` can follow it."""
        story = article_id
        if result.of:
            stored = self._client.hget(self._doc(result.of), "story")
            story = stored.decode() if stored else result.of
        self._client.hset(self._doc(article_id), mapping={"of": result.of or "", "story": story})
        return Decision(dedup=result, story=story)

    def _doc(self, article_id: str) -> str:
        return self._keys.doc(article_id)
