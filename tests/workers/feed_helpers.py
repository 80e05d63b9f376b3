"""Invented feeds for the poller's tests and the `newsflow run --feeds` test."""

from __future__ import annotations


def rss(title: str, items: list[tuple[str, str, str | None]]) -> bytes:
    """An RSS 2.0 document of (title, link, guid) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        f"<guid isPermaLink='false'>{guid or link}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 07:30:00 +0000</pubDate></item>"
        for t, link, guid in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.org/</link>{body}</channel></rss>"
    ).encode()
