"""A user whose Telegram language the bot does not speak (German, say) is told once, in a
private chat, that it will answer in English and that /lang offers its other languages.

It runs before every other handler (its own handler group), on messages only; a user who
chose a language with /lang is never told.
"""

import asyncio

from telegram import Update
from telegram.constants import ChatType

from bot.telegram import texts
from bot.telegram.context import BotContext
from bot.telegram.html import escape


async def note_language(update: Update, context: BotContext) -> None:
    user, chat, message = update.effective_user, update.effective_chat, update.message
    if user is None or chat is None or message is None or chat.type != ChatType.PRIVATE:
        return
    code = user.language_code
    if not code or texts.supported(code) is not None:
        return
    prefs = context.services.prefs
    if await asyncio.to_thread(prefs.language, user.id) is not None:
        return
    if not await asyncio.to_thread(prefs.note_once, user.id):
        return
    name = escape(texts.language_name(code, texts.DEFAULT_LANG))
    await context.bot.send_message(
        chat.id, texts.text(texts.DEFAULT_LANG, "language_note", language=name)
    )
