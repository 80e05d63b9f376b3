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

    @property
    def seen(self) -> str:
        """Set of input ids already enqueued by the watcher or `ingest`."""
        return f"{self.prefix}:seen"

    def stream(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def done(self, article_id: str) -> str:
        """Marker of an input that reached `articles` or `dead`: makes both idempotent."""
        return f"{self.prefix}:done:{article_id}"

    def work(self, article_id: str) -> str:
        """The article between two stages, so that messages stay small."""
        return f"{self.prefix}:work:{article_id}"

    def exact(self, fingerprint: str) -> str:
        return f"{self.prefix}:dedup:exact:{fingerprint}"

    def band(self, band_hash: str) -> str:
        return f"{self.prefix}:dedup:band:{band_hash}"

    def doc(self, article_id: str) -> str:
        """Hash of one indexed article: its MinHash signature, what it duplicates, its story."""
        return f"{self.prefix}:dedup:doc:{article_id}"
