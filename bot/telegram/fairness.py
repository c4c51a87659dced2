"""Per-chat fairness: one chat's flood of updates does not delay another chat's answer.

python-telegram-bot starts one task per update and lets `concurrent_updates` of them run at
once, in the order they arrived. A thousand `/subscribe` from one user then stand in front of
every other chat's question, which waits for all of them (32 s, measured in issue 21). Here
the updates wait in one queue per chat, and a freed slot goes to the chats in turn
(round-robin), and no chat holds more than its share of the slots. A chat's updates start in
its own order; a chat that sent one message waits for at most one update of each busier chat.
`bench/chat_fairness.py` measures it.
"""

import asyncio
import inspect
from collections import OrderedDict, deque
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own FIFO semaphore is held before our queue is reached: open it wide so the order in
# which slots are granted is this module's, never arrival order.
_UNLIMITED = 1_000_000


class RoundRobinGate:
    """`slots` holders at a time, at most `per_key` of them with one key; waiters are queued
    by key and served one key at a time, in turn."""

    def __init__(self, slots: int, per_key: int | None = None) -> None:
        self.free = slots
        self.per_key = per_key or slots
        self._active: dict[Hashable, int] = {}
        self._waiting: OrderedDict[Hashable, deque[asyncio.Future[None]]] = OrderedDict()

    def waiting(self) -> int:
        return sum(len(queue) for queue in self._waiting.values())

    async def acquire(self, key: Hashable) -> None:
        if self.free > 0 and key not in self._waiting and self._active.get(key, 0) < self.per_key:
            self._take(key)
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, deque()).append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.release(key)  # the slot came with the cancellation: pass it on
            else:
                self._forget(key, granted)
            raise

    def release(self, key: Hashable) -> None:
        """Give back `key`'s slot; the waiting keys get the free slots in turn."""
        self._active[key] -= 1
        if not self._active[key]:
            del self._active[key]
        self.free += 1
        self._dispatch()

    def _take(self, key: Hashable) -> None:
        self.free -= 1
        self._active[key] = self._active.get(key, 0) + 1

    def _dispatch(self) -> None:
        """Free slots to waiting keys, one per key per round, until none can take one."""
        granted = True
        while granted and self.free > 0 and self._waiting:
            granted = False
            for key in list(self._waiting):
                if self.free == 0:
                    return
                if self._active.get(key, 0) >= self.per_key:
                    continue  # this chat has its share running: the next chat's turn
                queue = self._waiting[key]
                while queue and queue[0].done():  # cancelled while waiting
                    queue.popleft()
                if queue:
                    self._take(key)
                    queue.popleft().set_result(None)
                    granted = True
                if queue:
                    self._waiting.move_to_end(key)  # its next update waits for the others
                else:
                    del self._waiting[key]

    def _forget(self, key: Hashable, granted: "asyncio.Future[None]") -> None:
        queue = self._waiting.get(key)
        if queue is not None and granted in queue:
            queue.remove(granted)
            if not queue:
                del self._waiting[key]


def chat_key(update: object) -> Hashable:
    """Whose turn an update takes: its chat, else its user (inline queries), else nobody's."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other", None)


class FairUpdateProcessor(BaseUpdateProcessor):
    """At most `slots` updates at once, a quarter of them (at least 2) for any one chat,
    granted to the waiting chats in turn.

    The share: a chat's own updates need some concurrency (pressing "More" while an answer is
    being written), but one chat's commands must not fill the thread pool and the send queue
    that another chat's answer then waits behind."""

    def __init__(self, slots: int) -> None:
        super().__init__(_UNLIMITED)
        self.slots = slots
        self.gate = RoundRobinGate(slots, per_key=max(2, slots // 4))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        try:
            await self.gate.acquire(key)
        except asyncio.CancelledError:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: say so, instead of "never awaited"
            raise
        try:
            await coroutine
        finally:
            self.gate.release(key)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
