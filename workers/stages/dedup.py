"""The dedup stage: duplicate, near duplicate, revision and story, from the shared index."""

from __future__ import annotations

import dramatiq

from pipelines.article import Article
from pipelines.dedup import stories, word_rarity
from pipelines.dedup.policy import Decision
from workers.services import process_services
from workers.stages import chain
from workers.stages.base import RETRIES, advance
from workers.state.dedup_index import DedupIndex


@dramatiq.actor(queue_name="dedup", time_limit=60_000, **RETRIES)
def dedup(article_id: str) -> None:
    def step(article: Article) -> Article:
        decision = classify_article(process_services().dedup_index, article)
        article.dedup, article.story = decision.dedup, decision.story
        return article

    if advance(article_id, "dedup", step):
        chain.pass_on("dedup", article_id)


def warm_up() -> None:
    """Load the word frequencies story features are weighed by before the worker takes
    messages, not while an article waits."""
    word_rarity.rarity("")


def classify_article(index: DedupIndex, article: Article) -> Decision:
    """Classify a stored article with its source families and story features."""
    return index.classify(
        article.id,
        article.text,
        families=stories.family_keys(article.source, article.url, article.title),
        features=stories.story_features(
            article.entities,
            article.text,
            index.story_config,
            source=article.source,
            url=article.url,
        ),
        replaces=article.replaces,
    )
