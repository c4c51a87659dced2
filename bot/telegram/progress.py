"""One Telegram message that shows a long job's progress by being edited in place.

The job runs in a worker thread and reports after each article; Telegram allows about one
edit a second per chat, so edits are spaced out and never queued behind one another. The
final text is always shown, after any edit still in flight.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future

from telegram import Bot
from telegram.error import BadRequest, TelegramError

log = logging.getLogger(__name__)


class ProgressMessage:
    """Edits `message_id` in `chat_id`; call it from any thread, `finish` from the loop."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        message_id: int,
        loop: asyncio.AbstractEventLoop,
        min_interval: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot, self.chat_id, self.message_id = bot, chat_id, message_id
        self.loop = loop
        self.min_interval = min_interval
        self.clock = clock
        self._last_edit = float("-inf")
        self._pending: Future[None] | None = None
        self._shown = ""

    def update(self, html: str) -> None:
        """Show `html` if enough time has passed and no edit is still on its way."""
        if self._pending is not None and not self._pending.done():
            return
        now = self.clock()
        if now - self._last_edit < self.min_interval or html == self._shown:
            return
        self._last_edit = now
        self._pending = asyncio.run_coroutine_threadsafe(self._edit(html), self.loop)

    async def finish(self, html: str) -> None:
        if self._pending is not None:
            await asyncio.wrap_future(self._pending)
        await self._edit(html)

    async def _edit(self, html: str) -> None:
        try:
            await self.bot.edit_message_text(html, chat_id=self.chat_id, message_id=self.message_id)
            self._shown = html
        except BadRequest as exc:  # "message is not modified", or the message was deleted
            log.info("progress edit skipped: %s", exc)
        except TelegramError as exc:
            log.warning("progress edit failed: %s", exc)
