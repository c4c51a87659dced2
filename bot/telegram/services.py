"""The per-process objects the bot's handlers use, built once at start-up and closed at exit.

Handlers reach them typed, as `context.services`, never through `bot_data["..."]` casts. They
come from the composition root (`bot/root.py`): the catalog for records (sources,
subscriptions, the outbox), the search core for questions and indexing.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.root import Root
from bot.settings import Settings
from bot.telegram.alerts.delivery import AlertDelivery
from bot.telegram.answer_cache import AnswerCache
from bot.telegram.chat_prefs import ChatPrefs
from bot.telegram.inline_cache import InlineAnswers
from index.catalog import Catalog
from index.embedding.embedder import Embedder
from index.news_index import NewsIndex
from index.store.feedback import FeedbackStore


@dataclass(frozen=True)
class Services:
    """The records, the search core (opened as the writer: the bot polls sources), prefs and
    recent answers."""

    settings: Settings
    root: Root
    catalog: Catalog
    news: NewsIndex
    prefs: ChatPrefs
    answers: AnswerCache
    delivery: AlertDelivery
    feedback: FeedbackStore
    jobs: asyncio.Lock = field(default_factory=asyncio.Lock)  # one reindex or poll at a time
    inline: InlineAnswers = field(default_factory=InlineAnswers)  # inline mode's cache, limit

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "Services":
        """Load the model and open the data dir; slow, so call it off the event loop."""
        root = Root(settings)
        try:
            news = root.core(writer=True, embedder=embedder)
            news.match_pending()  # articles a crash left between embedding and their alerts
        except BaseException:
            root.close()
            raise
        catalog = root.catalog()
        return cls(
            settings=settings,
            root=root,
            catalog=catalog,
            news=news,
            prefs=ChatPrefs.in_data_dir(settings.data_dir),
            answers=AnswerCache(settings.bot_answer_cache),
            delivery=AlertDelivery(
                catalog.subscriptions,
                catalog.db,
                writer=news.writer,
                lease_seconds=settings.alert_lease_seconds,
                burst=settings.alert_burst,
            ),
            feedback=FeedbackStore.in_data_dir(settings.data_dir),
        )

    def close(self) -> None:
        self.root.close()


ServicesFactory = Callable[[], Services]
