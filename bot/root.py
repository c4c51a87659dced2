"""The composition root: the one place where newsbot's parts are built from the settings.

The CLI and the Telegram bot ask it for what they need and nothing more:

- `catalog()`: sources, subscriptions, the outbox and counts; SQLite only, milliseconds.
- `vectors()`: the vector store the last writer used, without the model (`check --dry-run`).
- `core(lock=...)`: the search core (the model, the store, the searcher, the alert matcher,
  with `lock` the indexer and the data dir's lock); seconds to load.
- `answer_writer()`: the LLM client for written answers, or None when they are off.
- `feedback()`: readers' votes (the bot records them, `newsbot feedback export` reads them).
- `lock(purpose)`: the data dir's single-writer lock, for a command that writes without the
  core (`newsbot restore`).
- `bot_services()`: what the Telegram bot's handlers use (`bot/telegram/services.py`).

Each is built once, on first use, and closed with the root. Heavy modules are imported only
when the part that needs them is asked for, so `newsbot sources list` never loads a model.
Nothing else builds these parts: `tests/test_import_map.py` checks it.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from index.catalog import Catalog
from index.store.article_db import ArticleDB
from index.store.writer_lock import WriterLock

if TYPE_CHECKING:
    from bot.telegram.chat_prefs import ChatPrefs
    from bot.telegram.services import Services
    from index.answers.writer import AnswerWriter
    from index.embedding.embedder import Embedder
    from index.news_index import NewsIndex
    from index.store.feedback import FeedbackStore
    from index.store.vectors import VectorStore

log = logging.getLogger(__name__)

_UNBUILT: Any = object()


@dataclass(frozen=True)
class _CoreRequest:
    """What a core was asked for: a later request must be served by the same core or refused."""

    lock: bool
    recover_store: bool
    embedder: "Embedder | None"
    client: Any

    def served_by(self, built: "_CoreRequest") -> bool:
        """A core with the lock also serves readers; everything else must be the same."""
        return (
            (built.lock or not self.lock)
            and built.recover_store == self.recover_store
            and built.embedder is self.embedder
            and built.client is self.client
        )


class Root:
    """Builds each part on first use; `close()` (or `with`) closes what it built."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._catalog: Catalog | None = None
        self._core: NewsIndex | None = None
        self._core_request: _CoreRequest | None = None
        self._answer_writer: AnswerWriter | None = _UNBUILT
        self._feedback: FeedbackStore | None = None

    def catalog(self) -> Catalog:
        """The records; a damaged database is a DatabaseCorruptError that says how to restore."""
        if self._catalog is None:
            settings = self.settings
            db = ArticleDB(settings.db_path, settings.database_url)
            self._catalog = Catalog(db, settings.storage, settings.subscriptions)
        return self._catalog

    def answer_writer(self) -> "AnswerWriter | None":
        """The written answers' client when NEWSBOT_LLM_URL is set, else None."""
        if self._answer_writer is _UNBUILT:
            from index.answers.writer import AnswerWriter

            self._answer_writer = AnswerWriter.from_settings(self.settings.writing)
        return self._answer_writer

    def feedback(self) -> "FeedbackStore":
        """Readers' votes on the bot's answers (a file in the data dir, made on first use)."""
        if self._feedback is None:
            from index.store.feedback import FeedbackStore

            self._feedback = FeedbackStore.in_data_dir(
                self.settings.data_dir, self.settings.database_url
            )
        return self._feedback

    def chat_prefs(self) -> "ChatPrefs":
        """The bot's chat preferences and the records its workers share (the caller closes
        them: each bot process or worker holds its own connection)."""
        from bot.telegram.chat_prefs import ChatPrefs

        return ChatPrefs.in_data_dir(self.settings.data_dir, self.settings.database_url)

    def lock(self, purpose: str = "") -> WriterLock:
        """The data dir's single-writer lock, not yet taken (use it with `with`)."""
        return WriterLock(self.settings.data_dir, purpose)

    def core(
        self,
        *,
        lock: bool = False,
        recover_store: bool = False,
        embedder: "Embedder | None" = None,
        client: Any = None,
    ) -> "NewsIndex":
        """The search core over this root's catalog, built on the first call.

        `lock`: it may write (indexing, sources, repairs), holding the data dir's lock (an
        embedded store only: a Chroma server serialises writes itself). `recover_store`: a
        data dir vector store that cannot be opened is moved aside and a new one made (for a
        rebuild). `embedder` and `client` replace the configured model and Chroma client.
        A later call must ask for what the first built (a locked core serves readers too):
        anything else is a RuntimeError, never a core other than the one asked for."""
        asked = _CoreRequest(lock, recover_store, embedder, client)
        if self._core is None:
            self._core = self._build_core(asked)
            self._core_request = asked
        elif self._core_request is not None and not asked.served_by(self._core_request):
            raise RuntimeError(
                f"the core is already open as {self._core_request}; cannot serve {asked}"
            )
        return self._core

    def _build_core(self, asked: _CoreRequest) -> "NewsIndex":
        from index.alerts.matching import AlertMatcher
        from index.answers.pages import body_sentences
        from index.embedding.embedder import load_embedder
        from index.embedding.query_encoder import QueryEncoder
        from index.errors import StoreError
        from index.news_index import NewsIndex
        from index.retrieval.best_sentence import SentenceScorer
        from index.retrieval.reranker import load_reranker
        from index.retrieval.search import Searcher, resolve_mode
        from index.store.indexer import Indexer
        from index.store.language_means import collection_embedder
        from index.store.vectors import VectorStore, move_aside, open_store

        settings = self.settings
        held = None
        if asked.lock and not settings.chroma_url:
            held = self.lock()
            held.acquire()
        try:
            catalog = self.catalog()  # first: a damaged database is said before the model loads
            embedder = asked.embedder or load_embedder(settings.embedding)
            live = catalog.db.live_collection(embedder.identity)
            moved: Path | None = None
            try:
                store = open_store(settings.storage, embedder.identity, asked.client, live)
            except StoreError:
                if not (asked.recover_store and held and asked.client is None):
                    raise
                moved = move_aside(settings.chroma_path)
                log.warning("the vector store could not be opened; moved it to %s", moved)
                store = open_store(settings.storage, embedder.identity, name=live)
            # centred as this collection centres: with means estimated from it for languages
            # without a background mean (index/store/language_means.py)
            model = embedder
            embedder, means = collection_embedder(model, store)
            profile = embedder.profile
            story_min = settings.story_min_similarity
            if story_min is None:
                story_min = profile.story_min_similarity
            alert_min = settings.alert_min_score
            queries = QueryEncoder(embedder)
            sentences = SentenceScorer(embedder, queries)
            searcher = Searcher(
                catalog.db,
                store,
                embedder,
                settings.min_score,
                settings.close_score,
                resolve_mode(settings.retrieval, profile),
                settings.transliterate,
                story_min_similarity=story_min if settings.fold_stories else None,
                reranker=load_reranker(settings.reranking),
                split=body_sentences,  # sentences scored as the pages will: one cache, one call
                queries=queries,
                sentences=sentences,
            )
            alerts = AlertMatcher(
                catalog.subscriptions,
                catalog.outbox,
                store,
                embedder,
                queries,
                profile.alert_min_score if alert_min is None else alert_min,
                story_min,
            )
            indexer = None
            if asked.lock:
                indexer = Indexer(catalog.db, store, embedder, settings.indexing, alerts, means)

            def staging_indexer(staging: VectorStore) -> Indexer:  # a rebuild's: alerts nobody
                staged_embedder, staged_means = collection_embedder(model, staging)
                return Indexer(
                    catalog.db, staging, staged_embedder, settings.indexing, means=staged_means
                )

            news = NewsIndex(
                questions=settings.questions,
                fetching=settings.fetching,
                indexing=settings.indexing,
                storage=settings.storage,
                catalog=catalog,
                embedder=embedder,
                store=store,
                searcher=searcher,
                sentence_scorer=sentences,
                alerts=alerts,
                indexer=indexer,
                staging_indexer=staging_indexer,
                answer_writer=self.answer_writer(),
                lock=held,
                store_moved_aside=moved,
                model=model,
                means=means,
            )
        except BaseException:
            if held:
                held.release()
            raise
        if asked.lock:
            catalog.db.use_space(store.name)
        return news

    def vectors(self) -> "VectorStore | None":
        """The collection the last writer used, opened without the model; None before any."""
        from index.store.vectors import open_store

        current = self.catalog().vector_space()
        if current is None:
            return None
        collection, model = current
        return open_store(self.settings.storage, model, name=collection)

    def bot_services(self, embedder: "Embedder | None" = None) -> "Services":
        """What the Telegram bot's handlers use: the core (with the lock: the bot polls
        sources), chat preferences, recent answers, alert delivery, feedback. Slow (the model
        loads): call it off the event loop. Fails closed: the root is closed on an error."""
        from bot.telegram.alerts.delivery import AlertDelivery
        from bot.telegram.alerts.pacing import Limits
        from bot.telegram.answer_cache import AnswerCache
        from bot.telegram.inline_cache import InlineAnswers
        from bot.telegram.services import Services
        from bot.telegram.shared_records import AnswerRecords, JobPeriods, RateLimits, SharedPacer

        settings = self.settings
        try:
            news = self.core(lock=True, embedder=embedder)
            news.match_pending()  # articles a crash left between embedding and their alerts
            catalog = self.catalog()
            prefs = self.chat_prefs()
            unpaced = Limits(1_000_000, 1_000_000, 1_000_000)
            return Services(
                chats=settings.chats,
                admins=settings.admins,
                catalog=catalog,
                news=news,
                prefs=prefs,
                answers=AnswerCache(settings.chats.answer_cache),
                delivery=AlertDelivery(
                    catalog,
                    answer_writer=self.answer_writer(),
                    lease_seconds=settings.delivery.lease_seconds,
                    burst=settings.delivery.burst,
                    pacer=SharedPacer(prefs, limits=None if settings.delivery.pacing else unpaced),
                ),
                feedback=self.feedback(),
                inline=InlineAnswers(settings.inline),
                closing=self.close,
                records=AnswerRecords(prefs, capacity=settings.chats.answer_records),
                periods=JobPeriods(prefs),
                limits=RateLimits(prefs),
            )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._core is not None:
            self._core.close()  # releases the data dir's lock
            self._core = None
            self._core_request = None
        if self._answer_writer is not _UNBUILT and self._answer_writer is not None:
            self._answer_writer.close()
        self._answer_writer = _UNBUILT
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def __enter__(self) -> "Root":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def open_core(settings: Settings, **asked: Any) -> Iterator["NewsIndex"]:
    """The core of a root of its own, for one `with` block (scripts, benches and tests): the
    root and all it built close when the block ends. `asked` is `Root.core`'s arguments."""
    with Root(settings) as root:
        yield root.core(**asked)


@contextmanager
def open_catalog(settings: Settings) -> Iterator[Catalog]:
    """The records of a root of its own, for one `with` block (scripts, benches and tests)."""
    with Root(settings) as root:
        yield root.catalog()
