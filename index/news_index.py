"""The search core: the model, the vector store and what uses them, over a Catalog.

Indexing, asking, rebuilding and checking need the model or the vectors: they are here.
Heavy things (the model, the Chroma client) are built once, when a front opens it; what needs
only records (sources, subscriptions, counts) is the Catalog's, which opens in milliseconds.
"""

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from index.alerts.matching import AlertMatcher
from index.answers.pages import AnswerPages, body_sentences
from index.answers.writer import AnswerWriter, WrittenAnswer
from index.catalog import Catalog, IndexStats
from index.embedding.embedder import Embedder, load_embedder
from index.errors import ModelMismatchError, StoreError
from index.models import Answer, DocumentFailure, SourceDocument
from index.retrieval.reranker import load_reranker
from index.retrieval.search import Searcher, clean_question, resolve_mode
from index.settings import IndexSettings
from index.sources.local_files import read_local_files
from index.sources.reading import SourceReader, identify_source
from index.sources.registry import Source
from index.sources.safe_fetch import SafeFetcher
from index.store.consistency import ConsistencyReport, check_store
from index.store.indexer import Indexer, IndexReport, Progress, ProgressCallback, article_id_for
from index.store.vector_census import lost_passages
from index.store.vectors import VectorStore, move_aside, open_store
from index.store.writer_lock import WriterLock

log = logging.getLogger(__name__)


class NewsIndex:
    """Articles, their vectors and the model, behind index / ask / stats."""

    def __init__(
        self,
        settings: IndexSettings,
        embedder: Embedder,
        catalog: Catalog,
        store: VectorStore,
        *,
        writable: bool = False,
        lock: WriterLock | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.catalog = catalog
        self.db = db = catalog.db
        self.store = store
        profile = embedder.profile
        mode = resolve_mode(settings.retrieval, profile)
        alert_min, story_min = settings.alert_min_score, settings.story_min_similarity
        if story_min is None:
            story_min = profile.story_min_similarity
        self.searcher = Searcher(
            db,
            store,
            embedder,
            settings.min_score,
            settings.close_score,
            mode,
            settings.transliterate,
            story_min_similarity=story_min if settings.fold_stories else None,
            reranker=load_reranker(settings.reranking),
            split=body_sentences,  # sentences scored as the pages will: one cache, one call
        )
        self.alerts = AlertMatcher(
            catalog.subscriptions,
            store,
            embedder,
            self.searcher.queries,
            profile.alert_min_score if alert_min is None else alert_min,
            story_min,
        )
        self.indexer = (
            Indexer(db, store, embedder, settings.indexing, self.alerts) if writable else None
        )
        self.writer = AnswerWriter.from_settings(settings.writing)  # None: passages only
        self.sentence_scorer = self.searcher.sentences  # one cache for search and pages
        self._lock = lock
        self.store_moved_aside: Path | None = None  # set by open(recover_store=True)
        self._owns_catalog = False
        # One write at a time inside this process: a poll waits for a reindex, and vice versa.
        self.write_lock = threading.RLock()

    @classmethod
    def open(
        cls,
        settings: IndexSettings,
        *,
        writer: bool = False,
        embedder: Embedder | None = None,
        client: object | None = None,
        recover_store: bool = False,
        catalog: Catalog | None = None,
    ) -> "NewsIndex":
        """Open the data dir; `writer=True` takes the single-writer lock (embedded store only).

        With `recover_store` (a writer about to rebuild every vector), a data dir vector store
        that cannot be opened is moved aside and a new one made: `store_moved_aside` says
        where the old one went. The article database is opened first, so a damaged one is
        reported before the model loads. A `catalog` given stays the caller's to close."""
        lock = None
        # A Chroma server serialises writes itself, so only the embedded store needs the lock.
        if writer and not settings.chroma_url:
            lock = WriterLock(settings.data_dir)
            lock.acquire()
        moved: Path | None = None
        owned = catalog is None
        try:
            catalog = catalog or Catalog.open(settings)
            embedder = embedder or load_embedder(settings.embedding)
            live = catalog.db.live_collection(embedder.identity)
            try:
                store = open_store(settings.storage, embedder.identity, client, live)
            except StoreError:
                if not (recover_store and lock and client is None):
                    raise
                moved = move_aside(settings.chroma_path)
                log.warning("the vector store could not be opened; moved it to %s", moved)
                store = open_store(settings.storage, embedder.identity, name=live)
            news = cls(settings, embedder, catalog, store, writable=writer, lock=lock)
        except BaseException:
            if owned and catalog:
                catalog.close()
            if lock:
                lock.release()
            raise
        if writer:
            catalog.db.use_space(store.name)
        news._owns_catalog = owned
        news.store_moved_aside = moved
        return news

    def close(self) -> None:
        if self.writer:
            self.writer.close()
        if self._owns_catalog:
            self.catalog.close()
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
        with self.write_lock:
            report = self._writer().index(documents, progress)
            self.match_pending()
        return report

    def match_pending(self) -> int:
        """Write the alerts of stored, embedded articles still waiting for them (a crash or a
        failure came between); the indexer writes the others as it embeds them."""
        self._writer()
        with self.write_lock:
            try:
                return self.alerts.match_pending(self.settings.index_batch_size)
            except Exception:  # the articles are indexed; they stay unmatched till next time
                log.exception("matching stored articles to subscriptions failed")
                return 0

    def embed_missing(self, progress: ProgressCallback | None = None) -> IndexReport:
        with self.write_lock:
            report = self._writer().embed_missing(progress)
            self.match_pending()
            return report

    def reembed_all(self, progress: ProgressCallback | None = None) -> IndexReport:
        with self.write_lock:
            return self._writer().reembed_all(progress)

    # --- sources --------------------------------------------------------------------------

    def add_source(self, location: str, name: str | None = None) -> Source:
        """Register a feed, page or local path after checking that it can be read."""
        self._writer()
        with SafeFetcher(self.settings.fetching) as fetcher:
            kind, where, suggested = identify_source(location, fetcher, self.settings)
        return self.catalog.sources.add(kind, where, (name or suggested or where).strip()[:200])

    def remove_source(self, source_id: int, purge: bool = False) -> tuple[Source, int]:
        """Forget a source; with `purge` also delete its articles. Returns (source, deleted)."""
        with self.write_lock:
            source, article_ids = self.catalog.sources.remove(source_id, purge)
            for article_id in article_ids:  # records first: a crash between leaves orphans,
                self.db.delete(article_id)  # which `check` removes, never a lost passage
                self.store.delete_article(article_id)
        return source, len(article_ids)

    def refresh(
        self, source_id: int | None = None, progress: ProgressCallback | None = None
    ) -> IndexReport:
        """Fetch one source or all of them and index what is new or changed."""
        self._writer()
        sources = self.catalog.sources
        chosen = [sources.get(source_id)] if source_id is not None else sources.all()
        with SafeFetcher(self.settings.fetching) as fetcher:
            reader = SourceReader(self.settings, self.catalog.sources, fetcher, self._is_known)

            def counted(event: Progress) -> None:
                if progress:
                    progress(replace(event, total=max(reader.expected, event.documents)))

            return self.index_documents(reader.documents(chosen), counted)

    def rebuild(self, progress: ProgressCallback | None = None) -> IndexReport:
        """Embed every article into a new collection beside the live one, then switch.

        Searches use the old collection until the new one is complete, then the new one, with
        no moment in between. Interrupted, the next run resumes the staging collection where
        it stopped.
        """
        indexer = self._writer()
        with self.write_lock:
            staging = self.store.staging(self.db.staging_collection(self.embedder.identity))
            staged = Indexer(self.db, staging, self.embedder, self.settings.indexing)
            report = staged.embed_missing(progress)
            self.db.promote_space(staging.name, self.store.name)  # searches switch here
            self.store.replace_with(staging)
            indexer.embed_missing()  # anything that reached the old one meanwhile
            self.match_pending()  # new articles embedded in staging, not yet matched
        return report

    def check(self, repair: bool = True) -> ConsistencyReport:
        """Compare SQLite and the vector store; repair drift when writable and asked to."""
        with self.write_lock:
            report = check_store(self.db, self.store, self.indexer if repair else None)
            if repair and self.indexer is not None:
                self.match_pending()
            return report

    def _is_known(self, key: str) -> bool:
        return self.db.has(article_id_for(key))

    def _writer(self) -> Indexer:
        if self.indexer is None:
            raise RuntimeError("opened read-only: use NewsIndex.open(..., writer=True)")
        return self.indexer

    # --- read -----------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Pay the first question's costs now: the BM25 index over every passage (seconds at
        100k passages) and the model's first forward pass, so the first user does not."""
        lexical = self.searcher.mode != "dense" or self.searcher.name_bonus > 0
        if lexical and self.store.count():
            self.searcher.lexical_index()
        self.searcher.queries.encode("warm-up")

    def ask(
        self,
        question: str,
        k: int | None = None,
        *,
        sentences: bool = True,
        candidates: bool = False,
    ) -> Answer:
        """The passages that answer `question`. `sentences=False`: no best sentences, the
        front picks them per page (AnswerPages). `candidates` adds every ranked passage (for
        evaluation: about 4·k hits with their articles, not for answers that are kept)."""
        text = self.question(question)
        self._check_model()
        return self.searcher.search(
            text, k or self.settings.top_k, sentences, with_candidates=candidates
        )

    def question(self, text: str) -> str:
        """`text` as the core reads a question (spaces collapsed), or a QuestionError: empty
        (code `question_empty`) or too long (`question_too_long`, with `length` and `limit`).
        The one rule for every front; costs nothing (no model, no store)."""
        return clean_question(text, self.settings.max_question_chars)

    def answer_pages(self, answer: Answer, per_page: int) -> AnswerPages:
        """`answer` as pages of article blocks, each page's best sentences picked when opened."""
        return AnswerPages(answer, per_page, self.sentence_scorer)

    def write_answer(self, answer: Answer) -> WrittenAnswer | None:
        """A short answer in the question's language citing `answer.hits` as [1], [2]...;
        None when written answers are off or the writer failed (the passages stand alone)."""
        return self.writer.write(answer) if self.writer else None

    def stats(self) -> IndexStats:
        return self.catalog.stats(self.store.name, self.embedder.identity)

    def _check_model(self) -> None:
        """Articles exist but none in this model's space, or the vector store lost passages
        the article database says it holds: say so instead of finding nothing."""
        embedded, passages = self.db.embedded_counts(self.store.name)
        if passages and self.store.count() < passages:
            self._check_vectors()
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

    def _check_vectors(self) -> None:
        """Counted again with no write of this process under way (a reindex deletes an
        article's passages just before it writes them anew): still short, it is drift."""
        if not self.write_lock.acquire(blocking=False):
            return  # a write is moving the counts: the next question tells
        try:
            _, passages = self.db.embedded_counts(self.store.name)
            stored = self.store.count()
        finally:
            self.write_lock.release()
        if stored < passages:
            where = self.store.folder or self.settings.chroma_url or "the vector store"
            raise lost_passages(stored, passages, where)
