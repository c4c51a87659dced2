"""The core's front door: one object the CLI and the bot share to index and to ask.

Heavy things (the model, the Chroma client) are built here, once, at start-up.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.article_db import ArticleDB
from index.embedding import Embedder, load_embedder
from index.errors import ModelMismatchError
from index.indexer import Indexer, IndexReport, ProgressCallback
from index.local_files import read_local_files
from index.models import Answer, DocumentFailure, SourceDocument
from index.search import Searcher, clean_question, resolve_mode
from index.settings import IndexSettings
from index.store import VectorStore, open_client
from index.writer_lock import WriterLock

log = logging.getLogger(__name__)


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


class NewsIndex:
    """Articles, their vectors and the model, behind index / ask / stats."""

    def __init__(
        self,
        settings: IndexSettings,
        embedder: Embedder,
        db: ArticleDB,
        store: VectorStore,
        *,
        writable: bool = False,
        lock: WriterLock | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.db = db
        self.store = store
        self.indexer = Indexer(db, store, embedder, settings) if writable else None
        mode = resolve_mode(settings.retrieval, getattr(embedder, "notice", None) is not None)
        self.searcher = Searcher(
            db, store, embedder, settings.min_score, mode, settings.transliterate
        )
        self._lock = lock

    @classmethod
    def open(
        cls,
        settings: IndexSettings,
        *,
        writer: bool = False,
        embedder: Embedder | None = None,
        client: object | None = None,
    ) -> "NewsIndex":
        """Open the data dir; `writer=True` takes the single-writer lock (embedded store only)."""
        lock = None
        # A Chroma server serialises writes itself, so only the embedded store needs the lock.
        if writer and not settings.chroma_url:
            lock = WriterLock(settings.data_dir)
            lock.acquire()
        try:
            embedder = embedder or load_embedder(settings)
            db = ArticleDB(settings.db_path)
            store = VectorStore(client or open_client(settings), embedder.identity)
        except BaseException:
            if lock:
                lock.release()
            raise
        return cls(settings, embedder, db, store, writable=writer, lock=lock)

    def close(self) -> None:
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "NewsIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- write ----------------------------------------------------------------------------

    def index_paths(
        self, paths: Sequence[Path], progress: ProgressCallback | None = None
    ) -> IndexReport:
        return self.index_documents(read_local_files(paths, self.settings.max_file_bytes), progress)

    def index_documents(
        self,
        documents: Iterable[SourceDocument | DocumentFailure],
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Every way articles come in (files, feeds, pages) goes through here, so whatever must
        follow new articles (alerts) happens once, in one place."""
        report = self._writer().index(documents, progress)
        self._after_new_articles(report)
        return report

    def _after_new_articles(self, report: IndexReport) -> None:
        """Hook for what follows genuinely new articles; re-embedding never comes here."""

    def embed_missing(self, progress: ProgressCallback | None = None) -> IndexReport:
        return self._writer().embed_missing(progress)

    def reembed_all(self, progress: ProgressCallback | None = None) -> IndexReport:
        return self._writer().reembed_all(progress)

    def _writer(self) -> Indexer:
        if self.indexer is None:
            raise RuntimeError("opened read-only: use NewsIndex.open(..., writer=True)")
        return self.indexer

    # --- read -----------------------------------------------------------------------------

    def ask(self, question: str, k: int | None = None) -> Answer:
        text = clean_question(question, self.settings.max_question_chars)
        self._check_model()
        return self.searcher.search(text, k or self.settings.top_k)

    def stats(self) -> IndexStats:
        embedded, passages = self.db.embedded_counts(self.store.name)
        others = [m for c, m in self.db.spaces().items() if c != self.store.name]
        return IndexStats(
            articles=self.db.count(),
            passages=passages,
            embedded_articles=embedded,
            languages=self.db.languages(),
            sources=self.db.sources(),
            model=self.embedder.identity.split("|", 1)[0],
            collection=self.store.name,
            other_models=[m.split("|", 1)[0] for m in others],
        )

    def _check_model(self) -> None:
        """Articles exist but none in this model's space: say so instead of finding nothing."""
        embedded, _ = self.db.embedded_counts(self.store.name)
        articles = self.db.count()
        if articles and not embedded:
            others = [
                m.split("|", 1)[0] for c, m in self.db.spaces().items() if c != self.store.name
            ]
            built = f" (they were embedded with {', '.join(others)})" if others else ""
            raise ModelMismatchError(
                f"the {articles} stored articles are not embedded with the current model "
                f"{self.embedder.identity.split('|', 1)[0]}{built}. "
                "Run `newsbot reindex --full` to embed them with it."
            )
