"""Fetch one untrusted URL with hard limits: time, size after decompression, type, address.

httpx does the HTTP; this module adds what a fetcher of other people's URLs needs. Redirects
are followed here, in a few lines, so every hop passes the URL policy before it is requested
and a redirect's body is never read (httpx's own following reads and decompresses each
redirect's body whole, with no size limit). Connections go only to the addresses the policy
checked (index/sources/pinned_connect.py). The body is decompressed here, in bounded steps, so a
100 kB gzip bomb cannot become gigabytes in memory. One deadline covers the whole request
(connecting, headers, body, every redirect), so a server dripping a byte a second is cut off
like a silent one.
"""

import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from index.errors import FetchError
from index.settings import FetchSettings
from index.sources.pinned_connect import PinnedTransport, request_deadline
from index.sources.url_policy import UrlPolicy

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
ANY_TYPES = FEED_TYPES + PAGE_TYPES

_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    """A response body (decompressed, within limits) and what conditional GETs need."""

    url: str  # after redirects
    status: int  # 200, or 304 when the validators matched
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class SafeFetcher:
    """One httpx client for all fetches of a run; call `close` (or use `with`) when done."""

    def __init__(self, settings: FetchSettings, policy: UrlPolicy | None = None) -> None:
        self.timeout = settings.timeout_seconds
        self.max_bytes = settings.max_bytes
        self.policy = policy or UrlPolicy(
            settings.allow_private_urls, list(settings.private_url_hosts)
        )
        self._client = httpx.Client(
            transport=PinnedTransport(self.policy),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "SafeFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        accept: tuple[str, ...] = ANY_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET `url`; raises FetchError (or UrlRefusedError) with a message for the admin."""
        deadline = time.monotonic() + self.timeout
        headers = {"Accept": ", ".join(accept) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        try:
            with request_deadline(deadline):
                for _ in range(_MAX_REDIRECTS + 1):
                    self.policy.check(current)
                    with self._client.stream(
                        "GET", current, headers=headers, timeout=self.timeout
                    ) as response:
                        if not response.has_redirect_location:
                            return self._read(response, current, accept)
                    current = urljoin(current, response.headers["Location"])
        except httpx.TimeoutException:
            raise FetchError(
                f"{url}: no complete answer within {self.timeout:g} s",
                "fetch_timeout",
                seconds=f"{self.timeout:g}",
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {_describe(exc)}") from None
        raise FetchError(f"{url}: more than {_MAX_REDIRECTS} redirects")

    def _read(self, response: httpx.Response, url: str, accept: tuple[str, ...]) -> Fetched:
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if response.status_code == 304:
            return Fetched(url, 304, b"", "", etag, last_modified)
        if response.status_code != 200:
            raise FetchError(
                f"{url}: the server answered HTTP {response.status_code}",
                "fetch_status",
                status=response.status_code,
            )
        content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type and content_type not in accept:
            raise FetchError(
                f"{url}: content type {content_type!r} is not one of {', '.join(accept)}",
                "fetch_type",
                type=content_type,
            )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url}: {int(declared):,} bytes is over the {self._limit()} limit")
        decoder = _decoder(response.headers.get("Content-Encoding", ""), url)
        body = bytearray()
        for raw in response.iter_raw():
            body += self._decode(decoder, raw, len(body), url)
        if decoder is not None:
            body += decoder.flush()
        if len(body) > self.max_bytes:
            raise FetchError(f"{url}: the body is over the {self._limit()} limit")
        return Fetched(url, 200, bytes(body), content_type, etag, last_modified)

    def _decode(self, decoder: "zlib._Decompress | None", raw: bytes, have: int, url: str) -> bytes:
        """Decompress at most what still fits under the limit; more than that is refused."""
        room = self.max_bytes - have + 1
        try:
            data = raw if decoder is None else decoder.decompress(raw, room)
        except zlib.error:
            raise FetchError(f"{url}: the compressed body is corrupt") from None
        if have + len(data) > self.max_bytes:
            raise FetchError(f"{url}: the body is over the {self._limit()} limit")
        if decoder is not None and decoder.unconsumed_tail:
            raise FetchError(f"{url}: the body is over the {self._limit()} limit once unpacked")
        return data

    def _limit(self) -> str:
        return f"{self.max_bytes:,}-byte"


def _decoder(encoding: str, url: str) -> "zlib._Decompress | None":
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"{url}: unsupported content encoding {encoding!r}")


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect to the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server broke the HTTP protocol"
    return type(exc).__name__
