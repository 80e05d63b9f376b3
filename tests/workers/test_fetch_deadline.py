"""The fetch's total deadline covers the whole exchange: a server that trickles its status
line and headers a byte at a time (never idle long enough for the read timeout) is cut off
at the deadline, not held for as long as it likes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from workers.web.address_guard import AllowList
from workers.web.errors import TransientFetchError
from workers.web.fetch import Fetcher
from workers.web.policy import FetchPolicy

#: What the trickling server sends, a byte every TRICKLE_SECONDS, for a minute.
RESPONSE = b"HTTP/1.1 200 OK\r\n" + b"X-Filler: " + b"a" * 400 + b"\r\n\r\nbody"
TRICKLE_SECONDS = 0.15


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """An HTTP server on loopback that sends its response one byte at a time."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in RESPONSE:
                if stop.wait(TRICKLE_SECONDS):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return  # the client gave up: what this test wants

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
    stop.set()
    listener.close()


@pytest.mark.timeout(30)
def test_trickled_headers_end_at_the_total_deadline(trickling_server: str) -> None:
    policy = FetchPolicy(
        allow=AllowList.parse("127.0.0.1"), read_timeout=1.0, total_timeout=2.0, robots=False
    )
    fetcher = Fetcher(policy)
    with pytest.raises(TransientFetchError) as raised:
        fetcher.get(trickling_server)
    # Only the deadline says "took over": a read timeout names itself (ReadTimeout).
    assert raised.value.reason == f"timed out fetching {trickling_server} took over 2 s"
