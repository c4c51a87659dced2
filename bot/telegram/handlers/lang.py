"""/lang [code]: the language the bot speaks with a user; without a code, a button per
language."""

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.telegram import texts
from bot.telegram.chat import reply, unknown_callback, user_lang
from bot.telegram.context import BotContext
from bot.user_input import clean

log = logging.getLogger(__name__)

_LANG_DATA = re.compile(r"lang:([a-z]{2})")  # see lang_markup


async def lang_command(update: Update, context: BotContext) -> None:
    """/lang [code]: choose the bot's language; without a code, buttons to pick one."""
    chosen = texts.supported(clean(context.args[0])) if context.args else None
    if chosen and update.effective_user:
        await asyncio.to_thread(
            context.services.prefs.set_language, update.effective_user.id, chosen
        )
        await reply(update, context, texts.text(chosen, "lang_set"))
        return
    lang = await user_lang(update, context.services)
    choices = ", ".join(f"<code>/lang {code}</code>" for code in texts.languages())
    await reply(
        update, context, texts.text(lang, "lang_usage", choices=choices), reply_markup=lang_markup()
    )


async def lang_callback(update: Update, context: BotContext) -> None:
    """A language button of /lang."""
    query = update.callback_query
    assert query is not None
    parsed = _LANG_DATA.fullmatch(query.data or "")
    chosen = texts.supported(parsed.group(1)) if parsed else None
    if chosen is None:  # not a language of ours: not one of our buttons
        await unknown_callback(update, context)
        return
    await asyncio.to_thread(context.services.prefs.set_language, query.from_user.id, chosen)
    await query.answer()
    try:
        await query.edit_message_text(texts.text(chosen, "lang_set"))
    except BadRequest as exc:  # the same language pressed twice, or the message is gone
        log.info("could not confirm the language in the /lang message: %s", exc)


def lang_markup() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(texts.LANGUAGE_NAMES[code], callback_data=f"lang:{code}")
        for code in texts.languages()
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])
