"""The shared registry of known entities in Redis: keys, their spellings, counts, first seen.

Keys are computed by the pure code (pipelines/entities/keys.py), the same in every worker.
The registry adds what one article cannot know: aliases learnt from articles that name an
entity both ways ("UN" beside "United Nations"), so that a later article with only "UN"
gets the key ``org:united-nations``. An alias is set once (HSETNX): the first writer wins
and every worker then resolves it the same way. An article written before an alias was
learnt keeps the key it was given.

Per entity, ``<prefix>:entity:{<key>}`` (a hash: name, label, first_seen, first_article,
articles, mentions) and ``<prefix>:entity:{<key>}:variants`` (spelling -> mentions) share
the hash tag ``{<key>}``, so a Redis Cluster keeps them in one slot. Every command touches
one key; nothing needs a multi-key transaction.

Counting is at most once per article: a marker (SET NX, expiring with the work TTL) is
taken before counting, so a redelivered message counts nothing; a worker killed between
the marker and the counts undercounts that article (counts are statistics, never ids).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import redis

from pipelines.article import Entity
from pipelines.entities.keys import normalise_key, variant_keys
from workers.keys import Keys

#: Alias hops followed when resolving (an alias of an alias); guards against a cycle.
MAX_ALIAS_HOPS = 3


class EntityRegistry:
    def __init__(self, client: redis.Redis, keys: Keys, marker_ttl: int) -> None:
        self._client = client
        self._keys = keys
        self._marker_ttl = marker_ttl

    def resolve(self, entities: list[Entity]) -> list[Entity]:
        """The entities with each key replaced by the one its alias points to, if any."""
        for _ in range(MAX_ALIAS_HOPS):
            targets = self._aliases([entity.key for entity in entities])
            if not any(targets):
                break
            for entity, target in zip(entities, targets, strict=True):
                if target and target != entity.key:
                    entity.key = target
        return entities

    def record(self, article_id: str, entities: Iterable[Entity], seen_at: str) -> bool:
        """Count one article's entities; False if this article was counted already."""
        entities = list(entities)
        marker = self._keys.entities_counted(article_id)
        if not self._client.set(marker, b"1", nx=True, ex=self._marker_ttl):
            return False
        pipe = self._client.pipeline(transaction=False)
        for entity in entities:
            self._count(pipe, article_id, entity, seen_at)
        pipe.execute()
        return True

    def _count(self, pipe: Any, article_id: str, entity: Entity, seen_at: str) -> None:
        hash_key = self._keys.entity(entity.key)
        for field_name, value in (
            ("name", entity.name),
            ("label", entity.label),
            ("first_seen", seen_at),
            ("first_article", article_id),
        ):
            pipe.hsetnx(hash_key, field_name, value)
        pipe.hincrby(hash_key, "articles", 1)
        pipe.hincrby(hash_key, "mentions", entity.count)
        for mention in entity.mentions:
            pipe.hincrby(self._keys.entity_variants(entity.key), mention, 1)
        pipe.zincrby(self._keys.entities_top, 1, entity.key)
        for variant in variant_keys(entity):
            pipe.hsetnx(self._keys.entity_aliases, variant, entity.key)

    def _aliases(self, entity_keys: list[str]) -> list[str | None]:
        if not entity_keys:
            return []
        found = self._client.hmget(self._keys.entity_aliases, entity_keys)
        return [value.decode() if value else None for value in found]

    def top(self, count: int) -> list[dict[str, Any]]:
        """The ``count`` entities named in most articles, most first."""
        ranked = self._client.zrevrange(self._keys.entities_top, 0, count - 1)
        return [self.show(key.decode(), variants=False) or {} for key in ranked]

    def show(self, key: str, variants: bool = True) -> dict[str, Any] | None:
        """One entity by key or by an alias of its key; None if it was never seen."""
        wanted = Entity(name="", key=normalise_key(key), label="", count=0, mentions=[])
        [resolved] = self.resolve([wanted])
        fields = self._client.hgetall(self._keys.entity(resolved.key))
        if not fields:
            return None
        found = {k.decode(): v.decode() for k, v in fields.items()}
        entity: dict[str, Any] = {
            "key": resolved.key,
            "name": found.get("name"),
            "label": found.get("label"),
            "articles": int(found.get("articles", 0)),
            "mentions": int(found.get("mentions", 0)),
            "first_seen": found.get("first_seen"),
            "first_article": found.get("first_article"),
        }
        if variants:
            spellings = self._client.hgetall(self._keys.entity_variants(resolved.key))
            entity["variants"] = dict(
                sorted(((k.decode(), int(v)) for k, v in spellings.items()), key=lambda kv: -kv[1])
            )
        return entity
