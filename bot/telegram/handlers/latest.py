"""/latest [topic]: the newest articles (headline, outlet, date, link), optionally only those
the search finds on a topic."""

import asyncio

from telegram import Update

from bot.telegram import texts
from bot.telegram.alerts.format import digest_line
from bot.telegram.chat import error_text, reply, user_lang
from bot.telegram.context import BotContext
from bot.telegram.html import escape, split_html
from bot.user_input import clean
from index.errors import QuestionError
from index.retrieval.latest import newest, newest_found

LATEST_COUNT = 10  # articles listed
_SEARCHED = 30  # hits a topic's search brings, before they are ordered by date


async def latest_command(update: Update, context: BotContext) -> None:
    services = context.services
    lang = await user_lang(update, services)
    try:
        topic = services.news.question(clean(" ".join(context.args or [])))  # the core's rule
    except QuestionError as exc:
        if exc.code == "question_too_long":
            await reply(update, context, error_text(lang, exc))
            return
        topic = ""  # no topic: the newest of all
    if topic:
        # Articles are listed, not sentences: none is picked (the costly part of an answer).
        found = await asyncio.to_thread(services.news.ask, topic, _SEARCHED, sentences=False)
        articles = newest_found(found, LATEST_COUNT)
        title = texts.text(lang, "latest_topic_title", topic=escape(topic))
        empty = texts.text(lang, "latest_topic_none", topic=escape(topic))
    else:
        articles = await asyncio.to_thread(newest, services.catalog.db, LATEST_COUNT)
        title, empty = texts.text(lang, "latest_title"), texts.text(lang, "latest_none")
    if not articles:
        await reply(update, context, empty)
        return
    listing = "\n".join([title, "", *(digest_line(a, lang) for a in articles)])
    for chunk in split_html(listing):
        await reply(update, context, chunk)
