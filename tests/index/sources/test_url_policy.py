"""The one address rule for IPv6 that carries IPv4, checked as a property.

Every IPv4 block that is not globally reachable, embedded in every IPv6 form that carries an
IPv4 address, must be refused; public IPv4 addresses in the forms that are routable must pass.
The addresses are drawn by a seeded generator (same draw every run), the first and last address
of each block always among them. The embeddings below are written from the RFCs, apart from the
code under test.
"""

import ipaddress
import random
from collections.abc import Callable

import pytest

from index.errors import UrlRefusedError
from index.sources.url_policy import UrlPolicy, is_public

V4 = ipaddress.IPv4Address
V6 = ipaddress.IPv6Address

# IANA IPv4 Special-Purpose Address Registry, "Globally Reachable: False" (or deprecated), and
# multicast: none of these may be fetched, whatever spelling carries them
FORBIDDEN_V4 = [
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/29",
        "192.0.0.170/31",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
    )
]


def _v6(bits: int) -> str:
    return str(V6(bits & (2**128 - 1)))


def _nat64(prefix: str, length: int) -> Callable[[V4, random.Random], str]:
    """RFC 6052 §2.2: the IPv4 address after a /length prefix, skipping bits 64..71."""
    base = int(V6(prefix))

    def embed(v4: V4, rng: random.Random) -> str:
        bits = int(v4)
        if length == 96:
            return _v6(base | bits)
        before = 64 - length  # how many IPv4 bits fit before the u octet
        high, low = bits >> (32 - before), bits & ((1 << (32 - before)) - 1)
        suffix = rng.getrandbits(56 - (32 - before)) if length < 64 else 0
        return _v6(base | high << 64 | low << (56 - (32 - before)) | suffix)

    return embed


EMBED: dict[str, Callable[[V4, random.Random], str]] = {
    "mapped ::ffff:0:0/96": lambda v4, rng: _v6(0xFFFF << 32 | int(v4)),
    "translated ::ffff:0:0:0/96": lambda v4, rng: _v6(0xFFFF << 48 | int(v4)),
    "compatible ::/96": lambda v4, rng: _v6(int(v4)),
    "NAT64 64:ff9b::/96": _nat64("64:ff9b::", 96),
    "6to4 2002::/16": lambda v4, rng: _v6(0x2002 << 112 | int(v4) << 80 | rng.getrandbits(80)),
    "Teredo 2001::/32 (client)": lambda v4, rng: _v6(
        0x2001 << 112 | rng.getrandbits(64) << 32 | (~int(v4) & 0xFFFFFFFF)
    ),
    "Teredo 2001::/32 (server)": lambda v4, rng: _v6(
        0x2001 << 112 | int(v4) << 64 | rng.getrandbits(64)
    ),
    **{f"NAT64 local-use 64:ff9b:1::/{n}": _nat64("64:ff9b:1::", n) for n in (48, 56, 64, 96)},
}
# forms that are only routed as the IPv4 address they carry: a public IPv4 in them is allowed
ROUTABLE = {
    "mapped ::ffff:0:0/96",
    "translated ::ffff:0:0:0/96",
    "compatible ::/96",
    "NAT64 64:ff9b::/96",
    "6to4 2002::/16",
}


def _draw(block: ipaddress.IPv4Network, rng: random.Random, n: int = 6) -> list[V4]:
    inside = [block[rng.randrange(block.num_addresses)] for _ in range(n)]
    return [block[0], block[-1], *inside]


def _public_v4(rng: random.Random, n: int) -> list[V4]:
    found: list[V4] = []
    while len(found) < n:
        v4 = V4(rng.getrandbits(32))
        if not any(v4 in block for block in FORBIDDEN_V4):
            found.append(v4)
    return found


@pytest.mark.parametrize("form", sorted(EMBED))
def test_every_forbidden_ipv4_is_refused_in_every_ipv6_form(form: str):
    rng = random.Random(f"forbidden {form}")
    policy = UrlPolicy()
    for block in FORBIDDEN_V4:
        for v4 in _draw(block, rng):
            address = EMBED[form](v4, rng)
            assert not is_public(address), f"{address} carries {v4} ({form})"
            with pytest.raises(UrlRefusedError, match="private"):
                policy.check(f"http://[{address}]:8080/feed")


@pytest.mark.parametrize("form", sorted(EMBED))
def test_public_ipv4_passes_only_in_routable_forms(form: str):
    rng = random.Random(f"public {form}")
    for v4 in _public_v4(rng, 200):
        address = EMBED[form](v4, rng)
        assert is_public(address) is (form in ROUTABLE), f"{address} carries {v4} ({form})"


def test_the_issue_spelling_is_refused_before_any_connection():
    # RFC 6145 IPv4-translated 127.0.0.1: the case of issue 21
    with pytest.raises(UrlRefusedError, match="::ffff:0:7f00:1"):
        UrlPolicy().check("http://[::ffff:0:7f00:1]/")


def test_the_draw_covers_every_block_and_form():
    # the property above is only as strong as its generator: each embedding must land in the
    # prefix it names, so a wrong generator cannot make the test pass vacuously
    rng = random.Random(0)
    prefixes = {
        "mapped": "::ffff:0:0/96",
        "translated": "::ffff:0:0:0/96",
        "compatible": "::/96",
        "NAT64 64": "64:ff9b::/96",
        "6to4": "2002::/16",
        "Teredo": "2001::/32",
        "NAT64 local": "64:ff9b:1::/48",
    }
    for form, embed in EMBED.items():
        prefix = next(p for name, p in prefixes.items() if form.startswith(name))
        assert V6(embed(V4("8.8.8.8"), rng)) in ipaddress.IPv6Network(prefix), form
