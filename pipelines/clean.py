"""Placeholder: replaced by the plain-text cleaner."""

from __future__ import annotations

from pipelines.article import Extracted


def clean_text(text: str) -> Extracted:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return Extracted(text="\n".join(lines))
