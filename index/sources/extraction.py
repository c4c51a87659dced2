"""Turn raw bytes (a text, Markdown or HTML document) into clean text with its metadata.

Kept apart from where the bytes come from, so local files and fetched pages share it.
"""

import re

import charset_normalizer
import trafilatura
from htmldate import find_date
from trafilatura.settings import set_date_params

from index.errors import ExtractionError
from index.models import ExtractedDocument

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")

# "date 2025-10-22 (VTC News) -" as the first line of a wire text.
_DATELINE = re.compile(
    r"^\s*(?:date\s+)?(\d{4}-\d{2}-\d{2})\s*(?:\(([^)]{1,80})\))?\s*[-–—:]?\s*$", re.I
)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_TITLE_MAX = 120
_HEADLINE_MAX = 150
_SENTENCE_END = re.compile(r"[.;:,।。]\s*$")
# A site "name" that is only where the page came from (trafilatura falls back to the host).
_HOST = re.compile(r"(?:www\.)?(?:[\w-]+\.)+[\w-]+(?::\d+)?|[\w.-]+:\d+|localhost")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode text of unknown encoding; refuse binary data instead of indexing noise."""
    if not data.strip():
        raise ExtractionError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise ExtractionError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None or best.chaos > 0.2:
        raise ExtractionError(
            f"{name}: the text encoding cannot be recognised; save it as UTF-8 and retry"
        )
    # Central and Western European code pages read the same bytes equally "cleanly";
    # undeclared legacy news text is far more often Western (cp1252, a latin-1 superset).
    western = next((r for r in results if r.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos:
        return str(western)
    return str(best)


def extract_plain(text: str) -> ExtractedDocument:
    """Plain text or Markdown: a leading dateline gives date and outlet, a heading the title."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    published = outlet = None
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and (match := _DATELINE.match(lines[0])):
        published, outlet = match.group(1), (match.group(2) or "").strip() or None
        lines.pop(0)
    body = "\n".join(lines).strip()
    if not body:
        raise ExtractionError("the document has no text besides its dateline")
    first = next(line for line in lines if line.strip())
    heading = _MD_HEADING.match(first)
    title = heading.group(1) if heading else first.strip()
    if not heading and not is_headline(title, body):
        title = ""  # the text starts with its first sentence: there is no headline
    return ExtractedDocument(text=body, title=shorten(title), published=published, outlet=outlet)


def is_headline(line: str, body: str) -> bool:
    """A first line that is a headline: short, with no sentence end, and more text below."""
    line = " ".join(line.split())
    return (
        0 < len(line) <= _HEADLINE_MAX
        and not _SENTENCE_END.search(line)
        and len(body.strip()) > len(line) + 1
    )


def extract_html(html: str, url: str | None = None) -> ExtractedDocument:
    """Main text, title, date and site name of a web page, through trafilatura.

    The date is the page's metadata (meta tags, JSON-LD, <time>, htmldate's quick search)
    when it has one; only without it is a date searched for in the whole text. A feed's own
    date wins over both (index/sources/reading.py). A site name that is only the host is no
    name."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        date_extraction_params=set_date_params(extensive=False),  # metadata only
    )
    text = (getattr(doc, "text", None) or "").strip() if doc else ""
    if not text:
        raise ExtractionError("the page has no readable article text")
    title = getattr(doc, "title", None) or text.split("\n", 1)[0]
    published = getattr(doc, "date", None) or None
    if published is None:
        published = find_date(html, url=url, extensive_search=True, original_date=True) or None
    sitename = (getattr(doc, "sitename", None) or "").strip()
    return ExtractedDocument(
        text=text,
        title=shorten(title),
        published=published,
        outlet=None if not sitename or _HOST.fullmatch(sitename) else sitename,
        url=getattr(doc, "url", None) or url,
    )


def extract_document(data: bytes, name: str, url: str | None = None) -> ExtractedDocument:
    """Pick the extractor from the name's suffix (HTML sniffed when there is none)."""
    text = decode_bytes(data, name)
    lowered = name.lower()
    is_html = lowered.endswith(HTML_SUFFIXES) or (
        not lowered.endswith(TEXT_SUFFIXES)
        and text.lstrip()[:100].lower().startswith(("<!doctype html", "<html"))
    )
    try:
        return extract_html(text, url) if is_html else extract_plain(text)
    except ExtractionError as exc:
        raise ExtractionError(f"{name}: {exc}") from None


def shorten(title: str, limit: int = _TITLE_MAX) -> str:
    """One line, at most `limit` characters, cut at a word boundary with an ellipsis."""
    line = " ".join(title.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
