"""Connect only where the URL policy said yes: the address checked is the address used.

Checking a host name and then letting the HTTP library resolve it again leaves a gap: a
hostile DNS server can answer with a public address for the check and 127.0.0.1 a moment later
for the connection (DNS rebinding). This network backend for httpcore asks the policy for the
host's allowed addresses and connects to one of those, so the gap is closed. TLS still
verifies the certificate against the host name: httpcore passes it as the server name.
"""

from collections.abc import Iterable

import httpcore
import httpx

from index.url_policy import UrlPolicy


class PolicyCheckedBackend(httpcore.NetworkBackend):
    """httpcore's blocking backend, with every TCP connection pinned to checked addresses."""

    def __init__(self, policy: UrlPolicy) -> None:
        self.policy = policy
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self.policy.addresses(host, port):  # raises UrlRefusedError
            try:
                return self._tcp.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the host's next address, as a browser would
        raise failure or httpcore.ConnectError(f"{host} has no address")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("newsbot does not fetch from Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._tcp.sleep(seconds)


def pinned_transport(policy: UrlPolicy) -> httpx.HTTPTransport:
    """An httpx transport (default TLS verification, no proxy) connecting through the policy.

    httpx has no public hook for httpcore's network backend, so the transport's pool is
    replaced by an equivalent one that has it; tests/index/test_safe_fetch.py proves it is used.
    """
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        network_backend=PolicyCheckedBackend(policy),
    )
    return transport
