"""Questions: /ask, any text in a private chat, a group message meant for the bot, the example
question buttons, and the pages of an answer ("‹ Prev", "More ›"). Small talk ("hi", "thanks",
emoji: bot/telegram/texts/small_talk.py) gets a friendly reply with example questions instead.

The core (`NewsIndex`) is synchronous and slow (model, Chroma): every call to it goes through
`asyncio.to_thread`, so one chat's question never holds up another's.
"""

import asyncio
import contextlib
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, MessageEntityType
from telegram.error import BadRequest, TelegramError

from bot.telegram import texts
from bot.telegram.answer_cache import SharedAnswer
from bot.telegram.chat import (
    EXAMPLE_KEYS,
    error_text,
    examples_markup,
    reply,
    reply_lang,
    unknown_callback,
    user_lang,
)
from bot.telegram.context import BotContext
from bot.telegram.html import Page, escape, render_page
from bot.telegram.services import Services
from bot.telegram.texts.small_talk import small_talk_kind
from bot.user_input import clean
from index.errors import QuestionError

log = logging.getLogger(__name__)

_MORE_DATA = re.compile(r"more:([0-9a-f]{1,16}):([0-9]{1,2})")  # see answer_markup
_EXAMPLE_DATA = re.compile(r"ask:([a-z]{2}):([0-9])")  # see chat.examples_markup


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask <question>, in any chat."""
    await answer(update, context, " ".join(context.args or []))


async def private_message(update: Update, context: BotContext) -> None:
    """Any text in a private chat: small talk gets its reply, anything else is a question."""
    message = update.effective_message
    assert message is not None
    if not await small_talk(update, context, message.text or ""):
        await answer(update, context, message.text or "")


async def group_message(update: Update, context: BotContext) -> None:
    """In a group: only a message that mentions the bot or replies to one of its messages; the
    same, for what it says."""
    message = update.effective_message
    assert message is not None
    said = addressed_question(message, context.bot.id, context.bot.username)
    if said is not None and not await small_talk(update, context, said):
        await answer(update, context, said)


async def small_talk(update: Update, context: BotContext, text: str) -> bool:
    """Reply to `text` if it is small talk (and say so with True); False: search it."""
    found = small_talk_kind(text, context.bot.username)
    if found is None:
        return False
    kind, phrase_lang = found
    lang = await reply_lang(update, context.services, phrase_lang)
    await reply(update, context, texts.text(lang, f"small_talk_{kind}"), examples_markup(lang))
    return True


async def example_callback(update: Update, context: BotContext) -> None:
    """An example question's button: ask it, as if the user had written it."""
    query = update.callback_query
    assert query is not None
    parsed = _EXAMPLE_DATA.fullmatch(query.data or "")
    lang = texts.supported(parsed.group(1)) if parsed else None
    if parsed is None or lang is None or int(parsed.group(2)) >= len(EXAMPLE_KEYS):
        await unknown_callback(update, context)
        return
    await query.answer()
    question = texts.text(lang, EXAMPLE_KEYS[int(parsed.group(2))])
    await reply(update, context, f"❓ <b>{escape(question)}</b>")  # what the answer answers
    await answer(update, context, question)


async def text_only(update: Update, context: BotContext) -> None:
    """Photos, stickers, voice... in a private chat: say what the bot can read."""
    lang = await user_lang(update, context.services)
    await reply(update, context, texts.text(lang, "text_only"))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have: say so, rather than stay silent."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = clean(message.text).split(maxsplit=1)[0].split("@", 1)[0]
    lang = await user_lang(update, context.services)
    await reply(update, context, texts.text(lang, "unknown_command", command=escape(command[:64])))


async def more_callback(update: Update, context: BotContext) -> None:
    """The "‹ Prev" and "More ›" buttons: edit the answer to show another page. A page's
    best sentences are picked when it is first opened, so the first page came fast."""
    query = update.callback_query
    assert query is not None
    parsed = _MORE_DATA.fullmatch(query.data or "")
    if parsed is None:  # not data our buttons carry (PTB gives empty data to every handler)
        await unknown_callback(update, context)
        return
    answer_id, number = parsed.group(1), int(parsed.group(2))
    lang = await user_lang(update, context.services)
    entry = context.services.answers.get(answer_id)
    if entry is None or number >= entry.pages.count:
        await query.answer(texts.text(lang, "expired"), show_alert=True)
        return
    written = entry.written if number == 0 else None
    await query.answer()  # the button stops spinning now, whatever the page costs
    if number < entry.pages.built:  # built before: no model call, no wait for a thread
        page = render_page(entry.pages, number, lang, written)
    else:
        page = await asyncio.to_thread(render_page, entry.pages, number, lang, written)
    entry.page = page.number
    entry.seen.add(page.number)
    try:
        await query.edit_message_text(page.html, reply_markup=answer_markup(page, answer_id, lang))
    except BadRequest as exc:  # the page already shown (pressed twice), or the message is gone
        log.info("could not show page %s of answer %s: %s", page.number, answer_id, exc)


async def answer(update: Update, context: BotContext, question: str) -> None:
    """Search for `question` and reply with the first page of the answer."""
    services, message = context.services, update.effective_message
    assert message is not None
    lang = await user_lang(update, services)
    # The core checks it (empty, too long): one set of rules. The bot's own @name, wherever
    # it stands ("@bot why…", "why… @bot"), is no part of the question.
    question = without_mention(clean(question), context.bot.username)
    with contextlib.suppress(TelegramError):  # only a hint: the answer itself will tell
        await message.reply_chat_action(ChatAction.TYPING)
    try:
        shared = await asyncio.to_thread(find_answer, services, question)
    except QuestionError as exc:
        await reply(update, context, error_text(lang, exc))
        return
    page = await asyncio.to_thread(render_page, shared.pages, 0, lang, shared.written)
    answer_id = services.answers.put(shared, lang) if shared.pages.answer.hits else ""
    markup = answer_markup(page, answer_id, lang)
    sent = await reply(update, context, page.html, reply_markup=markup)
    if services.news.writer is not None and answer_id and shared.written is None:
        await add_written_answer(sent, services, answer_id)


def find_answer(services: Services, question: str) -> SharedAnswer:
    """The answer to `question`: from the cache when the same question was asked of the same
    index, else searched (best sentences left to the pages, which pick them when opened)."""
    news, settings = services.news, services.settings
    question = news.question(question)  # the core's rule (empty, too long, spaces): one key
    k = min(50, settings.bot_page_hits * settings.bot_max_pages)
    stamp = (news.store.count(), news.store.writes)
    shared = services.answers.recent(question, k, stamp)
    if shared is None:
        found = news.ask(question, k, sentences=False)
        shared = SharedAnswer(news.answer_pages(found, settings.bot_page_hits))
        services.answers.remember(question, k, stamp, shared)
    return shared


async def add_written_answer(sent: Message, services: Services, answer_id: str) -> None:
    """Edit the passages-only reply to put the written answer on top, once it is ready.

    The passages go out at once: a local model can take many seconds, and a writer that fails
    (down, slow, garbage) must cost the reader nothing. One edit, not a stream: Telegram
    limits edits, and a 2-5 sentence answer gains little from appearing word by word. If the
    reader has pressed "More" meanwhile, the answer goes on top of the page they are on.
    """
    entry = services.answers.get(answer_id)
    if entry is None:
        return
    written = await asyncio.to_thread(services.news.write_answer, entry.pages.answer)
    if written is None:
        return
    entry.shared.written = written
    page = await asyncio.to_thread(render_page, entry.pages, entry.page, entry.lang, written)
    try:
        await sent.edit_text(page.html, reply_markup=answer_markup(page, answer_id, entry.lang))
    except TelegramError as exc:  # e.g. the message was deleted meanwhile
        log.info("could not add the written answer to message %s: %s", sent.message_id, exc)


def addressed_question(message: Message, bot_id: int, bot_username: str) -> str | None:
    """The question in a group message meant for the bot, or None when it is chatter."""
    text = message.text or ""
    handle = f"@{bot_username}".lower()
    mentioned = any(
        _entity_text(text, e).lower() == handle
        for e in message.entities
        if e.type == MessageEntityType.MENTION
    )
    replied = message.reply_to_message is not None and (
        message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == bot_id
    )
    if not mentioned and not replied:
        return None
    return without_mention(text, bot_username)


def without_mention(text: str, bot_username: str | None) -> str:
    """`text` without the bot's @name, wherever it stands, nor the comma or colon after it
    ("@newsbot, why…"): the same question, however it was addressed (the core collapses the
    spaces left)."""
    if bot_username:
        handle = re.escape(f"@{bot_username}")
        text = re.sub(rf"(?<!\w){handle}(?!\w)\s*[,:;]?", " ", text, flags=re.IGNORECASE)
    return text


def _entity_text(text: str, entity: MessageEntity) -> str:
    """The text an entity covers; offsets count UTF-16 code units, and unlike PTB's
    `parse_entity` this holds for text with lone surrogates."""
    units = text.encode("utf-16-le", "surrogatepass")
    covered = units[2 * entity.offset : 2 * (entity.offset + entity.length)]
    return covered.decode("utf-16-le", "surrogatepass")


def answer_markup(page: Page, answer_id: str, lang: str) -> InlineKeyboardMarkup | None:
    """‹ Prev and More › as the page allows, then 👍 and 👎."""
    if not answer_id:
        return None
    nav = []
    if page.number > 0:
        nav.append(
            InlineKeyboardButton(
                texts.text(lang, "prev"), callback_data=f"more:{answer_id}:{page.number - 1}"
            )
        )
    if page.has_more:
        nav.append(
            InlineKeyboardButton(
                texts.text(lang, "more"), callback_data=f"more:{answer_id}:{page.number + 1}"
            )
        )
    votes = [
        InlineKeyboardButton(texts.text(lang, "vote_up"), callback_data=f"vote:{answer_id}:up"),
        InlineKeyboardButton(texts.text(lang, "vote_down"), callback_data=f"vote:{answer_id}:down"),
    ]
    return InlineKeyboardMarkup([nav, votes] if nav else [votes])
