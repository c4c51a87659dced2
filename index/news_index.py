"""The search core: the model, the vector store and what uses them, over a Catalog.

Indexing, asking, rebuilding and checking need the model or the vectors: they are here, as
operations over parts built elsewhere (the composition root, `bot/root.py`, builds the model,
the Chroma client, the searcher... once, when a front asks for the core). What needs only
records (sources, subscriptions, counts) is the Catalog's, which opens in milliseconds.
"""

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index.alerts.matching import AlertMatcher
from index.answers.pages import AnswerPages
from index.answers.writer import AnswerWriter, WrittenAnswer
from index.catalog import Catalog, IndexStats
from index.embedding.embedder import Embedder
from index.embedding.profile import Mode
from index.errors import ModelMismatchError
from index.models import Answer, DocumentFailure, SourceDocument
from index.retrieval.best_sentence import SentenceScorer
from index.retrieval.search import Searcher, clean_question
from index.settings import FetchSettings, IndexingSettings, QuestionSettings, StoreSettings
from index.sources.registry import Source
from index.store.consistency import ConsistencyReport, check_store
from index.store.indexer import Indexer, IndexReport, Progress, ProgressCallback, article_id_for
from index.store.language_means import IndexMeans
from index.store.vector_census import lost_passages
from index.store.vectors import VectorStore
from index.store.writer_lock import ExclusiveLock

log = logging.getLogger(__name__)

StagingIndexer = Callable[[VectorStore], Indexer]  # an indexer into a rebuild's new collection


@dataclass(frozen=True)
class Thresholds:
    """How answers are found and judged: the retrieval mode, the score a passage needs to be
    shown, and the score that makes an answer (for a front that reports them)."""

    mode: Mode
    min_score: float
    close_score: float


class NewsIndex:
    """Articles, their vectors and the model, behind index / ask / stats.

    It is given its parts, built by the composition root (`bot/root.py`): the catalog, the
    model, the vector store, the searcher and its sentence scorer, the alert matcher, the
    answer writer, and when it may write, the indexer and the data dir's lock. Closing it
    releases the lock; the root closes what it built.
    """

    def __init__(
        self,
        *,
        questions: QuestionSettings,
        fetching: FetchSettings,
        indexing: IndexingSettings,
        storage: StoreSettings,
        catalog: Catalog,
        embedder: Embedder,
        store: VectorStore,
        searcher: Searcher,
        sentence_scorer: SentenceScorer,
        alerts: AlertMatcher,
        indexer: Indexer | None = None,
        staging_indexer: StagingIndexer | None = None,
        answer_writer: AnswerWriter | None = None,
        lock: ExclusiveLock | None = None,
        store_moved_aside: Path | None = None,
        model: Embedder | None = None,
        means: IndexMeans | None = None,
    ) -> None:
        self.questions = questions
        self.fetching = fetching
        self.indexing = indexing
        self.storage = storage
        self.model = model or embedder  # the raw model; `embedder` centres as this
        # collection does (means estimated from it for languages without background)
        self.means = means
        self.catalog = catalog
        self.db = catalog.db
        self.embedder = embedder
        self.store = store
        self.searcher = searcher
        self.sentence_scorer = sentence_scorer  # one cache for search and pages
        self.alerts = alerts
        self.indexer = indexer  # None: opened read-only (without the lock)
        self._staging_indexer = staging_indexer
        self.answer_writer = answer_writer  # None: passages only
        self._lock = lock
        self.store_moved_aside = store_moved_aside  # where a damaged store went (recover_store)
        # One write at a time inside this process: a poll waits for a reindex, and vice versa.
        self.write_turn = threading.RLock()

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
        from index.sources.local_files import read_local_files  # trafilatura: not for questions

        return self.index_documents(read_local_files(paths, self.fetching.max_file_bytes), progress)

    def index_documents(
        self,
        documents: Iterable[SourceDocument | DocumentFailure],
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Every way articles come in (files, feeds, pages) goes through here, so whatever must
        follow new articles (alerts) happens once, in one place."""
        with self.write_turn:
            report = self._indexer().index(documents, progress)
            self.match_pending()
        return report

    def match_pending(self) -> int:
        """Write the alerts of stored, embedded articles still waiting for them (a crash or a
        failure came between); the indexer writes the others as it embeds them."""
        self._indexer()
        with self.write_turn:
            try:
                return self.alerts.match_pending(self.indexing.batch_size)
            except Exception:  # the articles are indexed; they stay unmatched till next time
                log.exception("matching stored articles to subscriptions failed")
                return 0

    def embed_missing(self, progress: ProgressCallback | None = None) -> IndexReport:
        with self.write_turn:
            report = self._indexer().embed_missing(progress)
            self.match_pending()
            return report

    def reembed_all(self, progress: ProgressCallback | None = None) -> IndexReport:
        with self.write_turn:
            return self._indexer().reembed_all(progress)

    # --- sources --------------------------------------------------------------------------

    def add_source(self, location: str, name: str | None = None) -> Source:
        """Register a feed, page or local path after checking that it can be read."""
        from index.sources.reading import identify_source
        from index.sources.safe_fetch import SafeFetcher  # the HTTP stack: not for questions

        self._indexer()
        with SafeFetcher(self.fetching) as fetcher:
            kind, where, suggested = identify_source(location, fetcher, self.fetching)
        return self.catalog.sources.add(kind, where, (name or suggested or where).strip()[:200])

    def remove_source(self, source_id: int, purge: bool = False) -> tuple[Source, int]:
        """Forget a source; with `purge` also delete its articles. Returns (source, deleted)."""
        with self.write_turn:
            source, article_ids = self.catalog.sources.remove(source_id, purge)
            for article_id in article_ids:  # records first: a crash between leaves orphans,
                self.db.delete(article_id)  # which `check` removes, never a lost passage
                self.store.delete_article(article_id)
        return source, len(article_ids)

    def refresh(
        self, source_id: int | None = None, progress: ProgressCallback | None = None
    ) -> IndexReport:
        """Fetch one source or all of them and index what is new or changed."""
        from index.sources.reading import SourceReader
        from index.sources.safe_fetch import SafeFetcher  # the HTTP stack: not for questions

        self._indexer()
        sources = self.catalog.sources
        chosen = [sources.get(source_id)] if source_id is not None else sources.all()
        with SafeFetcher(self.fetching) as fetcher:
            reader = SourceReader(self.fetching, self.catalog.sources, fetcher, self._is_known)

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
        indexer = self._indexer()
        with self.write_turn:
            staging = self.store.staging(self.db.staging_collection(self.embedder.identity))
            assert self._staging_indexer is not None  # given with the indexer
            staged = self._staging_indexer(staging)
            report = staged.embed_missing(progress)
            self.db.promote_space(staging.name, self.store.name)  # searches switch here
            self.store.replace_with(staging)
            if self.means:
                self.means.refresh()  # the new collection's own estimates
            indexer.embed_missing()  # anything that reached the old one meanwhile
            self.match_pending()  # new articles embedded in staging, not yet matched
        return report

    def check(self, repair: bool = True) -> ConsistencyReport:
        """Compare SQLite and the vector store; repair drift when writable and asked to."""
        with self.write_turn:
            report = check_store(self.db, self.store, self.indexer if repair else None)
            if repair and self.indexer is not None:
                self.match_pending()
            return report

    def _is_known(self, key: str) -> bool:
        return self.db.has(article_id_for(key))

    def _indexer(self) -> Indexer:
        if self.indexer is None:
            raise RuntimeError("opened read-only: ask the root for a core with lock=True")
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
            text, k or self.questions.top_k, sentences, with_candidates=candidates
        )

    def question(self, text: str) -> str:
        """`text` as the core reads a question (spaces collapsed), or a QuestionError: empty
        (code `question_empty`) or too long (`question_too_long`, with `length` and `limit`).
        The one rule for every front; costs nothing (no model, no store)."""
        return clean_question(text, self.questions.max_chars)

    def answer_pages(self, answer: Answer, per_page: int) -> AnswerPages:
        """`answer` as pages of article blocks, each page's best sentences picked when opened."""
        return AnswerPages(answer, per_page, self.sentence_scorer)

    def write_answer(self, answer: Answer) -> WrittenAnswer | None:
        """A short answer in the question's language citing `answer.hits` as [1], [2]...;
        None when written answers are off or the writer failed (the passages stand alone)."""
        return self.answer_writer.write(answer) if self.answer_writer else None

    @property
    def writes_answers(self) -> bool:
        """True when written answers are on (NEWSBOT_LLM_URL): a front may wait for one."""
        return self.answer_writer is not None

    def best_sentences(self, question: str, passages: Sequence[tuple[str, str]]) -> list[str]:
        """The best sentence of each (text, language) passage for `question`, through the
        same sentence cache as the answers' pages."""
        return self.sentence_scorer.best(question, passages)

    def stamp(self) -> tuple[int, int]:
        """Changes whenever the vector store is written: a key for a front's answer cache."""
        return self.store.count(), self.store.writes

    def thresholds(self) -> Thresholds:
        s = self.searcher
        return Thresholds(s.mode, s.min_score, s.close_score)

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
        if not self.write_turn.acquire(blocking=False):
            return  # a write is moving the counts: the next question tells
        try:
            _, passages = self.db.embedded_counts(self.store.name)
            stored = self.store.count()
        finally:
            self.write_turn.release()
        if stored < passages:
            where = self.store.folder or self.storage.chroma_url or "the vector store"
            raise lost_passages(stored, passages, where)
