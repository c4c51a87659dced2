"""A local news site for the tests: feeds, article pages and every hostile answer we refuse.

A real HTTP server on 127.0.0.1 in a thread; tests change `routes` while it runs and read
`requests` to see what newsbot asked for (conditional GET headers included).
"""

import gzip
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 when the client sends it back
    declare_length: bool = True  # False: no Content-Length, the body ends when the socket does
    drip: bool = False  # send a byte at a time until the client gives up
    drip_headers: bool = False  # send the status line and headers a byte every 0.1 s (~30 s)
    gate: threading.Event | None = None  # hold the answer until the test opens it


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it came in


class NewsSite:
    """The server's state: routes by path, the requests seen."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.reached: dict[str, threading.Event] = {}
        self.base = ""
        self.stopping = threading.Event()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def when_reached(self, path: str) -> threading.Event:
        return self.reached.setdefault(path, threading.Event())


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            site.requests.append(
                Request(self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            site.when_reached(self.path).set()
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.gate is not None:
                route.gate.wait(timeout=60)
            if route.drip_headers:
                self._drip_headers(route)
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.etag:
                self.send_header("ETag", route.etag)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.drip:
                self.end_headers()
                self._drip()
                return
            if route.declare_length and "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def _drip_headers(self, route: Route) -> None:
            head = (
                f"HTTP/1.1 {route.status} OK\r\nContent-Type: {route.content_type}\r\n"
                f"X-Padding: {'x' * 250}\r\nContent-Length: {len(route.body)}\r\n\r\n"
            ).encode()
            for byte in head:
                if site.stopping.wait(0.1):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def _drip(self) -> None:
            for _ in range(10_000):
                if site.stopping.wait(0.05):
                    return
                try:
                    self.wfile.write(b"<")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return

    return Handler


@contextmanager
def running_news_site(tls: ssl.SSLContext | None = None) -> Iterator[NewsSite]:
    """The site on 127.0.0.1; with `tls`, over HTTPS with that context's certificate."""
    site = NewsSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    scheme = "http"
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    site.base = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        for route in site.routes.values():
            if route.gate is not None:
                route.gate.set()
        server.shutdown()
        server.server_close()


# --- content ----------------------------------------------------------------------------------


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed; items are (title, link, summary)."""
    stamp = format_datetime(datetime(2025, 10, 22, 9, 0, tzinfo=UTC), usegmt=True)
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{stamp}</pubDate>"
        f"<description>{summary}</description></item>"
        for t, link, summary in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{entries}</channel></rss>"
    ).encode()


def article_page(title: str, paragraphs: list[str], date: str = "2025-10-22") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{date}">'
        f'<meta property="og:site_name" content="Example News"></head>'
        f"<body><header><nav>Home | World</nav></header><article><h1>{title}</h1>{body}"
        f"</article><footer>© Example</footer></body></html>"
    ).encode()


def gzip_bomb(unpacked_bytes: int) -> bytes:
    return gzip.compress(b"\0" * unpacked_bytes, compresslevel=9)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title>
<item><title>&lol4;</title><link>http://example.org/a</link></item></channel></rss>"""


# --- the stories every sources test uses --------------------------------------------------------

STORIES = {
    "/news/summit": (
        "Budapest summit dropped",
        [
            "The planned summit in Budapest between the two presidents was dropped on Tuesday.",
            "Officials said the foreign ministers could not agree on an agenda for the meeting.",
            "Hungary had offered to host the talks and said it remained ready to do so later.",
        ],
    ),
    "/news/gold": (
        "Gold price climbs",
        [
            "The price of gold rose for a third day as investors looked for safety.",
            "Dealers in Hanoi reported long queues outside jewellery shops on Wednesday.",
            "Analysts expect the central bank to keep interest rates unchanged this month.",
        ],
    ),
    "/news/rain": (
        "Monsoon rains flood the coast",
        [
            "Heavy monsoon rains flooded villages along the southern coast overnight.",
            "Rescue teams moved thousands of people to schools on higher ground.",
            "The weather service warned that more rain would fall until the weekend.",
        ],
    ),
}


def publish(site: NewsSite, *paths: str, etag: str | None = None, path: str = "/feed.xml") -> None:
    items = [(STORIES[p][0], site.url(p), "Short summary.") for p in paths]
    site.routes[path] = Route(
        rss("World Desk", items), content_type="application/rss+xml", etag=etag
    )
