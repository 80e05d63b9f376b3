"""Every Redis key and stream newsflow writes, in one place (as arq's constants.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "newsflow"

    @property
    def articles(self) -> str:
        return f"{self.prefix}:articles"

    @property
    def dead(self) -> str:
        return f"{self.prefix}:dead"

    @property
    def dramatiq_namespace(self) -> str:
        return f"{self.prefix}:dramatiq"

    # dramatiq's own keys under that namespace (dramatiq/brokers/redis.py): read by
    # `status` and `ingest --wait`, written only by dramatiq.

    @property
    def dramatiq_heartbeats(self) -> str:
        """Sorted set of broker ids by their last heartbeat (ms); enqueueing beats too."""
        return f"{self.dramatiq_namespace}:__heartbeats__"

    def dramatiq_queue(self, queue: str) -> str:
        """List of the ids of messages waiting in a queue."""
        return f"{self.dramatiq_namespace}:{queue}"

    def dramatiq_messages(self, queue: str) -> str:
        """Hash of every unacknowledged message of a queue (waiting or in flight), by id."""
        return f"{self.dramatiq_queue(queue)}.msgs"

    def dramatiq_delayed_messages(self, queue: str) -> str:
        """Hash of a queue's messages waiting out a retry backoff or a Retry-After."""
        return f"{self.dramatiq_queue(queue)}.DQ.msgs"

    def dramatiq_failed(self, queue: str) -> str:
        """Sorted set of a queue's dead-lettered message ids."""
        return f"{self.dramatiq_queue(queue)}.XQ"

    @property
    def workers(self) -> str:
        """Sorted set of live worker processes (host:pid), scored by when each one's
        liveness runs out (ms since the epoch): a worker renews it every few seconds."""
        return f"{self.prefix}:workers"

    def deliveries(self, message_id: str) -> str:
        """How often a message was taken by a worker that never finished it (killed)."""
        return f"{self.prefix}:deliveries:{message_id}"

    @property
    def seen(self) -> str:
        """Set of input ids already enqueued by the watcher or `ingest`."""
        return f"{self.prefix}:seen"

    def claim(self, article_id: str) -> str:
        """Held for a moment by whoever is queueing this input, against concurrent offers."""
        return f"{self.prefix}:claim:{article_id}"

    @property
    def successors(self) -> str:
        """Hash of a reprocessed input's id -> the id of the version that replaces it."""
        return f"{self.prefix}:successors"

    def raw(self, canonical_url: str) -> str:
        """Hash of a web page's fetched bytes and kind (NEWSFLOW_KEEP_RAW), for reprocessing."""
        return f"{self.prefix}:raw:{canonical_url}"

    def stream(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def done(self, article_id: str) -> str:
        """Marker of an input that reached `articles` or `dead`: makes both idempotent."""
        return f"{self.prefix}:done:{article_id}"

    def work(self, article_id: str) -> str:
        """The article between two stages, so that messages stay small."""
        return f"{self.prefix}:work:{article_id}"

    def input_bytes(self, article_id: str) -> str:
        """An inbox file's bytes, read at intake so that a worker on any host can extract
        it (NEWSFLOW_INPUT_TRANSPORT=redis); deleted with the input's outcome."""
        return f"{self.prefix}:input:{article_id}"

    def doc(self, article_id: str) -> str:
        """Hash of one indexed article: compact signature, sequence number, the decision."""
        return f"{self.prefix}:dedup:doc:{article_id}"

    @property
    def dedup_sequence(self) -> str:
        """Counter giving each article its place in the dedup index's global order."""
        return f"{self.prefix}:dedup:seq"

    def dedup_band(self, slice_number: int, band: int, bucket: int) -> str:
        """Hash of LSH band values (fields) to the ids holding them, one bucket of a slice."""
        return f"{self.prefix}:dedup:band:{slice_number}:{band}:{bucket}"

    def dedup_family(self, family: str) -> str:
        """List of the latest ids of one source family (URL, folder, headline): revisions."""
        return f"{self.prefix}:dedup:family:{family}"

    def story_feature(self, feature: str) -> str:
        """List of the latest ids having one story feature (an entity key, a term)."""
        return f"{self.prefix}:story:feature:{feature}"

    @property
    def feeds(self) -> str:
        """Sorted set of registered feeds (canonical URL), scored by their next poll time."""
        return f"{self.prefix}:feeds"

    def feed(self, canonical: str) -> str:
        """Hash of one feed: its URL, interval, validators, health and counters."""
        return f"{self.prefix}:feed:{canonical}"

    def feed_lease(self, canonical: str) -> str:
        """Held by the one poller polling this feed now (expires on its own)."""
        return f"{self.prefix}:feed-lease:{canonical}"

    def host_slots(self, host: str) -> str:
        """Requests in flight to a host, scored by when their slot expires."""
        return f"{self.prefix}:host:{host}:slots"

    def host_next(self, host: str) -> str:
        """When the next request to a host may start (ms since the epoch)."""
        return f"{self.prefix}:host:{host}:next"

    def robots(self, origin: str) -> str:
        return f"{self.prefix}:robots:{origin}"

    def line_counts(self, source_digest: str, generation: str) -> str:
        """Hash of a source's line fingerprints -> documents that held them ("cur" or "prev")."""
        return f"{self.prefix}:lines:{source_digest}:{generation}"

    def lines_recorded(self, article_id: str) -> str:
        """Marker of a document whose lines were counted: a retry does not count them again."""
        return f"{self.prefix}:lines:recorded:{article_id}"

    def entity(self, key: str) -> str:
        """Hash of one known entity (name, label, first seen, counts); hash tag {key}."""
        return f"{self.prefix}:entity:{{{key}}}"

    def entity_variants(self, key: str) -> str:
        """Hash of an entity's spellings -> mentions; same hash tag as :meth:`entity`."""
        return f"{self.prefix}:entity:{{{key}}}:variants"

    @property
    def entities_top(self) -> str:
        """Sorted set of entity keys scored by the articles naming them."""
        return f"{self.prefix}:entities:top"

    @property
    def entity_aliases(self) -> str:
        """Hash of a spelling's own key -> the entity key it was seen to stand for."""
        return f"{self.prefix}:entities:aliases"

    def entities_counted(self, article_id: str) -> str:
        """Marker of an article whose entities were counted in the registry."""
        return f"{self.prefix}:entities:counted:{article_id}"
