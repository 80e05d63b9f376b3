"""The address guard's table, network by network: each refused network at both of its ends,
each IPv6 form that carries an IPv4 address, public addresses that must pass, and the allow
list. Through `vetted_addresses` with a stubbed resolver, so no DNS query and no packet
leaves the machine."""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv6Address, ip_network

import pytest

from workers.web.address_guard import AddressRefused, AllowList, vetted_addresses

#: Refused IPv4 networks (IANA's special-purpose registry, multicast, reserved), written out
#: here on their own, and a word of the reason each is refused with.
REFUSED_IPV4 = [
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "carrier-grade NAT"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "cloud metadata"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved|broadcast"),  # its last address is the broadcast one
    ("255.255.255.255/32", "broadcast"),
]

#: Refused IPv6 networks and a word of their reason; the last rows lie outside 2000::/3.
REFUSED_IPV6 = [
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("100::/64", "discard-only"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("2001:2::/48", "IETF protocol"),  # benchmarking, inside 2001::/23
    ("2001:10::/28", "IETF protocol"),  # ORCHID, inside 2001::/23
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "unique local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
    ("4000::/3", "outside 2000::/3"),
    ("5f00::/16", "outside 2000::/3"),  # SRv6 segment identifiers
    ("::ffff:0:0:0/96", "outside 2000::/3"),  # IPv4-translated (SIIT), not IPv4-mapped
]


def _ends(table: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The first and last address of each network, with its reason."""
    cases = []
    for network, why in table:
        net = ip_network(network)
        cases += [(str(net.network_address), why), (str(net.broadcast_address), why)]
    return cases


@pytest.fixture
def resolve_to(monkeypatch):
    """Make every host name resolve to the given addresses (a stub of getaddrinfo)."""

    def answer(*addresses: str) -> None:
        def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
            family = {4: socket.AF_INET, 6: socket.AF_INET6}
            return [
                (family[ip_network(a).version], socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return answer


@pytest.mark.parametrize(("address", "why"), _ends(REFUSED_IPV4 + REFUSED_IPV6))
def test_each_refused_network_is_refused(resolve_to, address: str, why: str) -> None:
    resolve_to(address)
    with pytest.raises(AddressRefused, match=f"resolves to {address}, .*(?:{why})") as refused:
        vetted_addresses("news.example", 443, AllowList())
    assert refused.value.reason.endswith("list it in NEWSFLOW_FETCH_ALLOW to fetch it")


def test_cloud_metadata_addresses_are_refused(resolve_to) -> None:
    """The metadata services of the big clouds, one by one (192.0.0.192 is Oracle's)."""
    for address in ("169.254.169.254", "192.0.0.192", "100.100.100.200", "fd00:ec2::254"):
        resolve_to(address)
        with pytest.raises(AddressRefused, match=f"resolves to {address}"):
            vetted_addresses("metadata.example", 80, AllowList())


# --- IPv6 forms that carry an IPv4 address -----------------------------------------------

PUBLIC_IPV4 = IPv4Address("93.184.215.14")
TEREDO_SERVER = IPv4Address("65.54.227.120")  # a real Teredo server address


def _mapped(v4: IPv4Address) -> IPv6Address:
    return IPv6Address((0xFFFF << 32) | int(v4))


def _compatible(v4: IPv4Address) -> IPv6Address:
    return IPv6Address(int(v4))


def _nat64(v4: IPv4Address) -> IPv6Address:
    return IPv6Address((0x0064_FF9B << 96) | int(v4))


def _sixtofour(v4: IPv4Address) -> IPv6Address:
    return IPv6Address((0x2002 << 112) | (int(v4) << 80) | 1)


def _teredo(server: IPv4Address, client: IPv4Address) -> IPv6Address:
    # 2001:0000:<server>:<flags>:<port, inverted>:<client, inverted>
    port = 40000 ^ 0xFFFF
    return IPv6Address(
        (0x2001_0000 << 96) | (int(server) << 64) | (port << 32) | (int(client) ^ 0xFFFF_FFFF)
    )


FORMS = {
    "IPv4-mapped": _mapped,
    "IPv4-compatible": _compatible,
    "NAT64": _nat64,
    "6to4": _sixtofour,
    "Teredo client": lambda v4: _teredo(TEREDO_SERVER, v4),
    "Teredo server": lambda v4: _teredo(v4, PUBLIC_IPV4),
}

#: One address in the middle of each refused IPv4 network (0.0.0.0 and 0.0.0.1 would be
#: "::" and "::1" in the IPv4-compatible form, refused as themselves).
INSIDE_REFUSED_IPV4 = [
    str(net.network_address + net.num_addresses // 2)
    for net in (ip_network(network) for network, _why in REFUSED_IPV4)
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("inner", INSIDE_REFUSED_IPV4)
def test_ipv6_forms_carrying_a_refused_ipv4_address_are_refused(
    resolve_to, form: str, inner: str
) -> None:
    """An IPv6 address that reaches a refused IPv4 one (through a translator, a relay or
    the IPv4 stack) is refused, and the reason names the IPv4 address reached."""
    address = FORMS[form](IPv4Address(inner))
    resolve_to(str(address))
    with pytest.raises(AddressRefused, match=f"resolves to {address}, .* reaching {inner}, "):
        vetted_addresses("news.example", 443, AllowList())


def test_the_nat64_way_to_the_metadata_address_is_spelled_out(resolve_to) -> None:
    resolve_to("64:ff9b::a9fe:a9fe")
    with pytest.raises(AddressRefused) as refused:
        vetted_addresses("evil.example", 80, AllowList())
    assert refused.value.reason == (
        "refused: evil.example resolves to 64:ff9b::a9fe:a9fe, a NAT64 address reaching "
        "169.254.169.254, a link-local or cloud metadata address (169.254.0.0/16); "
        "list it in NEWSFLOW_FETCH_ALLOW to fetch it"
    )


# --- what must pass ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "223.255.255.254",  # just below multicast
        "100.63.255.255",  # just outside carrier-grade NAT
        "100.128.0.0",
        "172.15.255.255",  # just outside 172.16.0.0/12
        "172.32.0.0",
        "192.0.1.1",  # between 192.0.0.0/24 and 192.0.2.0/24
        "198.20.0.0",  # just above benchmarking
        "2606:4700::6810:84e5",
        "2a00:1450:4001:82b::200e",
        "2001:4860:4860::8888",  # 2001: but outside 2001::/23
        "2001:200::1",  # the first /23 after the IETF's
        "3ffe::1",  # below 3fff::/20
        str(_nat64(PUBLIC_IPV4)),
        str(_sixtofour(PUBLIC_IPV4)),
        str(_mapped(PUBLIC_IPV4)),
        str(_teredo(TEREDO_SERVER, PUBLIC_IPV4)),
    ],
)
def test_public_addresses_pass(resolve_to, address: str) -> None:
    """Including the IPv6 forms whose IPv4 address is public: decided on that address."""
    resolve_to(address)
    assert vetted_addresses("news.example", 443, AllowList()) == [address]


def test_one_refused_address_among_public_ones_refuses_the_host(resolve_to) -> None:
    resolve_to("93.184.215.14", "2606:4700::6810:84e5", str(_sixtofour(IPv4Address("10.0.0.1"))))
    with pytest.raises(AddressRefused, match="6to4 address reaching 10.0.0.1"):
        vetted_addresses("news.example", 443, AllowList())


# --- NEWSFLOW_FETCH_ALLOW ----------------------------------------------------------------


def test_the_allow_list_lets_what_it_names_through(resolve_to, monkeypatch) -> None:
    """A network in NEWSFLOW_FETCH_ALLOW lets its addresses through, in whatever IPv6 form
    carries them; what it does not name stays refused; a host name lets all its addresses."""
    from workers.settings import Settings

    monkeypatch.setenv("NEWSFLOW_FETCH_ALLOW", "10.0.0.0/8, fd00:ec2::/64, intranet.example")
    allow = AllowList.parse(Settings().fetch_allow)
    ten = IPv4Address("10.1.2.3")
    for address in ("10.1.2.3", _mapped(ten), _nat64(ten), _sixtofour(ten), "fd00:ec2::254"):
        resolve_to(str(address))
        assert vetted_addresses("news.example", 443, allow) == [str(address)]
    for address in ("192.168.1.1", _sixtofour(IPv4Address("192.168.1.1")), "fd00:1::1"):
        resolve_to(str(address))
        with pytest.raises(AddressRefused):
            vetted_addresses("news.example", 443, allow)
    resolve_to("192.168.1.1", "169.254.169.254")
    assert vetted_addresses("wiki.intranet.example", 80, allow) == [
        "192.168.1.1",
        "169.254.169.254",
    ]
    # A Teredo address is let through only when both IPv4 addresses it reaches are.
    resolve_to(str(_teredo(IPv4Address("192.168.0.1"), ten)))
    with pytest.raises(AddressRefused, match="reaching 192.168.0.1"):
        vetted_addresses("news.example", 443, allow)
