"""Turn a registered source into documents: feeds (and the pages they link), pages, paths.

Documents are yielded one at a time, so each is saved and embedded before the next is
fetched: a crash part-way keeps everything done so far, and the rerun skips it. A feed's
validators are stored only after all its items are through, so an interrupted fetch is
repeated in full (known items are skipped without a request) rather than answered by a 304.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from courlan import normalize_url

from index.errors import ExtractionError, InputError
from index.models import DocumentFailure, ExtractedDocument, SourceDocument
from index.settings import FetchSettings
from index.sources.extraction import decode_bytes, extract_html, extract_plain
from index.sources.feeds import FeedItem, looks_like_feed, parse_feed
from index.sources.local_files import read_local_files
from index.sources.registry import Source, SourceKind, SourceRegistry
from index.sources.safe_fetch import FEED_TYPES, PAGE_TYPES, SafeFetcher
from index.sources.url_policy import without_userinfo

log = logging.getLogger(__name__)

Document = SourceDocument | DocumentFailure

_MIN_SUMMARY_CHARS = 200  # a feed summary this long stands in for a page that failed


def canonical_url(url: str) -> str:
    """The same article reached with tracking parameters (courlan's list: utm_*, fbclid, ...),
    a fragment, a default port or its parameters in another order is one URL."""
    parts = urlsplit(url.strip())
    return normalize_url(parts._replace(path=parts.path or "/", fragment=""))


class SourceReader:
    """Reads sources with one fetcher; `expected` grows as feeds reveal their items."""

    def __init__(
        self,
        settings: FetchSettings,
        registry: SourceRegistry,
        fetcher: SafeFetcher,
        is_known: Callable[[str], bool],
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.fetcher = fetcher
        self.is_known = is_known  # key -> already stored, so no need to fetch it again
        self.expected = 0

    def documents(self, sources: list[Source]) -> Iterator[Document]:
        self.expected = len(sources)
        for source in sources:
            yield from self.read(source)

    def read(self, source: Source) -> Iterator[Document]:
        """Every document of one source; a source-level failure is recorded and yielded."""
        try:
            if source.kind == "feed":
                yield from self._feed(source)
            elif source.kind == "page":
                yield from self._page(source)
            else:
                yield from self._path(source)
        except InputError as exc:
            self.registry.record_error(source.id, str(exc))
            log.warning("source #%s (%s): %s", source.id, source.name, exc)
            yield DocumentFailure(source.location, f"source #{source.id} {source.name}: {exc}")

    def _feed(self, source: Source) -> Iterator[Document]:
        fetched = self.fetcher.get(
            source.location,
            FEED_TYPES + ("text/plain", "text/html"),
            source.etag,
            source.last_modified,
        )
        if fetched.not_modified:
            self.registry.record_success(source.id, source.etag, source.last_modified)
            return
        feed = parse_feed(fetched.body, source.location, self.settings.feed_max_items)
        fresh = [item for item in feed.items if not self.is_known(canonical_url(item.link))]
        self.expected += len(fresh) - 1  # the feed stood for one document: its items replace it
        for item in fresh:
            yield self._item(source, item)
        self.registry.record_success(source.id, fetched.etag, fetched.last_modified)

    def _item(self, source: Source, item: FeedItem) -> Document:
        """The linked article page; the feed's own text when the page cannot be had."""
        key = canonical_url(item.link)
        try:
            document = self._extract_page(item.link)
        except InputError as exc:
            if len(item.summary) < _MIN_SUMMARY_CHARS:
                return DocumentFailure(key, f"{source.name}: {exc}")
            log.info("%s: using the feed's text instead (%s)", item.link, exc)
            document = ExtractedDocument(
                text=item.summary, title=item.title or item.summary[:80], url=item.link
            )
        # The feed's own date first: the page's may be of a later update, or any date its
        # text happens to mention.
        document = ExtractedDocument(
            text=document.text,
            title=item.title or document.title,
            published=item.published or document.published,
            outlet=document.outlet or source.name,
            url=item.link,
        )
        return SourceDocument(key=key, source=source.name, document=document, source_id=source.id)

    def _page(self, source: Source) -> Iterator[Document]:
        fetched = self.fetcher.get(source.location, PAGE_TYPES, source.etag, source.last_modified)
        if not fetched.not_modified:
            document = self._extracted(fetched.body, fetched.content_type, source.location)
            yield SourceDocument(
                key=canonical_url(source.location),
                source=source.name,
                document=document,
                source_id=source.id,
            )
        self.registry.record_success(source.id, fetched.etag, fetched.last_modified)

    def _path(self, source: Source) -> Iterator[Document]:
        path = Path(source.location)
        if not path.exists():
            raise InputError(f"{path} no longer exists")
        for item in read_local_files([path], self.settings.max_file_bytes):
            if isinstance(item, SourceDocument):
                item = SourceDocument(item.key, source.name, item.document, source.id)
            yield item
        self.registry.record_success(source.id)

    def _extract_page(self, url: str) -> ExtractedDocument:
        fetched = self.fetcher.get(url, PAGE_TYPES)
        return self._extracted(fetched.body, fetched.content_type, url)

    @staticmethod
    def _extracted(body: bytes, content_type: str, url: str) -> ExtractedDocument:
        text = decode_bytes(body, url)
        try:
            if content_type == "text/plain":
                return replace(extract_plain(text), url=url)
            return extract_html(text, url)
        except ExtractionError as exc:
            raise ExtractionError(f"{url}: {exc}") from None


def identify_source(
    location: str, fetcher: SafeFetcher, settings: FetchSettings
) -> tuple[SourceKind, str, str]:
    """(kind, normalised location, suggested name) of what an admin wants to follow."""
    if urlsplit(location).scheme.lower() not in ("http", "https"):
        if "://" in location:
            shown = without_userinfo(location)
            raise InputError(f"only http(s) URLs and local paths can be sources, not {shown}")
        path = Path(location).expanduser().resolve()
        if not path.exists():
            raise InputError(f"no such file or folder: {location}")
        return "path", str(path), path.name
    fetched = fetcher.get(location)
    if fetched.content_type in FEED_TYPES or looks_like_feed(fetched.body):
        feed = parse_feed(fetched.body, location, settings.feed_max_items)
        return "feed", location, feed.title
    document = SourceReader._extracted(fetched.body, fetched.content_type, location)
    return "page", location, document.outlet or urlsplit(location).hostname or location
