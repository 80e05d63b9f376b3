"""`newsflow why ID`: what dedup decided for an article, and against which others.

Reads the decision the dedup index kept in Redis (workers/state/dedup_index.py), so it
answers for articles still in the dedup window.
"""

from __future__ import annotations

import json
from typing import IO, Any

from workers.state.dedup_index import DedupIndex

UNKNOWN = (
    "no dedup decision kept for {id}: not an article id, not through dedup yet, "
    "or older than the dedup window (NEWSFLOW_DEDUP_WINDOW_HOURS)"
)


def explain(index: DedupIndex, article_id: str, out: IO[str], as_json: bool = False) -> bool:
    """Print the kept decision; False when there is none."""
    decision = index.decision_of(article_id)
    if decision is None:
        return False
    if as_json:
        out.write(json.dumps({"id": article_id, **decision}) + "\n")
    else:
        out.writelines(line + "\n" for line in describe(article_id, decision))
    return True


def describe(article_id: str, decision: dict[str, Any]) -> list[str]:
    """The decision in a few lines a person can read."""
    status = decision["status"]
    verdict = status
    if decision.get("of"):
        verdict += f" of {decision['of']} (estimated similarity {decision['similarity']})"
    lines = [f"article      {article_id}", f"dedup        {verdict}"]
    lines.append(f"revision_of  {decision.get('revision_of') or '-'}")
    story, joined = decision["story"], decision.get("story_similarity")
    lines.append(f"story        {story}" + (f" (joined, similarity {joined})" if joined else ""))
    lines.append("compared with (Jaccard similarity of the texts, exact near the threshold):")
    lines += [f"  {i}  {s:.4f}  {r}" for i, s, r in decision.get("compared") or []] or ["  none"]
    lines.append("story candidates (weighted overlap of entities and terms):")
    lines += [f"  {i}  {s:.4f}" for i, s in decision.get("story_candidates") or []] or ["  none"]
    return lines
