"""The per-process objects the bot's handlers use, built once at start-up and closed at exit.

Handlers reach them typed, as `context.services`, never through `bot_data["..."]` casts. The
composition root builds them (`Root.bot_services`, bot/root.py): the catalog for records
(sources, subscriptions, the outbox), the search core for questions and indexing.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.settings import AdminSettings, ChatSettings
from bot.telegram.alerts.delivery import AlertDelivery
from bot.telegram.answer_cache import AnswerCache
from bot.telegram.chat_prefs import ChatPrefs
from bot.telegram.inline_cache import InlineAnswers
from bot.telegram.shared_records import AnswerRecords, JobPeriods, RateLimits
from index.catalog import Catalog
from index.news_index import NewsIndex
from index.store.feedback import FeedbackStore


@dataclass(frozen=True)
class Services:
    """The records, the search core (opened as the writer: the bot polls sources), prefs and
    recent answers, and what other workers of the same bot need (shared_records.py)."""

    chats: ChatSettings  # pages of answers in chats
    admins: AdminSettings  # who manages sources
    catalog: Catalog
    news: NewsIndex
    prefs: ChatPrefs
    answers: AnswerCache
    delivery: AlertDelivery
    feedback: FeedbackStore
    inline: InlineAnswers  # inline mode's cache and per-user limit, with its settings
    closing: Callable[[], None]  # closes what the root built (the root's `close`)
    records: AnswerRecords  # what other workers of the same bot need (shared_records.py)
    periods: JobPeriods
    limits: RateLimits
    jobs: asyncio.Lock = field(default_factory=asyncio.Lock)  # one reindex or poll at a time

    def close(self) -> None:
        self.prefs.close()
        self.closing()


ServicesFactory = Callable[[], Services]
