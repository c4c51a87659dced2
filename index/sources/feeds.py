"""RSS and Atom feeds: bytes in (fetched elsewhere, with limits), items out.

feedparser parses; it never fetches here (its own fetching has no timeout). Entity
declarations are refused before parsing: a news feed never needs them, and they are how the
"billion laughs" attack makes a parser expand a few kilobytes into gigabytes.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html

from index.errors import FeedError

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
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


def _item(entry: Any) -> FeedItem:
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else entry.get("summary", "")
    return FeedItem(
        link=str(entry.get("link")).strip(),
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
