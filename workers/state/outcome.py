"""Where each input ends: exactly one entry in `articles` or in `dead`, never two.

A marker key per article id, written in the same script as the stream entry,
makes a redelivered or replayed message a no-op instead of a second entry. Only an
entry written is counted (`newsflow_articles_published`, `newsflow_dead`), so the
counts match the streams.
"""

from __future__ import annotations

from typing import Any

import orjson
import redis
import structlog

from pipelines.article import Article, Source
from workers.keys import Keys
from workers.runtime import metrics

log = structlog.get_logger("newsflow.outcome")

# KEYS: done marker, stream, work key, input bytes. ARGV: maxlen, then field/value pairs.
# The input's bytes go with the marker's write, in one script: they cannot outlive the input.
_APPEND_ONCE = """
local existing = redis.call('GET', KEYS[1])
if existing then
  redis.call('DEL', KEYS[3], KEYS[4])  -- a replayed chain may have stored the article again
  return {0, existing}
end
local command = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*'}
for i = 2, #ARGV do command[#command + 1] = ARGV[i] end
local entry = redis.call(unpack(command))
redis.call('SET', KEYS[1], KEYS[2] .. ' ' .. entry)
redis.call('DEL', KEYS[3], KEYS[4])
return {1, entry}
"""


class Outcomes:
    def __init__(self, client: redis.Redis, keys: Keys, maxlen: int) -> None:
        self._client = client
        self._keys = keys
        self._maxlen = maxlen
        self._append_once = client.register_script(_APPEND_ONCE)

    def publish(self, article: Article) -> bool:
        """Append the article to `articles`; False if this id already has an outcome."""
        fields: dict[str, Any] = {
            "id": article.id,
            "status": article.dedup.status,
            "data": orjson.dumps(article.to_record()),
        }
        written = self._append(article.id, self._keys.articles, fields)
        if written:
            metrics.published(article.dedup.status)
        return written

    def bury(self, article_id: str, stage: str, error: str, source: Source, attempts: int) -> bool:
        """Append the input to `dead` with a one-line reason; False if it already has an outcome."""
        reason = " ".join(error.split())
        fields = {
            "id": article_id,
            "stage": stage,
            "error": reason,
            "source": orjson.dumps(source),
            "attempts": attempts,
        }
        written = self._append(article_id, self._keys.dead, fields)
        if written:
            log.warning("dead", article_id=article_id, stage=stage, error=reason)
            metrics.buried(stage, reason, source.type)
        return written

    def _append(self, article_id: str, stream: str, fields: dict[str, Any]) -> bool:
        args: list[Any] = [self._maxlen]
        for name, value in fields.items():
            args += [name, value]
        keys = [
            self._keys.done(article_id),
            stream,
            self._keys.work(article_id),
            self._keys.input_bytes(article_id),
        ]
        written, _entry = self._append_once(keys=keys, args=args)
        return bool(written)

    def outcomes(self, article_ids: list[str]) -> list[str | None]:
        """For each id: "articles", "dead" (the stream's short name), or None if still in flight."""
        if not article_ids:
            return []
        markers = self._client.mget([self._keys.done(i) for i in article_ids])
        return [_stream_name(m, self._keys.prefix) if m else None for m in markers]


def _stream_name(marker: bytes, prefix: str) -> str:
    stream = marker.decode().split(" ", 1)[0]
    return stream.removeprefix(prefix + ":")
