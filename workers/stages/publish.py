"""The last stage: the article, with its processing time, onto the `articles` stream, once."""

from __future__ import annotations

import dramatiq
import structlog

from pipelines.article import utc_timestamp
from workers.services import process_services
from workers.stages.base import RETRIES, load_or_bury

log = structlog.get_logger("newsflow.stages")


@dramatiq.actor(queue_name="publish", time_limit=60_000, **RETRIES)
def publish(article_id: str) -> None:
    article = load_or_bury(article_id, "publish")
    if article is None:
        return
    article.processed_at = utc_timestamp()
    if not process_services().outcomes.publish(article):
        log.info("already_published")
