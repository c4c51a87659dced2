"""The newest articles, all of them or those the search finds on a topic (`/latest`).

Without a topic the catalog lists them (`Catalog.newest`: no model). With one, the search's
hits (and the articles folded into them as the same story) are ordered newest first: a
topic narrows the list, the dates order it.
"""

from index.models import Answer, Article


def newest_found(answer: Answer, limit: int) -> list[Article]:
    """The articles of `answer`'s hits, each once, newest first (undated ones last, in the
    search's order)."""
    seen: dict[str, Article] = {}
    for hit in answer.hits:
        for article in (hit.article, *hit.siblings):
            seen.setdefault(article.id, article)
    found = list(seen.values())
    dated = sorted((a for a in found if a.published), key=lambda a: a.published or "", reverse=True)
    return (dated + [a for a in found if not a.published])[:limit]
