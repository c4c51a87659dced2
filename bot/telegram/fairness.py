"""Per-chat fairness: one chat's flood of updates does not delay another chat's answer.

python-telegram-bot starts one task per update and lets `concurrent_updates` of them run at
once, in the order they arrived. A thousand `/subscribe` from one user then stand in front of
every other chat's question, which waits for all of them (32 s, measured in issue 21). Here
the updates wait in one queue per chat, and a freed slot goes to the chats in turn
(round-robin): a chat's updates still run in its own order, but a chat that sent one message
waits for at most one update of each busier chat. `bench/chat_fairness.py` measures it.
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
    """`slots` holders at a time; waiters are queued by key and served one key at a time."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self._waiting: OrderedDict[Hashable, deque[asyncio.Future[None]]] = OrderedDict()

    def waiting(self) -> int:
        return sum(len(queue) for queue in self._waiting.values())

    async def acquire(self, key: Hashable) -> None:
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, deque()).append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.release()  # the slot came with the cancellation: pass it on
            else:
                self._forget(key, granted)
            raise

    def release(self) -> None:
        """Hand the slot to the chat whose turn it is, or free it."""
        while self._waiting:
            key, queue = next(iter(self._waiting.items()))
            granted = queue.popleft()
            if queue:
                self._waiting.move_to_end(key)  # its next update waits for the others' turn
            else:
                del self._waiting[key]
            if not granted.done():
                granted.set_result(None)
                return
        self.free += 1

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
    """At most `slots` updates at once, granted to the waiting chats in turn."""

    def __init__(self, slots: int) -> None:
        super().__init__(_UNLIMITED)
        self.slots = slots
        self.gate = RoundRobinGate(slots)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self.gate.acquire(chat_key(update))
        except asyncio.CancelledError:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: say so, instead of "never awaited"
            raise
        try:
            await coroutine
        finally:
            self.gate.release()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
