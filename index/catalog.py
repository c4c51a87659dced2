"""The catalog: every record newsbot keeps, without the model or the vector store.

Sources, subscriptions and the alert outbox, and what the index holds, are rows in the article
database: listing or changing them needs SQLite only. Commands that need nothing more
(`sources list`, `subscriptions`, `stats`) open a Catalog and answer in a fraction of a
second; the search core (`index/news_index.py`) is built on top of the same Catalog.
"""

from dataclasses import dataclass, field

from index.alerts.outbox import Outbox
from index.alerts.subscriptions import Subscriptions
from index.errors import StoreError
from index.models import Article
from index.settings import IndexSettings
from index.sources.registry import SourceRegistry
from index.store.article_db import ArticleDB
from index.store.vector_census import lost_passages, stored_passages


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
    """Sources, subscriptions and the outbox, over one records database."""

    def __init__(self, settings: IndexSettings, db: ArticleDB) -> None:
        self.settings = settings
        self.db = db
        self.sources = SourceRegistry(db)
        self.subscriptions = Subscriptions(
            db, settings.max_subscriptions_per_chat, settings.max_topic_chars
        )
        self.outbox = Outbox(db)

    @classmethod
    def open(cls, settings: IndexSettings) -> "Catalog":
        """Open (or create) the data dir's article database; a damaged one is a
        DatabaseCorruptError that says how to restore it."""
        return cls(settings, ArticleDB(settings.db_path, settings.database_url))

    def articles(self, ids: list[str]) -> dict[str, Article]:
        """The stored articles of `ids` (those still there), by id."""
        return self.db.get_many(ids)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        if self.settings.chroma_url or not facts.passages:
            return None
        folder = self.settings.chroma_path
        try:
            stored = stored_passages(folder, facts.collection, self.settings.db_path)
        except StoreError as exc:
            return exc
        if stored is not None and stored < facts.passages:
            return lost_passages(stored, facts.passages, folder)
        return None
