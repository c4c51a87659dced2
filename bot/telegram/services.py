"""The per-process objects the bot's handlers use, built once at start-up and closed at exit.

Handlers reach them typed, as `context.services`, never through `bot_data["..."]` casts.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.settings import Settings
from bot.telegram.alert_delivery import AlertDelivery
from bot.telegram.answer_cache import AnswerCache
from bot.telegram.chat_prefs import ChatPrefs
from index.embedding.embedder import Embedder
from index.news_index import NewsIndex
from index.store.feedback import FeedbackStore


@dataclass(frozen=True)
class Services:
    """The index (opened as the writer: the bot will poll sources), prefs and recent answers."""

    settings: Settings
    news: NewsIndex
    prefs: ChatPrefs
    answers: AnswerCache
    delivery: AlertDelivery
    feedback: FeedbackStore
    jobs: asyncio.Lock = field(default_factory=asyncio.Lock)  # one reindex or poll at a time

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "Services":
        """Load the model and open the data dir; slow, so call it off the event loop."""
        news = NewsIndex.open(settings, writer=True, embedder=embedder)
        news.match_pending()  # articles a crash left between embedding and their alerts
        return cls(
            settings=settings,
            news=news,
            prefs=ChatPrefs.in_data_dir(settings.data_dir),
            answers=AnswerCache(settings.bot_answer_cache),
            delivery=AlertDelivery(
                news.subscriptions,
                news.db,
                writer=news.writer,
                lease_seconds=settings.alert_lease_seconds,
            ),
            feedback=FeedbackStore.in_data_dir(settings.data_dir),
        )

    def close(self) -> None:
        self.news.close()


ServicesFactory = Callable[[], Services]
