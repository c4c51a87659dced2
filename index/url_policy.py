"""Which URLs newsbot may fetch: http(s) to public addresses only, checked at every hop.

A feed is written by someone else, and so are the links and redirects inside it. Without this
check an admin adding a feed could make the bot read its own machine or the cloud metadata
service (169.254.169.254) and show the result in a chat.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from index.errors import InputError

Resolver = Callable[[str, int], list[str]]


class UrlRefusedError(InputError):
    """A URL newsbot will not fetch, with the reason."""


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (all of them must be public)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UrlRefusedError(f"cannot resolve {host}: {exc.strerror}") from None
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
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
        exactly these (see index/pinned_connect.py), so a name that resolves to a public address
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
