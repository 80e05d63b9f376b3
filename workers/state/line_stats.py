"""Per-source counts of line fingerprints in Redis, shared by every worker.

The cleaner drops the lines a source repeats across its articles (pipelines/clean/repetition.py
says which, and what a source is). Here are the counts it needs. Per source, named by a
digest of its name so that any path or site name makes a short key:

- ``<prefix>:lines:<digest>:cur``, a hash: line fingerprint -> how many documents held it,
  and ``_docs`` -> how many documents it counted;
- ``<prefix>:lines:<digest>:prev``, the generation before.

When the current generation has counted ``window`` documents it becomes the previous one
and the older one is dropped: the counts cover a source's last ``window`` to 2 × ``window``
documents, so a source's memory is bounded and a changed page template is learned within a
window. Both hashes expire ``ttl`` seconds after the source's last document.

``<prefix>:lines:recorded:<article id>`` marks a recorded document (for ``marker_ttl``), so
that a retried extract neither counts its document twice nor sees its own lines as repeated.
Each document costs two round trips: one pipelined read, one script that records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import redis

from pipelines.clean.repetition import LineHistory, fingerprints
from workers.keys import Keys

#: The hash field holding a generation's document count (fingerprints are 16 hex digits).
DOCS_FIELD = "_docs"

# KEYS: current, previous, recorded marker. ARGV: window, ttl, marker ttl, fingerprints...
# Records a document once; returns 1 if it was recorded now, 0 if it had been already.
_RECORD = """
if not redis.call('SET', KEYS[3], 1, 'NX', 'EX', ARGV[3]) then return 0 end
for i = 4, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
if redis.call('HINCRBY', KEYS[1], '_docs', 1) >= tonumber(ARGV[1]) then
  redis.call('RENAME', KEYS[1], KEYS[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""


class LineStats:
    def __init__(
        self, client: redis.Redis, keys: Keys, window: int, ttl: int, marker_ttl: int
    ) -> None:
        self._client = client
        self._keys = keys
        self._window, self._ttl, self._marker_ttl = window, ttl, marker_ttl
        self._record = client.register_script(_RECORD)

    def history(self, source: str, article_id: str, lines: Sequence[str]) -> LineHistory:
        """How many earlier documents of ``source`` held each of these lines, and of how many."""
        prints = fingerprints(lines)
        with self._client.pipeline(transaction=False) as pipe:
            for generation in ("cur", "prev"):
                pipe.hmget(self._keys.line_counts(_digest(source), generation), *prints, DOCS_FIELD)
            pipe.exists(self._keys.lines_recorded(article_id))
            current, previous, recorded = pipe.execute()
        totals = [int(a or 0) + int(b or 0) for a, b in zip(current, previous, strict=True)]
        own = 1 if recorded else 0  # a retry: this document is in the counts already
        counts = {fp: max(0, total - own) for fp, total in zip(prints, totals[:-1], strict=True)}
        return LineHistory(documents=max(0, totals[-1] - own), counts=counts)

    def record(self, source: str, article_id: str, lines: Sequence[str]) -> bool:
        """Count this document's lines for its source; False if it was counted before."""
        digest = _digest(source)
        keys = [
            self._keys.line_counts(digest, "cur"),
            self._keys.line_counts(digest, "prev"),
            self._keys.lines_recorded(article_id),
        ]
        args = [self._window, self._ttl, self._marker_ttl, *fingerprints(lines)]
        return bool(self._record(keys=keys, args=args))


def _digest(source: str) -> str:
    return hashlib.blake2b(source.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
