"""Answers as Telegram HTML: a block per article, escaped, bold best sentences, within the limit.

Telegram refuses a message longer than 4096 characters after entity parsing (the visible
text, counted in UTF-16 code units). The raw HTML is always at least as long as its visible
text, so keeping the *raw* HTML within the limit, counted in UTF-16, keeps both safe.
Every string that comes from outside (titles, passages, URLs, questions) goes through
`html.escape` here and nowhere else.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.dates import human_date
from bot.telegram import texts
from index.answers.citing import known_outlet, shown_title
from index.answers.pages import MAX_SNIPPETS, AnswerPages, ArticleBlock
from index.answers.writer import WrittenAnswer
from index.models import Article, Hit

MAX_MESSAGE = 4096
MAX_SIBLINGS = 5  # sibling sources named under a citation; the rest are counted
MAX_WRITTEN = 1600  # UTF-16 units of the written answer's block: the passages need the rest
_ELLIPSIS = "…"
_WEB = ("http", "https")
_TAG = re.compile(r"(<[^>]*>)")
_ATOM = re.compile(r"&[#\w]+;|\S+\s*|\s+")


@dataclass(frozen=True)
class Page:
    """One screen of an answer: its HTML and whether another page follows."""

    html: str
    number: int  # 0-based
    pages: int

    @property
    def has_more(self) -> bool:
        return self.number + 1 < self.pages


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    return html.escape(text, quote=True)


# --- answers ----------------------------------------------------------------------------------


def render_page(
    pages: AnswerPages, number: int, lang: str, written: WrittenAnswer | None = None
) -> Page:
    """Page `number` of an answer: one block per article, within one message.

    A written answer, when given, goes on top (callers give it for the page the reader is on
    when it arrives, then for the first page); its [n] point at passages, and are shown as
    the numbers of the articles those passages belong to."""
    answer = pages.answer
    if not answer.hits:
        return Page(texts.text(lang, "nothing_found", question=escape(answer.question)), 0, 1)
    count = pages.count
    number = min(max(number, 0), count - 1)
    blocks = pages.page(number)
    header = written_html(pages.renumbered(written), lang) + "\n\n" if written else ""
    if not answer.answered:
        header = f"<i>{texts.text(lang, 'nearest_only')}</i>\n\n" + header
    footer = f"\n\n<i>{texts.text(lang, 'page', page=number + 1, pages=count)}</i>"
    footer = footer if count > 1 else ""
    for snippets in (MAX_SNIPPETS, 1):  # a crowded page drops second snippets first
        body = "\n\n".join(block_html(block, lang, snippets) for block in blocks)
        markup = header + body + footer
        if utf16_len(markup) <= MAX_MESSAGE:
            break
    else:
        markup = split_html(header + body)[0] + footer
    return Page(markup, number, count)


def block_html(block: ArticleBlock, lang: str, snippets: int = MAX_SNIPPETS) -> str:
    """`[1] Headline` (linked), `Outlet · 22 Oct 2025` (and "weaker match" for a weak story),
    then its snippets, each from another article of the story under a line naming it, then
    "Also in"."""
    lines = [citation_html(block.article, block.number, lang)]
    if block.weak:
        lines[0] += f" · <i>{texts.text(lang, 'weak_match')}</i>"
    for snippet in block.snippets[:snippets]:
        if snippet.article.id != block.article.id:
            lines.append(snippet_source_html(snippet.article, lang))
        lines.append(
            escape(snippet.before) + "<b>" + escape(snippet.best) + "</b>" + escape(snippet.after)
        )
    if block.siblings:
        lines.append(also_in_html(block.siblings, lang))
    return "\n".join(lines)


def written_html(written: WrittenAnswer, lang: str, budget: int = MAX_WRITTEN) -> str:
    """The written answer, escaped and cut to `budget`, under a line saying who wrote it."""
    head = f"<i>{texts.text(lang, 'written_answer')}</i>\n"
    room = budget - utf16_len(head)
    limit = len(written.text)
    while True:
        body = escape(_clip(written.text, 0, limit))
        if utf16_len(body) <= room or limit <= 0:
            return head + body
        limit = max(0, min(limit - 1, limit * room // utf16_len(body)))


def render_hit(hit: Hit, number: int | None, lang: str, budget: int = MAX_MESSAGE) -> str:
    """One passage on its own (an alert): citation, "Also in", then the passage cut around
    its best sentence to fit `budget`."""
    head = citation_html(hit.article, number, lang) + "\n"
    if hit.siblings:
        head += also_in_html(hit.siblings, lang) + "\n"
    room = budget - utf16_len(head)
    limit = len(hit.passage.text)
    while True:
        body = passage_html(hit, limit)
        if utf16_len(body) <= room or limit <= 0:
            return head + body
        limit = max(0, limit - max(1, utf16_len(body) - room))


def citation_html(article: Article, number: int | None, lang: str) -> str:
    """`[1] Headline` linked to the article, then `Outlet · 22 Oct 2025` in italics. Without
    a headline its first sentence makes one; what is not known (a local file's outlet, a
    date) is left out, never a file name or "date unknown"."""
    url = article.url if article.url and urlsplit(article.url).scheme in ("http", "https") else None
    label = escape(shown_title(article))
    linked = f'<a href="{escape(url)}">{label}</a>' if url else label
    marker = f"[{number}] " if number is not None else ""
    details = byline(article, lang)
    return f"<b>{marker}{linked}</b>" + (f"\n<i>{escape(details)}</i>" if details else "")


def byline(article: Article, lang: str) -> str:
    """`Outlet · 22 Oct 2025`, with only what is known ("" for neither)."""
    parts = [known_outlet(article), human_date(article.published, lang)]
    return " · ".join(p for p in parts if p)


def snippet_source_html(article: Article, lang: str) -> str:
    """`VTC News (Vietnamese) · 22 Oct 2025:` above a story's snippet, the article it comes
    from (ending in a colon: a leading dash read, on a phone, as the byline of the passage
    above it)."""
    when = human_date(article.published, lang)
    dated = f" · {escape(when)}" if when else ""
    return f"<i>{source_link([article], lang)}{dated}:</i>"


def also_in_html(siblings: Sequence[Article], lang: str) -> str:
    """ "Also in:" and each outlet once, with the languages it told the story in."""
    outlets: dict[str, list[Article]] = {}
    for sibling in siblings:
        outlets.setdefault(_sibling_name(sibling), []).append(sibling)
    groups = list(outlets.values())
    listed = ", ".join(source_link(group, lang) for group in groups[:MAX_SIBLINGS])
    more = len(groups) - MAX_SIBLINGS
    listed += f" {texts.text(lang, 'and_more', count=more)}" if more > 0 else ""
    return f"<i>{texts.text(lang, 'also_in')} {listed}</i>"


def source_link(articles: Sequence[Article], lang: str) -> str:
    """`Outlet (Hindi, German)`: one outlet's articles of a story, their languages named in
    the reader's, linked to the first with a web address."""
    languages = dict.fromkeys(texts.language_name(a.lang, lang) for a in articles)
    label = f"{escape(_sibling_name(articles[0]))} ({escape(', '.join(languages))})"
    url = next((a.url for a in articles if a.url and urlsplit(a.url).scheme in _WEB), None)
    return f'<a href="{escape(url)}">{label}</a>' if url else label


def _sibling_name(article: Article) -> str:
    """An outlet; for a local file (no outlet) its headline, short."""
    name = known_outlet(article)
    if name:
        return name
    title = shown_title(article)
    return title if len(title) <= 40 else title[:39].rsplit(" ", 1)[0] + _ELLIPSIS


def passage_html(hit: Hit, limit: int) -> str:
    """The passage, escaped, best sentence in bold, at most `limit` characters of its text."""
    text, best = hit.passage.text, hit.best_sentence
    at = text.find(best) if best else -1
    if at < 0:
        return escape(_clip(text, 0, limit))
    if len(text) > limit:
        best = best[:limit]
        spare = max(0, limit - len(best))
        before = min(at, spare // 2)
        after = spare - before
        prefix = (_ELLIPSIS if at - before > 0 else "") + text[at - before : at]
        suffix = text[at + len(best) : at + len(best) + after]
        suffix += _ELLIPSIS if at + len(best) + after < len(text) else ""
        return escape(prefix) + "<b>" + escape(best) + "</b>" + escape(suffix)
    return escape(text[:at]) + "<b>" + escape(best) + "</b>" + escape(text[at + len(best) :])


def _clip(text: str, start: int, limit: int) -> str:
    piece = text[start : start + limit]
    return piece + _ELLIPSIS if start + limit < len(text) else piece


# --- any message ------------------------------------------------------------------------------


def split_html(markup: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut Telegram HTML into messages of at most `limit` UTF-16 units, tags kept balanced.

    Cuts prefer a line break outside any tag; otherwise a space; a single huge word is cut
    between characters, never inside a tag or an entity like `&amp;`. Tags open at a cut are
    closed at its end and reopened at the start of the next message.
    """
    if utf16_len(markup) <= limit:
        return [markup]
    chunks: list[str] = []
    current = ""
    stack: list[tuple[str, str]] = []  # (name, opening tag) of the tags open at `current`'s end
    line_break = -1  # a position in `current` just after a newline outside any tag

    def closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(tags))

    def opening(tags: list[tuple[str, str]]) -> str:
        return "".join(tag for _, tag in tags)

    for unit in _units(markup):
        while True:
            after = _apply(stack, unit)
            fresh = current == opening(stack)
            if fresh or utf16_len(current + unit + closing(after)) <= limit:
                current += unit
                stack = after
                if unit.endswith("\n") and not stack:
                    line_break = len(current)
                break
            if line_break >= len(current) // 2:
                chunks.append(current[:line_break].rstrip())
                current = current[line_break:].lstrip("\n")
            else:
                chunks.append(current + closing(stack))
                current = opening(stack)
            line_break = -1
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def _units(markup: str) -> list[str]:
    """Tags whole; text as words with their trailing space, entities whole; huge words as
    characters."""
    units: list[str] = []
    for piece in _TAG.split(markup):
        if not piece:
            continue
        if piece.startswith("<"):
            units.append(piece)
            continue
        for word in _ATOM.findall(piece):
            if len(word) > 200:
                units.extend(re.findall(r"&[#\w]+;|.", word, flags=re.S))
            else:
                units.append(word)
    return units


def _apply(stack: list[tuple[str, str]], unit: str) -> list[tuple[str, str]]:
    """The open-tag stack after `unit`."""
    if not unit.startswith("<"):
        return stack
    if unit.startswith("</"):
        name = unit[2:-1].strip().lower()
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                return stack[:i]
        return stack
    name = unit[1:-1].split(None, 1)[0].rstrip("/").lower()
    return [*stack, (name, unit)]
