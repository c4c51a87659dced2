"""Inline mode: `@bot question` in any chat offers the best articles as results.

Answered from the same search as a question in a chat, one result per article (its headline,
outlet, date and best sentence; choosing one posts the headline linked, with the sentence).
Telegram sends a query per keystroke, so:

- answers are kept for `inline_cache_seconds`, by Telegram (`cache_time`) and here, in an
  in-process cache keyed by the question and the reader's language;
- each user may start `inline_per_minute` searches a minute; past that, a cached answer is
  still given, otherwise a "one moment" result (cached by nobody) until the minute has room.

An empty query gets a result that says how to ask, a too long one a result that says so;
neither is an error.
"""

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import replace

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions, Update
from telegram.constants import ParseMode

from bot.telegram import texts
from bot.telegram.chat import EXAMPLE_KEYS, user_lang
from bot.telegram.context import BotContext
from bot.telegram.html import byline, escape
from bot.user_input import clean
from index.answers.citing import shown_title, without_headline
from index.errors import NewsbotError, QuestionError
from index.models import Answer, Article, Hit

log = logging.getLogger(__name__)

MAX_RESULTS = 10
_SNIPPET = 200  # characters of the best sentence under a result's title


async def inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    assert query is not None
    services = context.services
    settings, answers = services.settings, services.inline
    lang = await user_lang(update, services)
    keep_for = settings.inline_cache_seconds
    try:
        question = services.news.question(clean(query.query))  # the core's rule, one for all
    except QuestionError as exc:  # empty: how to ask; too long: say so
        if exc.code == "question_too_long":
            title = texts.text(lang, "inline_too_long_title")
            description = texts.text(lang, "inline_too_long_description", **exc.values)
            notice = _notice("too-long", title, description)
        else:
            example = texts.text(lang, EXAMPLE_KEYS[0])
            notice = _notice(
                "help",
                texts.text(lang, "inline_help_title"),
                texts.text(lang, "inline_help_description", example=example),
                texts.text(lang, "inline_help_text", bot=escape(context.bot.username)),
            )
        await query.answer([notice], cache_time=keep_for)
        return
    results = answers.cached(lang, question) or []
    if not results:
        if not answers.may_search(query.from_user.id, settings.inline_per_minute):
            slow = _notice(
                "slow",
                texts.text(lang, "inline_slow_title"),
                texts.text(lang, "inline_slow_description"),
            )
            await query.answer([slow], cache_time=0, is_personal=True)
            return
        results = await _search(context, question, lang)
        answers.keep(lang, question, results, keep_for)
    await query.answer(results, cache_time=keep_for)


async def _search(context: BotContext, question: str, lang: str) -> list[InlineQueryResultArticle]:
    try:
        found: Answer = await asyncio.to_thread(
            context.services.news.ask, question, 30, sentences=False
        )
        shown = _one_per_article(found.hits)[:MAX_RESULTS]
        # Best sentences for the results shown only, through the answers' sentence cache.
        best = await asyncio.to_thread(
            context.services.news.sentence_scorer.best,
            question,
            [(hit.passage.text, hit.article.lang) for hit in shown],
        )
    except NewsbotError as exc:  # e.g. no model space yet: said as "nothing found"
        log.info("inline search for %r failed: %s", question[:80], exc)
        shown, best = [], []
    results = [
        _result(replace(hit, best_sentence=sentence), lang)
        for hit, sentence in zip(shown, best, strict=True)
    ]
    if not results:
        results = [
            _notice(
                "none",
                texts.text(lang, "inline_none_title"),
                texts.text(lang, "inline_none_description"),
            )
        ]
    return results


def _one_per_article(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[str] = set()
    kept = []
    for hit in hits:
        if hit.article.id not in seen:
            seen.add(hit.article.id)
            kept.append(hit)
    return kept


def _result(hit: Hit, lang: str) -> InlineQueryResultArticle:
    """The article as a result: its headline, `outlet · date`, the best sentence; chosen,
    it posts the linked headline, outlet and date, and the sentence. Never a file name, nor
    the headline twice (a feed's text often starts with it)."""
    article = hit.article
    title = shown_title(article)[:200]
    sentence = without_headline(hit.best_sentence or hit.passage.text, article)
    sentence = " ".join(sentence.split())
    if len(sentence) > _SNIPPET:
        sentence = sentence[: _SNIPPET - 1].rsplit(" ", 1)[0] + "…"
    details = byline(article, lang)
    url = _web_url(article)
    heading = f'<a href="{escape(url)}">{escape(title)}</a>' if url else escape(title)
    head = f"<b>{heading}</b>" + (f"\n<i>{escape(details)}</i>" if details else "")
    message = f"{head}\n\n{escape(sentence)}"
    return InlineQueryResultArticle(
        id=hashlib.sha1(article.id.encode()).hexdigest(),
        title=title,
        description="\n".join(part for part in (details, sentence) if part),
        url=url,
        input_message_content=InputTextMessageContent(
            message,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


def _web_url(article: Article) -> str | None:
    url = article.url
    return url if url and url.startswith(("http://", "https://")) else None


def _notice(
    key: str, title: str, description: str, message: str | None = None
) -> InlineQueryResultArticle:
    """A result that is a notice (how to ask, too long...); chosen, it posts `message`."""
    return InlineQueryResultArticle(
        id=key,
        title=title,
        description=description,
        input_message_content=InputTextMessageContent(
            message or escape(f"{title}: {description}"), parse_mode=ParseMode.HTML
        ),
    )
