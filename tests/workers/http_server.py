"""A real HTTP server on 127.0.0.1 (ephemeral port) for fetch and poller tests.

Routes map a path to a `Route`: status, body, headers, an optional ETag that
turns a matching If-None-Match into a 304, and an optional delay (slow server).
Every request is logged, so tests can assert what was fetched and how.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0  #: seconds before answering (ended early when the server stops)
    chunked: bool = False  #: no Content-Length: the body comes in chunks of 1000 bytes


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._stopping = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="http", daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def route(self, path: str, **kwargs: object) -> str:
        self.routes[path] = Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.route(path, status=status, headers={"Location": location})

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # http.server names its handlers so
                server.requests.append(
                    Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                route = server.routes.get(
                    self.path, Route(b"not here", status=404, content_type="text/plain")
                )
                if route.delay and server._stopping.wait(route.delay):
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._answer(304, {"ETag": route.etag}, b"")
                    return
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                self._answer(route.status, headers, route.body, route.chunked)

            def _answer(
                self, status: int, headers: dict[str, str], body: bytes, chunked: bool = False
            ) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    if chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(_chunks(body) if chunked else body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, *args: object) -> None:
                pass  # keep test output clean

        return Handler


def _chunks(body: bytes, size: int = 1000) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a client hanging up is no error


@contextmanager
def loopback_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


def confine_to_loopback(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Fail name resolution of anything but loopback names, and connections to anything
    but loopback addresses, in this process; returns the list of addresses connected to.

    A safety net for tests that parse real feeds full of real links: even if a
    fetch of one were attempted, no DNS query or packet would leave the machine.
    """
    import socket

    connections: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def loopback_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in LOOPBACK_NAMES and not _is_ip_literal(name):
            raise socket.gaierror(
                socket.EAI_NONAME, f"tests resolve loopback names only, not {name}"
            )
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_getaddrinfo)
    real_create_connection = socket.create_connection

    def loopback_create_connection(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        connections.append(address[0])
        if address[0] not in LOOPBACK_NAMES:
            raise AssertionError(f"a test tried to connect to {address[0]}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_create_connection)
    return connections


def _is_ip_literal(name: str) -> bool:
    """An address written out: resolving it sends no query (connecting is another matter)."""
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
