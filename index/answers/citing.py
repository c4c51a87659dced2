"""How an article is named to a reader: its headline (when its title is one) and its outlet.

Both fronts and the writer's prompt name articles the same way, and never by a file path.
"""

import re
from pathlib import PurePath

from index.models import Article

_HOSTLIKE = re.compile(r"(?:[\w-]+\.)+[\w-]+(?::\d+)?|[\w.-]+:\d+")


def headline(article: Article) -> str | None:
    """The article's headline, or None when its title is not one: a title that is a
    sentence ("… tuần này.", "…।") or a cut sentence ("…") is the body's start, not a
    headline, and a reader is better served by the outlet's name."""
    title = " ".join(article.title.split())
    if not title or title.endswith((".", "।", "。", "…", "!", ";", ":")):
        return None
    return title if len(title) <= 150 else None


def outlet_name(article: Article) -> str:
    """Who published the article, for people: the outlet (site or feed name), else the
    source's name; never a file path (a local file is named by its file name) and never a
    bare host:port when a real name is known."""
    names = [n.strip() for n in (article.outlet, article.source) if n and n.strip()]
    names = [PurePath(n).name if _is_path(n, article) else n for n in names]
    named = next((n for n in names if not _HOSTLIKE.fullmatch(n)), None)
    if named:
        return named
    if names:  # only a host: without its port, and without "www."
        return names[0].rsplit(":", 1)[0].removeprefix("www.")
    return article.id


def source_label(name: str) -> str:
    """A source as listed to readers (/help): a file path by its file name."""
    return PurePath(name).name if name.startswith(("/", "~", "file:")) else name


def _is_path(name: str, article: Article) -> bool:
    """A file path (absolute or relative) as the source of a local file."""
    if name.startswith(("/", "~", "file:")) or re.match(r"^[A-Za-z]:[\\/]", name):
        return True
    return article.url is None and ("/" in name or "\\" in name)
