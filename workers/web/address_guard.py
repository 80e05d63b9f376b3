"""Refusing loopback, private, link-local, metadata and other non-global addresses, and
holding every connection to the fetch's total deadline.

`GuardedBackend` replaces httpcore's socket backend: it resolves the host itself,
vets every address (unless NEWSFLOW_FETCH_ALLOW lists it) and connects to the very
address it checked, so a DNS answer that changes between check and connect
("rebinding") cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from pipelines.article import Rejected
from workers.web.errors import TransientFetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Rejected):
    """The host resolves to an address newsflow must not connect to."""


@dataclass(frozen=True, slots=True)
class AllowList:
    """NEWSFLOW_FETCH_ALLOW: networks and host names that may be fetched although private."""

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        networks, hosts = [], []
        for item in filter(None, (part.strip().lower() for part in text.split(","))):
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.append(item.rstrip("."))
        return cls(tuple(networks), tuple(hosts))

    def permits(self, host: str, address: IPAddress) -> bool:
        host = host.lower().rstrip(".")
        if any(host == h or host.endswith("." + h) for h in self.hosts):
            return True
        return any(
            address in network for network in self.networks if network.version == address.version
        )


def vetted_addresses(
    host: str, port: int, allow: AllowList, timeout: float | None = None
) -> list[str]:
    """The addresses of ``host`` newsflow may connect to; AddressRefused if any is forbidden.

    All of them must pass: one private address among public ones is a classic trick.
    The lookup fails as transient after ``timeout`` seconds.
    """
    addresses = _resolve(host, port, timeout)
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 zone ("%eth0")
        if not _is_public(address) and not allow.permits(host, address):
            raise AddressRefused(
                f"refused: {host} resolves to {address}, a loopback, private, link-local or "
                f"reserved address (list it in NEWSFLOW_FETCH_ALLOW to fetch it)"
            )
    return addresses


# getaddrinfo has no timeout of its own and cannot be interrupted: it runs in these
# threads, and a lookup that outlives the fetch's timeout is left to finish there.
_RESOLVER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="newsflow-resolve")


def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    lookup = _RESOLVER.submit(
        lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)  # patched in tests
    )
    try:
        infos = lookup.result(timeout=timeout)
    except TimeoutError:
        raise TransientFetchError(
            f"cannot resolve {host}: no answer from DNS within {timeout:g} s"
        ) from None
    except socket.gaierror as error:
        raise TransientFetchError(f"cannot resolve {host}: {error.strerror}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254, the cloud
    # metadata address), CGNAT (100.100.100.200, Alibaba's), ULA (fd00:ec2::254), ...
    return address.is_global and not address.is_multicast


#: When the fetch in progress on this thread must be over (time.monotonic()), if any.
deadline: ContextVar[float | None] = ContextVar("deadline", default=None)


def _within_deadline(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of this thread's fetch deadline."""
    end = deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the fetch's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the fetch's deadline, so a server
    sending its headers or body a byte at a time cannot hold a fetch past it."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        timeout = _within_deadline(kwargs.pop("timeout", None), httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(*args, timeout=timeout, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to vetted addresses, by the deadline."""

    def __init__(self, allow: AllowList) -> None:
        self._allow = allow

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kwargs: Any) -> Any:
        last_error: Exception | None = None
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        for address in vetted_addresses(host, port, self._allow, timeout):
            try:
                timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
                stream = super().connect_tcp(address, port, timeout=timeout, **kwargs)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error  # try the host's next address, as create_connection does
        raise last_error or httpcore.ConnectError(f"no address for {host}")


def guard_transport(transport: httpx.HTTPTransport, allow: AllowList) -> None:
    """Make ``transport`` connect only to vetted addresses."""
    # httpx builds its pool with the default socket backend and offers no way to pass one.
    transport._pool._network_backend = GuardedBackend(allow)
