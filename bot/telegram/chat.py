"""What the handlers share: replying to a chat, the reader's language, an error as the reader
reads it, the answer to a button no handler takes, and the example questions' buttons.

A reply to a group that has just become a supergroup goes to its new chat, and the chat's
subscriptions follow it (`follow_migration`, which alert delivery uses too).
"""

import asyncio
from html import escape
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import ChatMigrated

from bot.telegram import texts
from bot.telegram.alerts.delivery import follow_migration
from bot.telegram.context import BotContext
from bot.telegram.services import Services
from index.errors import NewsbotError

EXAMPLE_KEYS: Final = ("example_1", "example_2", "example_3")  # in bot/telegram/texts/chat.py

# Error codes whose words live under an older, feature-specific key.
_ERROR_KEYS = {
    "question_empty": "ask_usage",
    "question_too_long": "too_long",
    "source_missing": "source_missing",
    "topic_too_long": "subscribe_too_long",
    "too_many": "subscribe_too_many",
    "duplicate": "subscribe_duplicate",
    "missing": "unsubscribe_missing",
    "bad_period": "subscribe_bad_period",
    "model_unavailable": "error_store_unavailable",
    "database_damaged": "error_store_unavailable",
    "error": "error",
}


async def reply(
    update: Update,
    context: BotContext,
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


async def user_lang(update: Update, services: Services) -> str:
    """The user's /lang choice, else their Telegram language if supported, else English."""
    return await reply_lang(update, services, None)


async def reply_lang(update: Update, services: Services, phrase_lang: str | None) -> str:
    """The /lang choice, else `phrase_lang` (the language the user wrote in) if the bot speaks
    it, else their Telegram language if supported, else English."""
    user = update.effective_user
    chosen = None
    if user is not None:
        chosen = await asyncio.to_thread(services.prefs.language, user.id)
    return (
        chosen
        or texts.supported(phrase_lang)
        or texts.supported(user.language_code if user else None)
        or texts.DEFAULT_LANG
    )


def error_text(lang: str, exc: BaseException) -> str:
    """The user's text for `exc`, in `lang`; the generic one for anything unforeseen.

    The core's errors (index/errors.py) carry a code and values; their English messages are
    for logs and the command line. Each code maps to a text key; a code without a text falls
    back to its class's ancestors' codes, then to the generic "something went wrong". Values
    are escaped for Telegram HTML. No message, traceback or raw English reaches a chat."""
    if isinstance(exc, NewsbotError):
        values = {k: escape(v) if isinstance(v, str) else v for k, v in exc.values.items()}
        for code in exc.codes():
            key = _ERROR_KEYS.get(code, f"error_{code}")
            if key not in texts.keys(texts.DEFAULT_LANG):
                continue
            try:
                return texts.text(lang, key, **values)
            except (KeyError, IndexError, ValueError):  # the text needs a value this one lacks
                continue
    return texts.text(lang, "error")


async def unknown_callback(update: Update, context: BotContext) -> None:
    """A button press no handler took (an old or forged button): answer it, say so."""
    query = update.callback_query
    assert query is not None
    lang = await user_lang(update, context.services)
    await query.answer(texts.text(lang, "button_expired"), show_alert=True)


def examples_markup(lang: str) -> InlineKeyboardMarkup:
    """One button per example question, one per row (they are sentences); pressing one asks
    it (`ask:LANG:N`, see handlers/questions.py)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.text(lang, key), callback_data=f"ask:{lang}:{i}")]
            for i, key in enumerate(EXAMPLE_KEYS)
        ]
    )
