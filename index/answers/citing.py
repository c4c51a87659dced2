"""How an article is named to a reader: its headline (when its title is one) and its outlet.

Both fronts and the writer's prompt name articles the same way, and never by a file path.
An article without a headline (a local file that starts with its first sentence) is named by
that sentence, cut at a word boundary: made when shown, from the stored text, so articles
indexed before this rule existed are named the same way without a reindex.
"""

import re
from functools import lru_cache
from pathlib import PurePath

from index.models import Article
from index.passages.sentences import caption_flags, split_sentences, strip_credit

MADE_HEADLINE_CHARS = 75  # a headline made from a first sentence is cut beyond this
_OPENING_CHARS = 1500  # of the text, enough for its first sentence
_DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
_GLUE = " :-–—\n"  # what separates a headline glued to the text's first sentence
_HOSTLIKE = re.compile(r"(?:[\w-]+\.)+[\w-]+(?::\d+)?|[\w.-]+:\d+")


def headline(article: Article) -> str | None:
    """The article's headline, or None when its title is not one: a title that is a
    sentence ("… tuần này.", "…।") or a cut sentence ("…") is the body's start, not a
    headline, and a reader is better served by the outlet's name."""
    title = " ".join(article.title.split())
    if not title or title.endswith((".", "।", "。", "…", "!", ";", ":")):
        return None
    return title if len(title) <= 150 else None


def shown_title(article: Article) -> str:
    """The article's name where a reader sees it: its headline, else a headline made from
    its own first sentence, else its outlet; never a file name."""
    return headline(article) or made_headline(article) or known_outlet(article) or ""


def made_headline(article: Article) -> str:
    """The article's first sentence (captions and credits skipped) as a headline: whole
    without its full stop when short, else cut at a word boundary with "…"; "" if none."""
    return _first_sentence_headline(article.text[:_OPENING_CHARS], article.lang)


@lru_cache(maxsize=4096)
def _first_sentence_headline(opening: str, lang: str) -> str:
    sentences = split_sentences(opening, lang)
    flags = caption_flags(sentences)
    first = next(
        (strip_credit(s) for s, caption in zip(sentences, flags, strict=True) if not caption), ""
    )
    line = " ".join(first.split())
    if len(line) <= MADE_HEADLINE_CHARS:
        return line.rstrip(".।。")
    cut = line[: MADE_HEADLINE_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def without_headline(text: str, article: Article) -> str:
    """`text` (a passage, a sentence) without the article's headline glued to its start:
    a feed's text often opens with the headline as a line of its own, which passages and
    sentences join to the first sentence. Only then: a first sentence that merely begins
    with the headline's words ("Summit dropped" / "Summit dropped by Hungary.") is kept."""
    title = headline(article)
    stripped = text.lstrip()
    if not title or not stripped.startswith(title) or not stripped[len(title) :].strip():
        return text
    opening = article.text.lstrip()
    after = opening[len(title) :].lstrip(" \t")[:1] if opening.startswith(title) else ""
    if after and after in "\n:-–—|":
        return stripped[len(title) :].lstrip(_GLUE)
    return text


def outlet_name(article: Article) -> str:
    """Who published the article, for people: the outlet (site or feed name), else the
    source's name; never a file path (a local file is named by its file name) and never a
    bare host:port when a real name is known. Where readers see it, `known_outlet`."""
    return known_outlet(article) or _file_name(article) or article.id


def known_outlet(article: Article) -> str | None:
    """The outlet (site or feed name), else the source's name; None when the only name is
    a file's (a chat never shows a server's file names); never a bare host:port when a real
    name is known."""
    names = [n for n in _names(article) if not _is_path(n, article)]
    named = next((n for n in names if not _HOSTLIKE.fullmatch(n)), None)
    if named:
        return named
    if names:  # only a host: without its port, and without "www."
        return names[0].rsplit(":", 1)[0].removeprefix("www.")
    return None


def _file_name(article: Article) -> str | None:
    return next((PurePath(n).name for n in _names(article) if _is_path(n, article)), None)


def _names(article: Article) -> list[str]:
    """The article's outlet and source, where given."""
    return [n.strip() for n in (article.outlet, article.source) if n and n.strip()]


def source_label(name: str) -> str:
    """A source as listed to an operator (`newsbot stats`): a file path by its file name."""
    return PurePath(name).name if is_local_file(name) else name


def is_local_file(name: str) -> bool:
    """A source named by a file's path (absolute, or relative with a document's suffix),
    not by an outlet: what a chat never shows."""
    if _absolute(name):
        return True
    return "://" not in name and name.lower().endswith(_DOCUMENT_SUFFIXES)


def _is_path(name: str, article: Article) -> bool:
    """A file path (absolute or relative) as the source of a local file."""
    if _absolute(name):
        return True
    return article.url is None and ("/" in name or "\\" in name)


def _absolute(name: str) -> bool:
    """An absolute path or file: URL, POSIX or Windows."""
    return name.startswith(("/", "~", "file:")) or bool(re.match(r"^[A-Za-z]:[\\/]", name))
