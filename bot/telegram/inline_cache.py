"""Inline mode's memory: answers kept a while (how many searches each user starts is counted
across workers, in the records: bot/telegram/shared_records.py `RateLimits`).

Kept apart from the handler (bot/telegram/handlers/inline.py) so the services can hold one without
importing the Telegram handlers. Touched only from the event loop: no lock.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import InlineQueryResultArticle

from bot.settings import InlineSettings


@dataclass
class InlineAnswers:
    """The in-process cache of inline answers, with the settings of the per-user limit."""

    limits: InlineSettings  # how long answers are kept, searches a user may start a minute
    clock: Callable[[], float] = time.monotonic
    max_entries: int = 500
    _cache: OrderedDict[tuple[str, str], tuple[float, list[InlineQueryResultArticle]]] = field(
        default_factory=OrderedDict
    )

    def cached(self, lang: str, question: str) -> list[InlineQueryResultArticle] | None:
        entry = self._cache.get((lang, question))
        if entry is None or entry[0] <= self.clock():
            return None
        self._cache.move_to_end((lang, question))
        return entry[1]

    def keep(self, lang: str, question: str, results: list[InlineQueryResultArticle]) -> None:
        self._cache[(lang, question)] = (self.clock() + self.limits.cache_seconds, results)
        self._cache.move_to_end((lang, question))
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
