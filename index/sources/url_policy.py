"""Which URLs newsbot may fetch: http(s) to public addresses only, checked at every hop.

A feed is written by someone else, and so are the links and redirects inside it. Without this
check an admin adding a feed could make the bot read its own machine or the cloud metadata
service (169.254.169.254) and show the result in a chat.
"""

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from index.errors import UrlRefusedError

Resolver = Callable[[str, int], list[str]]


def without_userinfo(url: str) -> str:
    """`url` with any `user:password@` removed: what may be shown, logged or stored.

    Anything that looks like a URL is cleaned, even one newsbot refuses to fetch, because the
    refusal message and the chat that echoes it are where a password would leak.
    """
    return _USERINFO.sub(r"\1", url)


# scheme://userinfo@ -- userinfo ends at the last "@" before the path (RFC 3986 §3.2)
_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (all of them must be public)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UrlRefusedError(f"cannot resolve {host}: {exc.strerror}") from None
    return sorted({str(info[4][0]) for info in infos})


# IPv4 blocks that are not globally reachable (IANA IPv4 Special-Purpose Address Registry),
# plus multicast. Listed here rather than trusted to `ipaddress.is_global`, whose tables differ
# between Python releases (3.11.7 calls 192.0.0.8 global).
_LOCAL_V4 = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata lives here)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255 (limited broadcast)
    )
)


def _v4(bits: int) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(bits & 0xFFFFFFFF)


def _last_32(ip: int) -> tuple[ipaddress.IPv4Address, ...]:
    return (_v4(ip),)


def _sixtofour(ip: int) -> tuple[ipaddress.IPv4Address, ...]:
    return (_v4(ip >> 80),)  # 2002:AABB:CCDD::/48


def _teredo(ip: int) -> tuple[ipaddress.IPv4Address, ...]:
    # 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC, the client's address XOR-ed with all ones
    return (_v4(ip >> 64), _v4(~ip))


def _rfc6052_all_lengths(ip: int) -> tuple[ipaddress.IPv4Address, ...]:
    # RFC 6052 §2.2: under a /48, /56 or /64 the IPv4 address is split around bits 64..71
    # (the "u" octet); under a /96 it is the last 32 bits. A local-use prefix (RFC 8215) may
    # be any of these lengths, so every reading is judged.
    return (
        _v4(((ip >> 64) & 0xFFFF) << 16 | (ip >> 40) & 0xFFFF),  # /48
        _v4(((ip >> 64) & 0xFF) << 24 | (ip >> 32) & 0xFFFFFF),  # /56
        _v4(ip >> 24),  # /64
        _v4(ip),  # /96
    )


@dataclass(frozen=True)
class Embedding:
    """One IPv6 form that carries an IPv4 address (IANA IPv6 Special-Purpose Registry, RFCs)."""

    name: str
    prefix: ipaddress.IPv6Network
    carried: Callable[[int], tuple[ipaddress.IPv4Address, ...]]
    # True: the IPv6 address is only a spelling of the IPv4 one (a dual-stack socket connects
    # to the IPv4 address), so the IPv4 address alone decides. False: both must be public.
    spelling_only: bool
    reachable: bool = True  # False: not globally reachable, whatever it carries


EMBEDDINGS = (
    Embedding("IPv4-mapped", ipaddress.IPv6Network("::ffff:0:0/96"), _last_32, True),
    # RFC 2765/6145 "IPv4-translated": ::ffff:0:a.b.c.d
    Embedding("IPv4-translated", ipaddress.IPv6Network("::ffff:0:0:0/96"), _last_32, True),
    # deprecated (RFC 4291); :: and ::1 fall in it too and carry 0.0.0.0 and 0.0.0.1
    Embedding("IPv4-compatible", ipaddress.IPv6Network("::/96"), _last_32, True),
    Embedding("NAT64", ipaddress.IPv6Network("64:ff9b::/96"), _last_32, True),
    Embedding(
        "NAT64 local-use",
        ipaddress.IPv6Network("64:ff9b:1::/48"),
        _rfc6052_all_lengths,
        False,
        reachable=False,
    ),
    Embedding("6to4", ipaddress.IPv6Network("2002::/16"), _sixtofour, False),
    Embedding("Teredo", ipaddress.IPv6Network("2001::/32"), _teredo, False, reachable=False),
)


def is_public(address: str) -> bool:
    """A globally reachable unicast address, and so is every IPv4 address it carries.

    The one rule for IPv6 that embeds IPv4: find every form the address is in (mapped,
    translated, compatible, NAT64, NAT64 local-use, 6to4, Teredo); every IPv4 address those
    forms carry must be public, and so must the IPv6 address itself, unless it is only another
    spelling of its IPv4 address.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _is_public_v4(ip)
    forms = [form for form in EMBEDDINGS if ip in form.prefix]
    for form in forms:
        if not form.reachable:
            return False
        if not all(_is_public_v4(v4) for v4 in form.carried(int(ip))):
            return False
    if forms and all(form.spelling_only for form in forms):
        return True
    return ip.is_global and not ip.is_multicast


def _is_public_v4(ip: ipaddress.IPv4Address) -> bool:
    return ip.is_global and not any(ip in block for block in _LOCAL_V4)


class UrlPolicy:
    """Decides, before each request and each redirect, whether a URL may be fetched."""

    def __init__(
        self,
        allow_private: bool = False,
        private_hosts: Iterable[str] = (),
        resolver: Resolver = resolve,
    ) -> None:
        self.allow_private = allow_private
        self.private_hosts = {h.lower() for h in private_hosts}
        self._resolve = resolver

    def check(self, url: str) -> None:
        """Raise UrlRefusedError unless `url` is http(s) to public addresses (or allowed)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UrlRefusedError(
                f"only http and https URLs can be fetched, not {without_userinfo(url)!r}"
            )
        host = (parts.hostname or "").lower()
        if not host:
            raise UrlRefusedError(f"no host in {without_userinfo(url)!r}")
        if parts.username or parts.password:
            raise UrlRefusedError(f"URLs with credentials are not fetched: {parts.hostname}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self.addresses(host, port)

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses `host` may be reached at, resolved once: the connection is made to
        exactly these (see index/sources/pinned_connect.py), so a name that resolves to a
        public address
        for the check and to a private one for the connection (DNS rebinding) gets nowhere."""
        host = host.lower()
        resolved = self._resolve(host, port)
        if (
            self.allow_private
            or host in self.private_hosts
            or f"{host}:{port}" in self.private_hosts
        ):
            return resolved
        private = [a for a in resolved if not is_public(a)]
        if private:
            raise UrlRefusedError(
                f"{host} is a private, loopback or link-local address ({', '.join(private)}); "
                "set NEWSBOT_PRIVATE_URL_HOSTS or NEWSBOT_ALLOW_PRIVATE_URLS=true to allow it"
            )
        return resolved
