"""`newsbot check`: do SQLite (the record of truth) and Chroma (the index) agree?

Drift comes from a crash between the two writes, a store restored from an older backup, or a
hand-edited database. Every passage id is derived from its article (`<article id>:<seq>`),
so the set of ids Chroma must hold can be computed from SQLite alone and compared.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.store.article_db import ArticleDB

if TYPE_CHECKING:  # a check that repairs nothing needs neither the model nor the indexer
    from index.store.indexer import Indexer
    from index.store.vectors import VectorStore


@dataclass
class ConsistencyReport:
    """What disagreed, and what was done about it."""

    articles: int = 0
    expected_passages: int = 0
    stored_passages: int = 0
    unembedded: list[str] = field(default_factory=list)  # article ids lacking passages
    orphans: int = 0  # passages with no article (or a stale one) behind them
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        return not self.unembedded and not self.orphans

    def summary(self) -> str:
        state = "consistent" if self.consistent else "drift found"
        if not self.consistent and self.repaired:
            state = "drift repaired"
        return (
            f"{state}: {self.articles} articles, {self.expected_passages} passages expected, "
            f"{self.stored_passages} in the vector store; {len(self.unembedded)} articles to "
            f"(re)embed, {self.orphans} orphan passages"
        )


def check_store(
    db: ArticleDB, store: "VectorStore", indexer: "Indexer | None" = None
) -> ConsistencyReport:
    """Compare; with an `indexer`, repair: re-embed what is missing, delete orphans."""
    report = ConsistencyReport()
    counts = db.embedded_passages(store.name)
    stored = store.ids()
    expected: set[str] = set()
    for article in db.all_articles():
        report.articles += 1
        n = counts.get(article.id)
        ids = {f"{article.id}:{seq}" for seq in range(n or 0)}
        if n is None or not db.is_embedded(store.name, article) or not ids <= stored:
            report.unembedded.append(article.id)
            continue
        expected |= ids
    report.expected_passages = sum(counts.get(a, 0) for a in counts if a not in report.unembedded)
    report.stored_passages = len(stored)
    unembedded = set(report.unembedded)
    orphans = [pid for pid in stored - expected if pid.rsplit(":", 1)[0] not in unembedded]
    report.orphans = len(orphans)
    if indexer is None or report.consistent:
        return report
    store.delete_ids(orphans)
    for article_id in report.unembedded:
        db.unmark_embedded(store.name, article_id)
    to_embed = db.get_many(report.unembedded)
    indexer.embed_many([to_embed[a] for a in report.unembedded if a in to_embed])
    report.repaired = True
    return report
