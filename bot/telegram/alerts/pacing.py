"""How fast alerts may go out: Telegram's limits, kept by waiting rather than by dropping.

Telegram allows about one message a second to a private chat, twenty a minute to a group and
thirty a second overall, and answers "retry after N seconds" (429) beyond that. The pacer
keeps the recent send times per chat and overall, and says how long an alert must wait; a
RetryAfter blocks a chat (or everything) until its deadline. Pure logic: the clock is given.
"""

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    private_per_second: int = 1
    group_per_minute: int = 20
    global_per_second: int = 30


class Pacer:
    """Reserve a send slot for a chat now, or learn how long to wait for one."""

    def __init__(self, clock: Callable[[], float], limits: Limits | None = None) -> None:
        self.clock = clock
        self.limits = limits or Limits()
        self._chat_sends: dict[int, deque[float]] = {}
        self._global_sends: deque[float] = deque()
        self._blocked_until: dict[int | None, float] = {}  # None: the whole bot

    def reserve(self, chat_id: int) -> float:
        """0 and the slot is taken; otherwise the seconds to wait before asking again."""
        now = self.clock()
        blocked = max(self._blocked_until.get(chat_id, 0.0), self._blocked_until.get(None, 0.0))
        if blocked > now:
            return blocked - now
        count, window = self._chat_limit(chat_id)
        sends = self._chat_sends.setdefault(chat_id, deque())
        wait = max(
            _wait(sends, count, window, now),
            _wait(self._global_sends, self.limits.global_per_second, 1.0, now),
        )
        if wait > 0:
            return wait
        sends.append(now)
        self._global_sends.append(now)
        return 0.0

    def block(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said "retry after": nothing goes to `chat_id` (None: anywhere) till then."""
        until = self.clock() + seconds
        self._blocked_until[chat_id] = max(self._blocked_until.get(chat_id, 0.0), until)

    def _chat_limit(self, chat_id: int) -> tuple[int, float]:
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            return self.limits.group_per_minute, 60.0
        return self.limits.private_per_second, 1.0


def _wait(sends: deque[float], count: int, window: float, now: float) -> float:
    """Seconds until fewer than `count` sends fall within the last `window` seconds."""
    while sends and sends[0] <= now - window:
        sends.popleft()
    if len(sends) < count:
        return 0.0
    return sends[0] + window - now
