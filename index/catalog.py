"""The catalog: every record newsbot keeps, without the model or the vector store.

Sources, subscriptions and the alert outbox, and what the index holds, are rows in the article
database: listing or changing them needs SQLite only. Commands that need nothing more
(`sources list`, `subscriptions`, `stats`) open a Catalog and answer in a fraction of a
second; the search core (`index/news_index.py`) is built on top of the same Catalog.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.alerts.outbox import Outbox
from index.alerts.subscriptions import Subscriptions
from index.errors import StoreError
from index.models import Article
from index.settings import StoreSettings, SubscriptionSettings
from index.sources.registry import SourceRegistry
from index.store.article_db import ArticleDB
from index.store.consistency import ConsistencyReport, check_store
from index.store.vector_census import lost_passages, stored_passages

if TYPE_CHECKING:  # chromadb is imported only by what opens a vector store
    from index.store.vectors import VectorStore


@dataclass(frozen=True)
class IndexStats:
    """What the index holds, for `newsbot stats` and the bot's /help."""

    articles: int
    passages: int
    embedded_articles: int
    languages: dict[str, int]
    sources: dict[str, int]
    model: str
    collection: str
    other_models: list[str] = field(default_factory=list)


class Catalog:
    """Sources, subscriptions and the outbox, over one article database (opened by the
    composition root, `bot/root.py`)."""

    def __init__(
        self, db: ArticleDB, storage: StoreSettings, subscriptions: SubscriptionSettings
    ) -> None:
        self.db = db
        self.storage = storage
        self.sources = SourceRegistry(db)
        self.subscriptions = Subscriptions(
            db, subscriptions.max_per_chat, subscriptions.max_topic_chars
        )
        self.outbox = Outbox(db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def count(self) -> int:
        """How many articles are stored."""
        return self.db.count()

    def articles(self, ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles of `ids` that still exist, by id."""
        return self.db.get_many(list(ids))

    def newest(self, limit: int) -> list[Article]:
        """The `limit` most recent articles: by publication date, else when they were stored."""
        return self.db.newest(limit)

    def vector_space(self) -> tuple[str, str] | None:
        """(collection, model) the last writer used, as the records say; None before any."""
        return self.db.current_space()

    def check(self, store: "VectorStore") -> ConsistencyReport:
        """Compare the records with `store`, repairing nothing (`newsbot check --dry-run`)."""
        return check_store(self.db, store)

    def stats(self, collection: str | None = None, model: str | None = None) -> IndexStats:
        """Counts for `collection` (built by `model`); by default the vector space the last
        writer used, as the article database records it: no model is loaded to tell."""
        if collection is None or model is None:
            collection, model = self.db.current_space() or ("none", "none (nothing embedded)")
        embedded, passages = self.db.embedded_counts(collection)
        others = [m for c, m in self.db.spaces().items() if c != collection]
        return IndexStats(
            articles=self.db.count(),
            passages=passages,
            embedded_articles=embedded,
            languages=self.db.languages(),
            sources=self.db.sources(),
            model=model.split("|", 1)[0],
            collection=collection,
            other_models=[m.split("|", 1)[0] for m in others],
        )

    def vectors_problem(self, facts: IndexStats) -> StoreError | None:
        """What is wrong with the data dir's vector store, told without Chroma or the model:
        it cannot be read, or holds fewer passages than `facts` (the records) say. None when
        it agrees, or lives on a Chroma server (`newsbot check --dry-run` asks that one)."""
        if self.storage.chroma_url or not facts.passages:
            return None
        folder = self.storage.chroma_path
        try:
            stored = stored_passages(folder, facts.collection, self.storage.db_path)
        except StoreError as exc:
            return exc
        if stored is not None and stored < facts.passages:
            return lost_passages(stored, facts.passages, folder)
        return None
