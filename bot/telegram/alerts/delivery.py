"""Send queued alerts: paced, RetryAfter honoured, blocked chats paused, migrations followed.

A repeating job calls `deliver` every few seconds. It claims what ONE message carries at a
time (one alert, or a digest: see index/alerts/subscriptions.py; marked "sending" with a
lease, in the database), sends it, then marks it sent: a crash can leave at most that one
message unconfirmed, and when its lease runs out it is marked failed, not sent again
(Telegram has no idempotency key: it may have arrived). One that must wait goes back to the
queue with its time, so none is dropped. Every message carries the buttons that mute or end
its subscription.

When a group becomes a supergroup, Telegram refuses every message to the old id with a 400
that carries `migrate_to_chat_id` (PTB raises `ChatMigrated`). Nothing is lost for it: the
chat's subscriptions move to the new id (`follow_migration`, which replies in chats use too).

Alerts go through a plain `telegram.Bot`, not the Application's rate-limited one: PTB's
limiter would sleep through a RetryAfter inside the delivery loop (it cannot be told not to
retry), while here the wait belongs to the queue and the pacer keeps Telegram's limits.
"""

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable

import httpx
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.telegram.alerts.format import alert_markup, render_alert, render_digest
from bot.telegram.alerts.pacing import Pacer
from index.alerts.subscriptions import Claim, Subscriptions
from index.answers.writer import AnswerWriter
from index.store.article_db import ArticleDB

log = logging.getLogger(__name__)

_MAX_ATTEMPTS = 5
_BACKOFF_SECONDS = 30.0


async def follow_migration(
    subscriptions: Subscriptions, old_chat_id: int, new_chat_id: int
) -> None:
    """The chat `old_chat_id` is now `new_chat_id`: its subscriptions (and alerts) follow it."""
    log.info("chat %s is now %s: subscriptions follow it", old_chat_id, new_chat_id)
    await asyncio.to_thread(subscriptions.migrate_chat, old_chat_id, new_chat_id)


class AlertDelivery:
    """One per bot: the outbox, the pacer and the clock they share."""

    def __init__(
        self,
        subscriptions: Subscriptions,
        db: ArticleDB,
        clock: Callable[[], float] = time.time,
        pacer: Pacer | None = None,
        writer: AnswerWriter | None = None,
        lease_seconds: float = 120.0,
        burst: int | None = 3,
    ) -> None:
        self.subscriptions = subscriptions
        self.db = db
        self.writer = writer  # written answers on: a summary line in the subscriber's language
        self.clock = clock
        self.pacer = pacer or Pacer(clock)
        self.lease_seconds = lease_seconds
        self.burst = burst  # more alerts than this due for one subscription: one digest
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def deliver(self, bot: Bot, limit: int = 100) -> int:
        """Send what is due and may go now, one claimed message at a time (at most `limit`);
        returns how many messages were sent."""
        sent = 0
        for _ in range(limit):
            alert = await asyncio.to_thread(
                self.subscriptions.claim,
                self.name,
                self.clock(),
                self.lease_seconds,
                self.burst,
            )
            if alert is None:
                break
            sent += await self._one(bot, alert)
        return sent

    async def _one(self, bot: Bot, alert: Claim) -> int:
        chat_id = alert.subscription.chat_id
        wait = self.pacer.reserve(chat_id)
        if wait > 0:
            await self._later(alert, wait, None)
            return 0
        try:
            html = await asyncio.to_thread(self._render, alert)
        except Exception as exc:  # nothing went out: say why in the outbox, go on
            log.exception("rendering the alert for chat %s failed", chat_id)
            await asyncio.to_thread(self.subscriptions.mark_failed, alert, str(exc)[:200])
            return 0
        if html is None:
            await asyncio.to_thread(self.subscriptions.mark_failed, alert, "article gone")
            return 0
        try:
            await bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=alert_markup(alert.subscription, alert.subscription.lang, False),
            )
        except RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            self.pacer.block(None, seconds)
            await self._later(alert, seconds, f"Telegram asked to wait {seconds:g} s")
            return 0
        except Forbidden as exc:
            log.info("chat %s refused alerts (%s): its subscriptions are paused", chat_id, exc)
            await asyncio.to_thread(self.subscriptions.pause_chat, chat_id, str(exc)[:200])
            await asyncio.to_thread(self.subscriptions.mark_failed, alert, str(exc)[:200])
            return 0
        except ChatMigrated as exc:
            await follow_migration(self.subscriptions, chat_id, int(exc.new_chat_id))
            await self._later(alert, 0.0, "chat migrated")
            return 0
        except BadRequest as exc:
            log.warning("alert to chat %s refused: %s", chat_id, exc)
            await asyncio.to_thread(self.subscriptions.mark_failed, alert, str(exc)[:200])
            return 0
        except TimedOut as exc:
            if not _may_have_arrived(exc):
                return await self._retry(alert, exc)
            # Sent, but no answer in time: like a crash with the message in flight, it may
            # have arrived, and sending it again could repeat it.
            log.warning("alert to chat %s timed out after it was sent: not sent again", chat_id)
            await asyncio.to_thread(self.subscriptions.mark_failed, alert, _TIMED_OUT)
            return 0
        except TelegramError as exc:  # the request did not get through: try again later
            return await self._retry(alert, exc)
        await asyncio.to_thread(self.subscriptions.mark_sent, alert)
        return 1

    async def _retry(self, alert: Claim, exc: TelegramError) -> int:
        """Network trouble before Telegram had the message: later, a few times."""
        if alert.attempts >= _MAX_ATTEMPTS:
            await asyncio.to_thread(self.subscriptions.mark_failed, alert, str(exc)[:200])
        else:
            await self._later(alert, _BACKOFF_SECONDS * alert.attempts, str(exc)[:200])
        return 0

    def _render(self, claim: Claim) -> str | None:
        if claim.digest:
            return render_digest(claim, self.db.get_many([a.article_id for a in claim.alerts]))
        (alert,) = claim.alerts
        articles = self.db.get_many([alert.article_id, *alert.siblings])
        article = articles.get(alert.article_id)
        if article is None:
            return None
        siblings = [articles[s] for s in alert.siblings if s in articles]
        summary = None
        if self.writer is not None:  # any failure is None: the alert goes without it
            summary = self.writer.summarize_for_alert(
                article, alert.passage, alert.subscription.lang
            )
        return render_alert(alert, article, siblings, summary)

    async def _later(self, alert: Claim, seconds: float, error: str | None) -> None:
        await asyncio.to_thread(self.subscriptions.reschedule, alert, self.clock() + seconds, error)


_TIMED_OUT = "timed out waiting for Telegram's answer: it may have arrived; not sent again"


def _may_have_arrived(exc: TimedOut) -> bool:
    """A timeout while connecting or waiting for a pooled connection sent nothing; one while
    writing or reading may have delivered the message."""
    return not isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)


def _seconds(retry_after: object) -> float:
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]
