"""URL inputs end to end: a `.urls` list and single URLs offered to the real intake, pages
served by a real HTTP server on loopback (real article pages of ../shared/eval/extraction),
fetched and published by a real dramatiq worker; refusals and failures on `dead`."""

from __future__ import annotations

import time

from tests.workers.helpers import (
    entries,
    page_bytes,
    running_worker,
    wait_for_entries,
    wait_until,
)
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead


def test_urls_pages_and_refusals_end_in_their_stream(
    redis_client, server, intake, eval_pages, tmp_path
) -> None:
    """A `.urls` list and single URLs: pages are published; a redirect to the metadata
    address, a PDF and a 404 go to `dead` with their reason; a 503 with Retry-After is
    retried by dramatiq until the page comes."""
    page = page_bytes(eval_pages, 1)[0]
    listed = server.route("/listed.html", body=page)
    flaky = server.route("/flaky.html", status=503, headers={"Retry-After": "1"}, body=b"later")
    (tmp_path / "reading.urls").write_text(f"# to read\n{listed}\n\nnot a url\n")
    with running_worker():
        offers = intake.offer_path(tmp_path / "reading.urls")
        offers.append(
            intake.offer_url(server.redirect("/sneaky", "http://169.254.169.254/latest/"))
        )
        offers.append(
            intake.offer_url(
                server.route("/doc.pdf", body=b"%PDF-1.4", content_type="application/pdf")
            )
        )
        offers.append(intake.offer_url(server.url("/missing")))
        offers.append(intake.offer_url(flaky))
        wait_until(
            "the poll", lambda: len(server.hits("/flaky.html")) >= 2
        )  # refused, then retried
        server.route("/flaky.html", body=page.replace(b"<body", b"<body data-v=2", 1))
        wait_for_entries(redis_client, [ARTICLES, DEAD], 6)
    assert all(o.queued for o in offers[:1] + offers[2:])
    dead = {e["source"]["url"]: e for e in entries(redis_client, DEAD)}
    published = {e["data"]["source"]["url"]: e["data"] for e in entries(redis_client, ARTICLES)}
    assert sorted(published) == sorted([listed, flaky])
    assert published[listed]["source"]["type"] == "url"
    assert dead["not a url"]["stage"] == "intake"
    assert dead[server.url("/sneaky")]["error"].startswith("refused: 169.254.169.254")
    assert dead[server.url("/doc.pdf")]["error"].startswith("not HTML")
    assert dead[server.url("/missing")]["error"].startswith("HTTP 404")
    assert len(server.hits("/flaky.html")) >= 2


def test_a_busy_host_delays_a_page_without_failing_it(
    redis_client, server, intake, eval_pages, monkeypatch
) -> None:
    """While other processes hold every slot of a host, a page goes back in the queue
    (fetching nothing, spending no retry), then is fetched once and published."""
    from workers.settings import get_settings

    monkeypatch.setenv("NEWSFLOW_FETCH_HOST_WAIT", "0.1")
    get_settings.cache_clear()
    url = server.route("/busy-host.html", body=page_bytes(eval_pages, 1)[0])
    expires = (time.time() + 3) * 1000
    redis_client.zadd(KEYS.host_slots("127.0.0.1"), {"other-1": expires, "other-2": expires})
    with running_worker():
        intake.offer_url(url)
        wait_for_entries(redis_client, [ARTICLES, DEAD], 1)
    assert entries(redis_client, DEAD) == [] and len(entries(redis_client, ARTICLES)) == 1
    assert len(server.hits("/busy-host.html")) == 1


def test_url_lists() -> None:
    """A `.urls` list: one URL a line, blanks and comments skipped; a Windows `.url`
    shortcut: its URL= line only."""
    from workers.inputs.intake import urls_in

    assert urls_in("# reading\nhttps://a.example/1\n\n  https://b.example/2  \n") == [
        "https://a.example/1",
        "https://b.example/2",
    ]
    shortcut = "[InternetShortcut]\r\nURL=https://a.example/story\r\nIconIndex=0\r\n"
    assert urls_in(shortcut) == ["https://a.example/story"]
