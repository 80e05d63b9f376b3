"""`newsflow feeds`: add, list, remove, import and export, run in this process on the
session's Redis."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from workers.keys import Keys
from workers.state.feeds import FeedRegistry

KEYS = Keys("nftest")


def _cli(*args: str):  # type: ignore[no-untyped-def]
    """Run `newsflow ARGS` in this process. The CLI configures structlog to write to the
    runner's stderr, closed afterwards: the configuration before it is put back."""
    import structlog

    from workers.cli.app import app

    before = structlog.get_config()
    try:
        return CliRunner().invoke(app, list(args), catch_exceptions=False)
    finally:
        structlog.configure(**before)


def test_cli_add_list_remove(redis_client) -> None:
    added = _cli(
        "feeds", "add", "https://a.example/rss", "https://b.example/atom", "--interval", "600"
    )
    assert added.exit_code == 0 and "added=2 already_registered=0 refused=0" in added.stdout
    assert "added=0 already_registered=1" in _cli("feeds", "add", "https://A.example/rss").stdout
    listed = [orjson.loads(line) for line in _cli("feeds", "list", "--json").stdout.splitlines()]
    assert [(f["url"], f["interval"], f["healthy"]) for f in listed] == [
        ("https://a.example/rss", 600, True),
        ("https://b.example/atom", 600, True),
    ]
    assert _cli("feeds", "remove", "https://b.example/atom").exit_code == 0
    assert _cli("feeds", "remove", "https://b.example/atom").exit_code == 2
    assert "never polled" in _cli("feeds", "list").stdout


def test_cli_refuses_bad_urls(redis_client) -> None:
    result = _cli("feeds", "add", "https://a.example/rss", "gopher://old.example/")
    assert (
        result.exit_code == 2
        and "added=1" in result.stdout
        and "not a web address" in result.stderr
    )


def test_cli_list_shows_why_a_feed_is_unhealthy(redis_client) -> None:
    registry = FeedRegistry(redis_client, KEYS, 900)
    registry.add("https://down.example/rss")
    for _ in range(5):
        registry.record_failure(
            registry.get("https://down.example/rss"),
            "retry later",
            "timed out fetching https://down.example/rss (ReadTimeout)",
        )
    line = _cli("feeds", "list").stdout
    assert line.startswith("UNHEALTHY") and "errors=5" in line and "ReadTimeout" in line


def test_cli_opml_export_import_round_trip(redis_client, tmp_path) -> None:
    _cli("feeds", "add", "https://a.example/rss?x=1&y=2", "https://b.example/atom")
    exported = _cli("feeds", "export").stdout
    assert exported.startswith("<?xml") and 'xmlUrl="https://a.example/rss?x=1&amp;y=2"' in exported
    redis_client.flushdb()
    (tmp_path / "subs.opml").write_text(exported)
    assert "added=2" in _cli("feeds", "import", str(tmp_path / "subs.opml")).stdout
    assert [f.url for f in FeedRegistry(redis_client, KEYS, 900).all()] == [
        "https://a.example/rss?x=1&y=2",
        "https://b.example/atom",
    ]


def test_cli_import_url_list_and_bad_files(redis_client, tmp_path) -> None:
    (tmp_path / "feeds.txt").write_text(
        "# my feeds\nhttps://a.example/rss\n\nhttps://b.example/atom\n"
    )
    assert "added=2" in _cli("feeds", "import", str(tmp_path / "feeds.txt")).stdout
    (tmp_path / "bad.opml").write_text("<opml><body>")
    assert _cli("feeds", "import", str(tmp_path / "bad.opml")).exit_code == 2
    assert _cli("feeds", "import", str(tmp_path / "missing.opml")).exit_code == 2


def test_cli_list_prints_a_hostile_feed_harmlessly(redis_client, intake, monkeypatch) -> None:
    """A feed whose title carries terminal escapes (retitle, clear screen), polled for real
    over loopback, and a failure whose error carries them: the text view shows them as
    escapes, never raw; the JSON view carries the counts of skipped links too."""
    from tests.workers.feed_helpers import rss
    from tests.workers.http_server import confine_to_loopback, loopback_server
    from workers.inputs.poller import Poller
    from workers.web.address_guard import AllowList
    from workers.web.fetch import Fetcher
    from workers.web.host_gate import HostGate
    from workers.web.policy import FetchPolicy

    confine_to_loopback(monkeypatch)
    policy = FetchPolicy(allow=AllowList.parse("127.0.0.1"), host_delay=0.0)
    fetcher = Fetcher(policy, HostGate(redis_client, KEYS, policy), redis_client, KEYS)
    registry = FeedRegistry(redis_client, KEYS, 900)
    title = "Evil \x1b]0;pwned\x07 Times \x1b[2J"
    with loopback_server() as server:
        items = [("Story", server.url("/story.html"), "s"), ("Mail us", "mailto:x@y.example", "m")]
        feed_url = server.route("/evil.xml", body=rss(title, items), content_type="text/xml")
        registry.add(feed_url)
        [polled] = Poller(redis_client, KEYS, registry, fetcher, intake, threads=1).poll_due()
    assert polled.status == "200" and registry.all()[0].title == title
    registry.add("https://down.example/rss")
    registry.record_failure(
        registry.get("https://down.example/rss"), "failed", "HTTP 500 \x1b[2J\x1b]0;x\x07"
    )

    text = _cli("feeds", "list").stdout
    assert "\x1b" not in text and "\x07" not in text
    assert "Evil \\x1b]0;pwned\\x07 Times \\x1b[2J" in text
    assert "error: HTTP 500 \\x1b[2J\\x1b]0;x\\x07" in text
    assert "skipped_links=1 (total 1)" in text
    listed = [orjson.loads(line) for line in _cli("feeds", "list", "--json").stdout.splitlines()]
    evil = next(f for f in listed if f["url"] == feed_url)
    assert (evil["title"], evil["links_skipped"], evil["links_skipped_total"]) == (title, 1, 1)


def test_cli_list_without_feeds_says_how_to_add_one(redis_client) -> None:
    for args in (["feeds", "list"], ["feeds", "list", "--json"]):
        result = _cli(*args)
        assert result.exit_code == 0 and result.stdout == ""
        assert "newsflow feeds add URL" in result.stderr
        assert "feeds import FILE" in result.stderr
