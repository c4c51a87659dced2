"""Fetching other people's URLs: every hostile answer is refused with a clear reason."""

import ssl
import time
from pathlib import Path

import pytest
import trustme

from bot.settings import Settings
from index.errors import FeedError, FetchError, UrlRefusedError
from index.sources.feeds import parse_feed
from index.sources.safe_fetch import FEED_TYPES, PAGE_TYPES, SafeFetcher
from index.sources.url_policy import UrlPolicy, is_public
from tests.news_server import BILLION_LAUGHS, NewsSite, Route, gzip_bomb, running_news_site


@pytest.fixture
def fetch_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "allow_private_urls": True,
            "max_fetch_bytes": 1_000_000,
            "fetch_timeout_seconds": 2,
        }
    )


def test_a_page_is_fetched_within_limits(site: NewsSite, fetch_settings: Settings):
    site.routes["/a"] = Route(b"<html><body><p>Hello</p></body></html>")
    with SafeFetcher(fetch_settings.fetching) as fetcher:
        got = fetcher.get(site.url("/a"), PAGE_TYPES)
    assert got.status == 200 and b"Hello" in got.body and got.content_type == "text/html"


def test_a_50_mb_body_is_refused_by_its_declared_length(site: NewsSite, fetch_settings: Settings):
    site.routes["/big"] = Route(b"x" * 100, headers={"Content-Length": str(50_000_000)})
    with (
        SafeFetcher(fetch_settings.fetching) as fetcher,
        pytest.raises(FetchError, match="over the"),
    ):
        fetcher.get(site.url("/big"), PAGE_TYPES)


def test_a_50_mb_body_without_a_length_is_cut_off(site: NewsSite, fetch_settings: Settings):
    site.routes["/big"] = Route(b"x" * 50_000_000, declare_length=False)
    with (
        SafeFetcher(fetch_settings.fetching) as fetcher,
        pytest.raises(FetchError, match="over the"),
    ):
        fetcher.get(site.url("/big"), PAGE_TYPES)


def test_a_gzip_bomb_is_refused_after_decompression(site: NewsSite, fetch_settings: Settings):
    bomb = gzip_bomb(50_000_000)
    assert len(bomb) < 100_000
    site.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "gzip"})
    with (
        SafeFetcher(fetch_settings.fetching) as fetcher,
        pytest.raises(FetchError, match="over the"),
    ):
        fetcher.get(site.url("/bomb"), PAGE_TYPES)


def test_a_slow_drip_is_cut_off_by_the_deadline(site: NewsSite, fetch_settings: Settings):
    site.routes["/drip"] = Route(drip=True)
    quick = fetch_settings.model_copy(update={"fetch_timeout_seconds": 0.5})
    with SafeFetcher(quick.fetching) as fetcher, pytest.raises(FetchError, match="within 0.5 s"):
        fetcher.get(site.url("/drip"), PAGE_TYPES)


@pytest.mark.parametrize("path", ["/slow-head", "/hop"])
def test_dripped_headers_are_cut_off_by_the_one_deadline(
    site: NewsSite, fetch_settings: Settings, path: str
):
    """Headers sent a byte every 0.1 s (about 30 s in all), directly or after a redirect:
    each read is quick, but the whole request must end within the 1 s setting."""
    site.routes["/slow-head"] = Route(b"<p>late</p>", drip_headers=True)
    site.routes["/hop"] = Route(status=302, headers={"Location": "/slow-head"})
    quick = fetch_settings.model_copy(update={"fetch_timeout_seconds": 1})
    started = time.monotonic()
    with SafeFetcher(quick.fetching) as fetcher, pytest.raises(FetchError, match="within 1 s"):
        fetcher.get(site.url(path), PAGE_TYPES)
    assert time.monotonic() - started < 2 * quick.fetch_timeout_seconds + 1
    assert site.hits("/slow-head")


def test_redirects_are_followed_a_few_times(site: NewsSite, fetch_settings: Settings):
    site.routes["/old"] = Route(status=301, headers={"Location": "/a"})
    site.routes["/a"] = Route(b"<html><body><p>moved</p></body></html>")
    site.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    with SafeFetcher(fetch_settings.fetching) as fetcher:
        moved = fetcher.get(site.url("/old"), PAGE_TYPES)
        with pytest.raises(FetchError, match="more than 5 redirects"):
            fetcher.get(site.url("/loop"), PAGE_TYPES)
    assert moved.url == site.url("/a") and b"moved" in moved.body
    assert len(site.hits("/loop")) == 6


def test_a_redirect_body_is_never_read(site: NewsSite, fetch_settings: Settings):
    """A 302 whose body never ends (it could as well be a gzip bomb): only its Location counts."""
    site.routes["/go"] = Route(status=302, headers={"Location": "/a"}, drip=True)
    site.routes["/a"] = Route(b"<html><body><p>arrived</p></body></html>")
    with SafeFetcher(fetch_settings.fetching) as fetcher:
        assert b"arrived" in fetcher.get(site.url("/go"), PAGE_TYPES).body


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/a", "http://localhost:{port}/a"])
def test_a_redirect_to_a_private_address_is_refused(
    site: NewsSite, settings: Settings, target: str
):
    """Only the feed's own host is allowed (by its name); the hop to loopback is refused."""
    port = site.base.rsplit(":", 1)[1]
    site.routes["/go"] = Route(status=302, headers={"Location": target.format(port=port)})
    site.routes["/a"] = Route(b"<html><body><p>secret</p></body></html>")
    feed_host = "localhost" if "127.0.0.1" in target else "127.0.0.1"
    allowed = settings.model_copy(update={"private_url_hosts": [f"{feed_host}:{port}"]})
    refused = pytest.raises(UrlRefusedError, match="is a private, loopback")
    with SafeFetcher(allowed.fetching) as fetcher, refused:
        fetcher.get(f"http://{feed_host}:{port}/go", PAGE_TYPES)
    assert [r.path for r in site.requests] == ["/go"]


def test_private_addresses_are_refused_by_default(site: NewsSite, settings: Settings):
    with (
        SafeFetcher(settings.fetching) as fetcher,
        pytest.raises(UrlRefusedError, match="127.0.0.1"),
    ):
        fetcher.get(site.url("/a"))
    assert site.requests == []


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/feed", "http://user:pw@example.org/", "http:///x"],
)
def test_only_plain_http_urls_are_fetched(url: str):
    with pytest.raises(UrlRefusedError):
        UrlPolicy().check(url)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("2606:4700::1111", True),
        # IPv6 forms that carry an IPv4 address are judged by the address they carry
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::ffff:8.8.8.8", True),
        ("::127.0.0.1", False),  # IPv4-compatible (deprecated, still routed by some stacks)
        ("::10.1.2.3", False),
        ("::8.8.8.8", True),
        ("::", False),
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", False),  # 6to4 of 169.254.169.254
        ("2002:808:808::1", True),
        ("2001:0:4136:e378:8000:ffff:80ff:fffe", False),  # Teredo, client 127.0.0.1 (XOR-ed)
        ("2001:0:4136:e378:8000:ffff:f7f7:f7f7", False),  # Teredo, client 8.8.8.8: 2001::/23
        ("64:ff9b::7f00:1", False),  # NAT64 well-known prefix, 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::7f00:1", False),  # local-use NAT64 prefix: never public
        ("64:ff9b:1::808:808", False),
    ],
)
def test_which_addresses_are_public(address: str, public: bool):
    assert is_public(address) is public


@pytest.mark.parametrize("host", ["[::127.0.0.1]", "[64:ff9b::7f00:1]", "[::ffff:127.0.0.1]"])
def test_loopback_inside_an_ipv6_address_is_refused_before_connecting(
    site: NewsSite, settings: Settings, host: str
):
    port = site.base.rsplit(":", 1)[1]
    with (
        SafeFetcher(settings.fetching) as fetcher,
        pytest.raises(UrlRefusedError, match="loopback"),
    ):
        fetcher.get(f"http://{host}:{port}/a", PAGE_TYPES)
    assert site.requests == []


def test_wrong_content_types_are_refused(site: NewsSite, fetch_settings: Settings):
    site.routes["/img"] = Route(b"\x89PNG", content_type="image/png")
    with (
        SafeFetcher(fetch_settings.fetching) as fetcher,
        pytest.raises(FetchError, match="image/png"),
    ):
        fetcher.get(site.url("/img"), FEED_TYPES)


def test_conditional_get_sends_the_validators(site: NewsSite, fetch_settings: Settings):
    site.routes["/feed"] = Route(b"<rss/>", content_type="application/rss+xml", etag='"v1"')
    with SafeFetcher(fetch_settings.fetching) as fetcher:
        first = fetcher.get(site.url("/feed"), FEED_TYPES)
        second = fetcher.get(site.url("/feed"), FEED_TYPES, etag=first.etag)
    assert first.etag == '"v1"' and not first.not_modified
    assert second.not_modified and second.body == b""
    assert site.hits("/feed")[1].headers["if-none-match"] == '"v1"'


def test_billion_laughs_is_refused_before_parsing():
    with pytest.raises(FeedError, match="entities"):
        parse_feed(BILLION_LAUGHS, "http://example.org/feed", 10)


@pytest.mark.parametrize(
    "body", [b"<rss><channel><item><title>broken", b"not xml at all", b"", b"<html><p>hi</p>"]
)
def test_malformed_feeds_are_a_clear_error(body: bytes):
    with pytest.raises(FeedError, match="not a valid RSS or Atom feed"):
        parse_feed(body, "http://example.org/feed", 10)


class RebindingResolver:
    """A hostile DNS: a public address for the first question, loopback ever after."""

    def __init__(self) -> None:
        self.questions = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.questions += 1
        return ["93.184.216.34"] if self.questions == 1 else ["127.0.0.1"]


def test_dns_rebinding_between_check_and_connect_reaches_nothing(
    site: NewsSite, settings: Settings
):
    """The check sees a public address; the connection must not go to the loopback one."""
    port = site.base.rsplit(":", 1)[1]
    site.routes["/a"] = Route(b"<html><body><p>secret</p></body></html>")
    policy = UrlPolicy(resolver=RebindingResolver())
    with (
        SafeFetcher(settings.fetching, policy) as fetcher,
        pytest.raises(UrlRefusedError, match="127"),
    ):
        fetcher.get(f"http://localhost:{port}/a", PAGE_TYPES)
    assert site.requests == []


def test_connections_go_to_the_addresses_the_policy_resolved(site: NewsSite, settings: Settings):
    """`news.invalid` resolves nowhere but in the policy: fetching it proves the pinning."""
    port = site.base.rsplit(":", 1)[1]
    site.routes["/a"] = Route(b"<html><body><p>pinned</p></body></html>")
    policy = UrlPolicy(
        private_hosts=[f"news.invalid:{port}"], resolver=lambda host, port: ["127.0.0.1"]
    )
    with SafeFetcher(settings.fetching, policy) as fetcher:
        fetched = fetcher.get(f"http://news.invalid:{port}/a", PAGE_TYPES)
    assert b"pinned" in fetched.body
    assert site.requests[0].headers["host"] == f"news.invalid:{port}"


@pytest.mark.parametrize(("certified", "works"), [("news.invalid", True), ("evil.invalid", False)])
def test_https_through_a_pinned_address_still_verifies_the_host_name(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    certified: str,
    works: bool,
):
    """Connected to 127.0.0.1, the certificate is still checked against `news.invalid`."""
    authority = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(certified).configure_cert(server_tls)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # trust the test's CA only
    with running_news_site(server_tls) as site:
        port = site.base.rsplit(":", 1)[1]
        site.routes["/a"] = Route(b"<html><body><p>over tls</p></body></html>")
        policy = UrlPolicy(
            private_hosts=[f"news.invalid:{port}"], resolver=lambda host, port: ["127.0.0.1"]
        )
        with SafeFetcher(settings.fetching, policy) as fetcher:
            if works:
                assert b"over tls" in fetcher.get(f"https://news.invalid:{port}/a").body
            else:
                with pytest.raises(FetchError, match="cannot connect"):
                    fetcher.get(f"https://news.invalid:{port}/a")
                assert site.requests == []
