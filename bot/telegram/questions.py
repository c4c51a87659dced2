"""Telegram handlers: parse the update, call one core function off the event loop, reply.

The core (`NewsIndex`) is synchronous and slow (model, Chroma): every call to it goes through
`asyncio.to_thread`, so one chat's question never holds up another's.
"""

import asyncio
import contextlib
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, MessageEntityType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.telegram import texts
from bot.telegram.answer_cache import CachedAnswer, SharedAnswer
from bot.telegram.context import BotContext
from bot.telegram.errors import error_text
from bot.telegram.html import Page, escape, render_page, split_html
from bot.telegram.replies import reply
from bot.telegram.services import Services
from bot.user_input import clean
from index.answers.citing import is_local_file
from index.answers.pages import block_dict
from index.answers.writer import WrittenAnswer
from index.errors import QuestionError

log = logging.getLogger(__name__)

_MAX_LISTED = 8  # sources named in /help before "and N more"
_MORE_DATA = re.compile(r"more:([0-9a-f]{1,16}):([0-9]{1,2})")  # see answer_markup
_VOTE_DATA = re.compile(r"vote:([0-9a-f]{1,16}):(up|down)")  # see answer_markup
_LANG_DATA = re.compile(r"lang:([a-z]{2})")  # see lang_markup


async def help_command(update: Update, context: BotContext) -> None:
    """/start and /help: what the bot knows and how to ask it."""
    lang = await user_lang(update, context.services)
    stats = await asyncio.to_thread(context.services.news.stats)
    named: dict[str, int] = {}
    for name, count in stats.sources.items():  # local files together, never by name or path
        label = texts.text(lang, "local_files") if is_local_file(name) else name
        named[label] = named.get(label, 0) + count
    sources = _listing(named, lang, "no_sources")
    languages = _listing(
        {texts.language_name(c, lang): n for c, n in stats.languages.items()},
        lang,
        "no_languages",
    )
    help_text = texts.text(
        lang,
        "help",
        articles=stats.articles,
        sources=sources,
        languages=languages,
        bot=escape(context.bot.username),
    )
    for chunk in split_html(help_text):
        await reply(update, context, chunk)


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
    entry = await find_entry(context.services, answer_id)
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
    await asyncio.to_thread(context.services.records.show, answer_id, page.number)
    try:
        await query.edit_message_text(page.html, reply_markup=answer_markup(page, answer_id, lang))
    except BadRequest as exc:  # the page already shown (pressed twice), or the message is gone
        log.info("could not show page %s of answer %s: %s", page.number, answer_id, exc)


async def vote_callback(update: Update, context: BotContext) -> None:
    """👍/👎 under an answer: stored with what the reader saw; a second press changes it."""
    query = update.callback_query
    assert query is not None
    parsed = _VOTE_DATA.fullmatch(query.data or "")
    if parsed is None:
        await unknown_callback(update, context)
        return
    answer_id, vote = parsed.group(1), 1 if parsed.group(2) == "up" else -1
    lang = await user_lang(update, context.services)
    entry = await find_entry(context.services, answer_id)
    if entry is None:
        await query.answer(texts.text(lang, "expired"), show_alert=True)
        return
    blocks = await asyncio.to_thread(shown, entry)
    changed = await asyncio.to_thread(
        context.services.feedback.record,
        answer_id,
        query.from_user.id,
        entry.pages.answer.question,
        entry.lang,
        blocks,
        vote,
    )
    await query.answer(texts.text(lang, "vote_changed" if changed else "vote_saved"))


def shown(entry: CachedAnswer) -> list[dict[str, object]]:
    """The article blocks of the pages this message has shown (all built: they were shown)."""
    return [block_dict(block) for n in sorted(entry.seen) for block in entry.pages.page(n)]


async def unknown_callback(update: Update, context: BotContext) -> None:
    """A button press no handler above took (an old or forged button): answer it, say so."""
    query = update.callback_query
    assert query is not None
    lang = await user_lang(update, context.services)
    await query.answer(texts.text(lang, "button_expired"), show_alert=True)


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


# --- shared steps -----------------------------------------------------------------------------


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
    if answer_id:  # any worker may get this message's buttons
        await asyncio.to_thread(services.records.add, answer_id, question, lang)
    markup = answer_markup(page, answer_id, lang)
    sent = await reply(update, context, page.html, reply_markup=markup)
    if services.news.writer is not None and answer_id and shared.written is None:
        await add_written_answer(sent, services, answer_id)


async def find_entry(services: Services, answer_id: str) -> CachedAnswer | None:
    """A message's answer: from this worker's memory, else from the records (the question
    searched again); its page and seen pages as the records have them, whichever worker
    showed them. None when the records no longer know it."""
    record = await asyncio.to_thread(services.records.get, answer_id)
    entry = services.answers.get(answer_id)
    if record is None:
        return entry
    if entry is None:
        try:
            shared = await asyncio.to_thread(find_answer, services, record.question)
        except QuestionError:  # e.g. the index is being rebuilt: the button says expired
            return None
        if shared.written is None and record.written is not None:
            shared.written = WrittenAnswer(*record.written)
        entry = services.answers.adopt(answer_id, shared, record.lang, record.page, set())
    entry.page = record.page
    entry.seen |= record.seen
    return entry


def find_answer(services: Services, question: str) -> SharedAnswer:
    """The answer to `question`: from the cache when the same question was asked of the same
    index, else searched (best sentences left to the pages, which pick them when opened)."""
    news, settings = services.news, services.settings
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
    await asyncio.to_thread(services.records.write, answer_id, written.text, written.citations)
    entry = await find_entry(services, answer_id) or entry  # the page the reader is on now
    page = await asyncio.to_thread(render_page, entry.pages, entry.page, entry.lang, written)
    try:
        await sent.edit_text(page.html, reply_markup=answer_markup(page, answer_id, entry.lang))
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
    ("@newsbot, why…"), spaces collapsed: the same question, however it was addressed."""
    if bot_username:
        handle = re.escape(f"@{bot_username}")
        text = re.sub(rf"(?<!\w){handle}(?!\w)\s*[,:;]?", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


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
    listed = ", ".join(names[:_MAX_LISTED])
    if len(names) > _MAX_LISTED:
        listed += " " + texts.text(lang, "and_more", count=len(names) - _MAX_LISTED)
    return listed
