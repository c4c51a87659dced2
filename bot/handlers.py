"""Telegram handlers: parse the update, call one core function off the event loop, reply.

The core (`NewsIndex`) is synchronous and slow (model, Chroma): every call to it goes through
`asyncio.to_thread`, so one chat's question never holds up another's.
"""

import asyncio
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, MessageEntityType
from telegram.error import Forbidden, TelegramError

from bot import texts
from bot.context import BotContext
from bot.services import Services
from bot.telegram_format import Page, escape, render_page, split_html
from index.models import Answer

log = logging.getLogger(__name__)

_MAX_LISTED = 8  # sources named in /help before "and N more"


async def help_command(update: Update, context: BotContext) -> None:
    """/start and /help: what the bot knows and how to ask it."""
    lang = await user_lang(update, context.services)
    stats = await asyncio.to_thread(context.services.news.stats)
    sources = _listing(stats.sources, lang, "no_sources")
    languages = _listing(
        {texts.LANGUAGE_NAMES.get(c, c): n for c, n in stats.languages.items()},
        lang,
        "no_languages",
    )
    help_text = texts.text(
        lang, "help", articles=stats.articles, sources=sources, languages=languages
    )
    for chunk in split_html(help_text):
        await update.effective_message.reply_text(chunk)  # type: ignore[union-attr]


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask <question>, in any chat."""
    await answer(update, context, " ".join(context.args or []))


async def private_question(update: Update, context: BotContext) -> None:
    """Any text in a private chat is a question."""
    await answer(update, context, update.effective_message.text or "")  # type: ignore[union-attr]


async def group_question(update: Update, context: BotContext) -> None:
    """In a group: only a message that mentions the bot or replies to one of its messages."""
    question = addressed_question(update.effective_message, context.bot.id, context.bot.username)  # type: ignore[arg-type]
    if question is not None:
        await answer(update, context, question)


async def text_only(update: Update, context: BotContext) -> None:
    """Photos, stickers, voice... in a private chat: say what the bot can read."""
    lang = await user_lang(update, context.services)
    await update.effective_message.reply_text(texts.text(lang, "text_only"))  # type: ignore[union-attr]


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have: say so, rather than stay silent."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split(maxsplit=1)[0].split("@", 1)[0]
    lang = await user_lang(update, context.services)
    await message.reply_text(texts.text(lang, "unknown_command", command=escape(command[:64])))


async def more_callback(update: Update, context: BotContext) -> None:
    """The "More" button: edit the answer to show its next page."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _, answer_id, number = query.data.split(":")
    lang = await user_lang(update, context.services)
    entry = context.services.answers.get(answer_id)
    if entry is None:
        await query.answer(texts.text(lang, "expired"), show_alert=True)
        return
    entry.page = int(number)
    written = entry.written if entry.page == 0 else None
    page = render_page(
        entry.answer, entry.page, context.services.settings.bot_page_hits, lang, written
    )
    await query.answer()
    await query.edit_message_text(page.html, reply_markup=more_markup(page, answer_id, lang))


async def lang_command(update: Update, context: BotContext) -> None:
    """/lang [code]: choose the bot's language; without a code, buttons to pick one."""
    chosen = texts.supported(context.args[0]) if context.args else None
    if chosen and update.effective_user:
        await asyncio.to_thread(
            context.services.prefs.set_language, update.effective_user.id, chosen
        )
        await update.effective_message.reply_text(texts.text(chosen, "lang_set"))  # type: ignore[union-attr]
        return
    lang = await user_lang(update, context.services)
    choices = ", ".join(f"<code>/lang {code}</code>" for code in texts.languages())
    await update.effective_message.reply_text(  # type: ignore[union-attr]
        texts.text(lang, "lang_usage", choices=choices), reply_markup=lang_markup()
    )


async def lang_callback(update: Update, context: BotContext) -> None:
    """A language button of /lang."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chosen = texts.supported(query.data.split(":", 1)[1]) or texts.DEFAULT_LANG
    await asyncio.to_thread(context.services.prefs.set_language, query.from_user.id, chosen)
    await query.answer()
    await query.edit_message_text(texts.text(chosen, "lang_set"))


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback, tell the user without internals."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # blocked or kicked: there is no one to tell
    lang = texts.supported(update.effective_user.language_code if update.effective_user else None)
    try:
        await context.bot.send_message(
            update.effective_chat.id, texts.text(lang or texts.DEFAULT_LANG, "error")
        )
    except TelegramError:
        log.warning(
            "could not tell chat %s that update %s failed", update.effective_chat.id, update_id
        )


# --- shared steps -----------------------------------------------------------------------------


async def answer(update: Update, context: BotContext, question: str) -> None:
    """Search for `question` and reply with the first page of the answer."""
    services, message = context.services, update.effective_message
    assert message is not None
    lang = await user_lang(update, services)
    question = " ".join(question.split())
    if not question:
        await message.reply_text(texts.text(lang, "ask_usage"))
        return
    limit = services.settings.max_question_chars
    if len(question) > limit:
        await message.reply_text(texts.text(lang, "too_long", length=len(question), limit=limit))
        return
    await message.reply_chat_action(ChatAction.TYPING)
    k = min(50, services.settings.bot_page_hits * services.settings.bot_max_pages)
    found = await asyncio.to_thread(services.news.ask, question, k)
    page = render_page(found, 0, services.settings.bot_page_hits, lang)
    answer_id = services.answers.put(found) if page.has_more else ""
    markup = more_markup(page, answer_id, lang)
    sent = await message.reply_text(page.html, reply_markup=markup)
    if services.news.writer is not None and found.answered:
        await add_written_answer(sent, services, found, lang, answer_id)


async def add_written_answer(
    sent: Message, services: Services, found: Answer, lang: str, answer_id: str
) -> None:
    """Edit the passages-only reply to put the written answer on top, once it is ready.

    The passages go out at once: a local model can take many seconds, and a writer that fails
    (down, slow, garbage) must cost the reader nothing. One edit, not a stream: Telegram
    limits edits, and a 2-5 sentence answer gains little from appearing word by word. If the
    reader has pressed "More" meanwhile, the answer goes on top of the page they are on.
    """
    written = await asyncio.to_thread(services.news.write_answer, found)
    if written is None:
        return
    entry = services.answers.get(answer_id) if answer_id else None
    number = 0
    if entry is not None:
        entry.written = written
        number = entry.page
    page = render_page(found, number, services.settings.bot_page_hits, lang, written)
    try:
        await sent.edit_text(page.html, reply_markup=more_markup(page, answer_id, lang))
    except TelegramError as exc:  # e.g. the message was deleted meanwhile
        log.info("could not add the written answer to message %s: %s", sent.message_id, exc)


async def user_lang(update: Update, services: Services) -> str:
    """The user's /lang choice, else their Telegram language if supported, else English."""
    user = update.effective_user
    if user is None:
        return texts.DEFAULT_LANG
    chosen = await asyncio.to_thread(services.prefs.language, user.id)
    return chosen or texts.supported(user.language_code) or texts.DEFAULT_LANG


def addressed_question(message: Message, bot_id: int, bot_username: str) -> str | None:
    """The question in a group message meant for the bot, or None when it is chatter."""
    text = message.text or ""
    handle = f"@{bot_username}".lower()
    mentions = [
        e
        for e, value in message.parse_entities([MessageEntityType.MENTION]).items()
        if value.lower() == handle
    ]
    replied = message.reply_to_message is not None and (
        message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == bot_id
    )
    if not mentions and not replied:
        return None
    text = re.sub(re.escape(handle), " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def more_markup(page: Page, answer_id: str, lang: str) -> InlineKeyboardMarkup | None:
    if not page.has_more or not answer_id:
        return None
    data = f"more:{answer_id}:{page.number + 1}"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.text(lang, "more"), callback_data=data)]]
    )


def lang_markup() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(texts.LANGUAGE_NAMES[code], callback_data=f"lang:{code}")
        for code in texts.languages()
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def _listing(counts: dict[str, int], lang: str, empty: str) -> str:
    names = [escape(name) for name, _ in sorted(counts.items(), key=lambda kv: -kv[1])]
    if not names:
        return texts.text(lang, empty)
    more = f" +{len(names) - _MAX_LISTED}" if len(names) > _MAX_LISTED else ""
    return ", ".join(names[:_MAX_LISTED]) + more
