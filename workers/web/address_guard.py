"""Refusing every address that is not plainly public (loopback, private, link-local, cloud
metadata, documentation, multicast, reserved, and IPv6 forms that carry such an IPv4
address), and holding every connection to the fetch's total deadline.

`GuardedBackend`, the network backend of the fetcher's httpcore pool
(workers/web/transport.py), resolves the host itself, vets every address (unless
NEWSFLOW_FETCH_ALLOW lists it) and connects to the very address it checked, so a DNS
answer that changes between check and connect ("rebinding") cannot slip through.

The refused networks are an explicit table (`REFUSED_IPV4`, `REFUSED_IPV6`) rather than
`ipaddress.is_global`, which lets 192.0.0.192 (Oracle Cloud's metadata address) and the
IPv6 forms below through.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any

import httpcore

from pipelines.article import Rejected
from workers.web.errors import TransientFetchError

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

# From IANA's IPv4 and IPv6 Special-Purpose Address Registries (and the multicast and
# address-space registries). Whatever matches no row is public. The first matching row
# names the reason, so a narrower row comes before the wider one that contains it.

#: IPv4 networks newsflow never connects to, and why.
REFUSED_IPV4: tuple[tuple[Network, str], ...] = tuple(
    (IPv4Network(network), why)
    for network, why in (
        # On Linux, connecting to 0.0.0.0 reaches the local host.
        ("0.0.0.0/8", "a 'this network' address"),
        ("10.0.0.0/8", "a private address"),
        # Alibaba Cloud's metadata service answers on 100.100.100.200.
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local or cloud metadata address"),
        ("172.16.0.0/12", "a private address"),
        # The whole /24, though two anycast services in it are global: it holds no web
        # pages, and Oracle Cloud's metadata service answers on 192.0.0.192.
        ("192.0.0.0/24", "an IETF protocol or cloud metadata address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.88.99.0/24", "a deprecated 6to4 relay address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", "a reserved address"),
    )
)

#: IPv6 networks newsflow never connects to, and why; besides these, everything outside
#: 2000::/3, the only range IANA hands out as global unicast, is refused too (`_refused_ipv6`).
REFUSED_IPV6: tuple[tuple[Network, str], ...] = tuple(
    (IPv6Network(network), why)
    for network, why in (
        ("::/128", "the unspecified address"),
        ("::1/128", "the loopback address"),
        ("100::/64", "a discard-only address"),
        # The prefix RFC 8215 leaves to each network to carve translation prefixes from:
        # where in an address the IPv4 address sits is that network's choice, so it cannot
        # be vetted here. Where a translator uses it, list the prefix in NEWSFLOW_FETCH_ALLOW.
        ("64:ff9b:1::/48", "a local-use NAT64 address, which may reach any IPv4 one"),
        # Teredo (2001::/32), inside it, is decided by the IPv4 addresses it carries; the
        # rest is benchmarking, ORCHID and a few anycast services, none of them web pages.
        ("2001::/23", "an IETF protocol address"),
        ("2001:db8::/32", "a documentation address"),
        ("3fff::/20", "a documentation address"),
        # AWS's metadata service answers on fd00:ec2::254.
        ("fc00::/7", "a unique local address, IPv6's private range"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    )
)

GLOBAL_UNICAST = IPv6Network("2000::/3")
IPV4_MAPPED = IPv6Network("::ffff:0:0/96")
IPV4_COMPATIBLE = IPv6Network("::/96")  # deprecated, but a stack may still route it
NAT64 = IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Carried:
    """The IPv4 addresses an IPv6 address carries: connecting to it reaches them."""

    form: str
    addresses: tuple[IPv4Address, ...]


def carried_ipv4(address: IPAddress) -> Carried | None:
    """The IPv4 addresses ``address`` leads to, for the IPv6 forms that embed them."""
    if isinstance(address, IPv4Address):
        return None
    if address in IPV4_MAPPED:
        return Carried("an IPv4-mapped address", (_low_32_bits(address),))
    if address in NAT64:
        return Carried("a NAT64 address", (_low_32_bits(address),))
    if address.sixtofour is not None:
        return Carried("a 6to4 address", (address.sixtofour,))
    if address.teredo is not None:
        # The Teredo server (contacted first) and the client, whose address is stored
        # with its bits inverted; ipaddress undoes that.
        server, client = address.teredo
        return Carried("a Teredo address", (server, client))
    if address in IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are themselves
        return Carried("an IPv4-compatible address", (_low_32_bits(address),))
    return None


def _low_32_bits(address: IPv6Address) -> IPv4Address:
    return IPv4Address(int(address) & 0xFFFF_FFFF)


def refusal(address: IPAddress, allow: AllowList | None = None) -> str | None:
    """Why newsflow must not connect to ``address``, or None when it may.

    An IPv6 form that carries IPv4 addresses is decided on those, by the IPv4 table:
    it passes when each of them is public or covered by ``allow``.
    """
    allow = allow or AllowList()
    if allow.covers(address):
        return None
    if isinstance(address, IPv4Address):
        return _first_match(address, REFUSED_IPV4)
    carried = carried_ipv4(address)
    if carried is None:
        return _refused_ipv6(address)
    for inner in carried.addresses:
        why = _first_match(inner, REFUSED_IPV4)
        if why is not None and not allow.covers(inner):
            return f"{carried.form} reaching {inner}, {why}"
    return None


def _refused_ipv6(address: IPv6Address) -> str | None:
    why = _first_match(address, REFUSED_IPV6)
    if why is None and address not in GLOBAL_UNICAST:
        return "not a global unicast address (outside 2000::/3)"
    return why


def _first_match(address: IPAddress, table: tuple[tuple[Network, str], ...]) -> str | None:
    for network, why in table:
        if address in network:
            return f"{why} ({network})"
    return None


class AddressRefused(Rejected):
    """The host resolves to an address newsflow must not connect to."""


@dataclass(frozen=True, slots=True)
class AllowList:
    """NEWSFLOW_FETCH_ALLOW: networks and host names that may be fetched although private."""

    networks: tuple[Network, ...] = ()
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
        return self.covers(address)

    def covers(self, address: IPAddress) -> bool:
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
        why = None if allow.permits(host, address) else refusal(address, allow)
        if why is not None:
            raise AddressRefused(
                f"refused: {host} resolves to {address}, {why}; "
                f"list it in NEWSFLOW_FETCH_ALLOW to fetch it"
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
    except UnicodeError:  # an empty or over-long label ("a..b"): no lookup can succeed
        raise Rejected(f"cannot resolve {host[:200]}: not a valid host name") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


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

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to vetted addresses, by the deadline."""

    def __init__(self, allow: AllowList) -> None:
        self._allow = allow

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        for address in vetted_addresses(host, port, self._allow, timeout):
            try:
                timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error  # try the host's next address, as create_connection does
        raise last_error or httpcore.ConnectError(f"no address for {host}")
