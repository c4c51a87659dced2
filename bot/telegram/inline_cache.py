"""Inline mode's memory: answers kept a while, and how many searches each user started.

Kept apart from the handler (bot/telegram/handlers/inline.py) so the services can hold one without
importing the Telegram handlers. Touched only from the event loop: no lock.
"""

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import InlineQueryResultArticle

from bot.settings import InlineSettings


@dataclass
class InlineAnswers:
    """The in-process cache of inline answers and the per-user rate limit."""

    limits: InlineSettings  # how long answers are kept, searches a user may start a minute
    clock: Callable[[], float] = time.monotonic
    max_entries: int = 500
    _cache: OrderedDict[tuple[str, str], tuple[float, list[InlineQueryResultArticle]]] = field(
        default_factory=OrderedDict
    )
    _starts: dict[int, deque[float]] = field(default_factory=dict)

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

    def may_search(self, user_id: int) -> bool:
        """True (and counted) when `user_id` has started fewer than `limits.per_minute`
        searches in the last minute."""
        now = self.clock()
        starts = self._starts.setdefault(user_id, deque())
        while starts and starts[0] <= now - 60:
            starts.popleft()
        if len(starts) >= self.limits.per_minute:
            return False
        starts.append(now)
        return True
