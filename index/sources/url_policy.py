"""Which URLs newsbot may fetch: http(s) to public addresses only, checked at every hop.

A feed is written by someone else, and so are the links and redirects inside it. Without this
check an admin adding a feed could make the bot read its own machine or the cloud metadata
service (169.254.169.254) and show the result in a chat.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from index.errors import UrlRefusedError

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (all of them must be public)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UrlRefusedError(f"cannot resolve {host}: {exc.strerror}") from None
    return sorted({str(info[4][0]) for info in infos})


# IPv6 prefixes that only carry an IPv4 address in their last 32 bits: the IPv4 address decides
_CARRIERS = (
    ipaddress.ip_network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated; :: and ::1 are in it too)
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64, well-known prefix (RFC 6052)
)
# NAT64 for local use (RFC 8215): not globally reachable, whatever it carries
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def is_public(address: str) -> bool:
    """A global unicast address, and so is every IPv4 address it carries (6to4, Teredo, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _LOCAL_NAT64:
            return False
        if any(ip in carrier for carrier in _CARRIERS):
            return _is_global(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not _is_global(embedded):
            return False
    return _is_global(ip)


def _is_global(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


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
            raise UrlRefusedError(f"only http and https URLs can be fetched, not {url!r}")
        host = (parts.hostname or "").lower()
        if not host:
            raise UrlRefusedError(f"no host in {url!r}")
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
