"""/start and /help: what the bot knows (articles, sources, languages) and how to ask it;
/start adds the example questions as buttons."""

import asyncio

from telegram import Update

from bot.telegram import texts
from bot.telegram.chat import examples_markup, reply, user_lang
from bot.telegram.context import BotContext
from bot.telegram.html import escape, split_html
from index.answers.citing import is_local_file

_MAX_LISTED = 8  # sources named in /help before "and N more"


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


async def start_command(update: Update, context: BotContext) -> None:
    """/start: what /help says, then the example questions as buttons."""
    await help_command(update, context)
    lang = await user_lang(update, context.services)
    await reply(update, context, texts.text(lang, "start_examples"), examples_markup(lang))


def _listing(counts: dict[str, int], lang: str, empty: str) -> str:
    names = [escape(name) for name, _ in sorted(counts.items(), key=lambda kv: -kv[1])]
    if not names:
        return texts.text(lang, empty)
    listed = ", ".join(names[:_MAX_LISTED])
    if len(names) > _MAX_LISTED:
        listed += " " + texts.text(lang, "and_more", count=len(names) - _MAX_LISTED)
    return listed
