"""The one error handler, as PTB's errorhandlerbot: log with the traceback first, then tell
the user in their language, without internals (`chat.error_text`)."""

import contextlib
import logging

from telegram import Update
from telegram.error import ChatMigrated, Forbidden, TelegramError

from bot.telegram import texts
from bot.telegram.chat import error_text
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback, tell the user without internals.

    A button press is always answered, so its button never spins."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    lang = texts.supported(update.effective_user.language_code if update.effective_user else None)
    error = error_text(lang or texts.DEFAULT_LANG, context.error or Exception())
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # already answered, or too old to answer
            await update.callback_query.answer(error)
        return
    if update.effective_chat is None or isinstance(context.error, Forbidden):
        return  # blocked or kicked: there is no one to tell
    chat_id = update.effective_chat.id
    if isinstance(context.error, ChatMigrated):
        chat_id = int(context.error.new_chat_id)
    try:
        await context.bot.send_message(chat_id, error)
    except TelegramError:
        log.warning("could not tell chat %s that update %s failed", chat_id, update_id)
