"""Replies to a chat, and a group's move to a supergroup, which answers and alerts both follow.

When a group becomes a supergroup, Telegram refuses every message to the old id with a 400
that carries `migrate_to_chat_id` (PTB raises `ChatMigrated`). Nothing is lost for it: the
chat's subscriptions move to the new id (`follow_migration`, shared with alert delivery) and
the reply is sent there (`reply`).
"""

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import ChatMigrated

from index.alerts.subscriptions import Subscriptions

if TYPE_CHECKING:  # bot.telegram.context needs the services, which deliver alerts with this module
    from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


async def follow_migration(
    subscriptions: Subscriptions, old_chat_id: int, new_chat_id: int
) -> None:
    """The chat `old_chat_id` is now `new_chat_id`: its subscriptions (and alerts) follow it."""
    log.info("chat %s is now %s: subscriptions follow it", old_chat_id, new_chat_id)
    await asyncio.to_thread(subscriptions.migrate_chat, old_chat_id, new_chat_id)


async def reply(
    update: Update,
    context: "BotContext",
    html: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Reply to the update's message; in a group that has just migrated, in its new chat."""
    message = update.effective_message
    assert message is not None
    try:
        return await message.reply_text(html, reply_markup=reply_markup)
    except ChatMigrated as exc:
        new_chat_id = int(exc.new_chat_id)
        await follow_migration(context.services.catalog.subscriptions, message.chat_id, new_chat_id)
        # The message replied to stays in the old chat: the reply goes without a quote.
        return await context.bot.send_message(new_chat_id, html, reply_markup=reply_markup)
