"""👍/👎 under an answer: stored in the feedback file with what the reader saw (`newsbot
feedback` reads it)."""

import asyncio
import re

from telegram import Update

from bot.telegram import texts
from bot.telegram.answer_cache import CachedAnswer
from bot.telegram.chat import unknown_callback, user_lang
from bot.telegram.context import BotContext
from index.answers.pages import block_dict

_VOTE_DATA = re.compile(r"vote:([0-9a-f]{1,16}):(up|down)")  # see questions.answer_markup


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
    entry = context.services.answers.get(answer_id)
    if entry is None:
        await query.answer(texts.text(lang, "expired"), show_alert=True)
        return
    changed = await asyncio.to_thread(
        context.services.feedback.record,
        answer_id,
        query.from_user.id,
        entry.pages.answer.question,
        entry.lang,
        shown(entry),
        vote,
    )
    await query.answer(texts.text(lang, "vote_changed" if changed else "vote_saved"))


def shown(entry: CachedAnswer) -> list[dict[str, object]]:
    """The article blocks of the pages this message has shown (all built: they were shown)."""
    return [block_dict(block) for n in sorted(entry.seen) for block in entry.pages.page(n)]
