"""RSS and Atom feeds: bytes in (fetched elsewhere, with limits), items out.

feedparser parses; it never fetches here (its own fetching has no timeout). Entity
declarations are refused before parsing: a news feed never needs them, and they are how the
"billion laughs" attack makes a parser expand a few kilobytes into gigabytes.

A feed's declared encoding is checked against its bytes before parsing, as pages' are: a feed
that says UTF-8 but sends cp1251 is decoded as what it is, not stored as mojibake.
"""

import calendar
import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html

from index.errors import ExtractionError, FeedError
from index.sources.extraction import decode_bytes
from index.sources.url_policy import without_userinfo

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECLARATION_TEXT = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


@dataclass(frozen=True)
class FeedItem:
    """One entry: where the article lives and what the feed itself says about it."""

    link: str
    title: str
    published: str | None  # ISO date-time (UTC) when the feed gives one
    summary: str  # plain text of the entry's content or summary


@dataclass(frozen=True)
class Feed:
    title: str
    items: tuple[FeedItem, ...]


def looks_like_feed(body: bytes) -> bool:
    """Cheap sniff for `sources add`: does this start like RSS, Atom or RDF?"""
    return _FEED_START.match(body[:4096].lstrip(b"\xef\xbb\xbf")) is not None


def parse_feed(body: bytes, url: str, max_items: int) -> Feed:
    """The newest `max_items` entries that have a link; FeedError when there is no feed."""
    if _ENTITY_DECLARATION.search(body):
        raise FeedError(f"{url}: the feed declares XML entities; refused (billion-laughs guard)")
    body = as_utf8(body, url)
    parsed = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": "application/xml"}
    )
    entries = [e for e in parsed.entries if e.get("link")]
    if not entries and (parsed.bozo or not parsed.feed):
        reason = getattr(parsed, "bozo_exception", None) or "no RSS or Atom elements"
        raise FeedError(f"{url}: not a valid RSS or Atom feed ({_first_line(reason)})")
    items = [_item(e) for e in entries]
    items.sort(key=lambda item: item.published or "", reverse=True)
    title = str(parsed.feed.get("title") or url)
    return Feed(title=" ".join(title.split()), items=tuple(items[:max_items]))


def as_utf8(body: bytes, url: str) -> bytes:
    """The feed's bytes in UTF-8, its XML declaration saying so, whatever it declared.

    Bytes that are valid UTF-8 are UTF-8 (another encoding's non-ASCII text almost never is);
    otherwise the declared encoding when the bytes decode in it; otherwise the encoding the
    bytes show (charset-normalizer, as for pages) -- the declaration was wrong.
    """
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body  # UTF-16 (and UTF-32) say what they are; feedparser reads them
    declaration = _XML_DECLARATION.match(body)
    found = _DECLARED_ENCODING.search(declaration.group(0)) if declaration else None
    declared = found.group(1).decode("ascii").lower() if found else "utf-8"
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decoded(body, declared, url)
    text = _XML_DECLARATION_TEXT.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8")


def _decoded(body: bytes, declared: str, url: str) -> str:
    if declared.replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return body.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return decode_bytes(body, url)
    except ExtractionError as exc:
        raise FeedError(str(exc)) from None


def _item(entry: Any) -> FeedItem:
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else entry.get("summary", "")
    return FeedItem(
        link=without_userinfo(str(entry.get("link")).strip()),  # never stored or shown
        title=" ".join(str(entry.get("title") or "").split()),
        published=_published(entry),
        summary=html_to_text(html),
    )


def _published(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    stamp = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return stamp.isoformat(timespec="seconds")


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return " ".join(html.split())
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _first_line(reason: object) -> str:
    line = str(reason).strip().split("\n", 1)[0][:200]
    return re.sub(r"^<unknown>:(\d+):(\d+):\s*", r"line \1, column \2: ", line)
