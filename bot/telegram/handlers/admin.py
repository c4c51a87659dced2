"""Admin commands: /addsource, /sources, /removesource, /reindex, and the polling job.

Admins are the numeric user ids in NEWSBOT_ADMIN_IDS. A message sent "as the group" (an
anonymous admin) or by Telegram's service account carries an id anyone can appear under, so it
is never trusted. Long jobs run in a worker thread, one at a time, and report by editing one
message in place.
"""

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update

from bot.dates import human_time
from bot.settings import UNTRUSTED_IDS, Settings
from bot.telegram import texts
from bot.telegram.chat import error_text, reply, user_lang
from bot.telegram.context import BotContext
from bot.telegram.html import escape, split_html
from bot.telegram.progress import ProgressMessage
from bot.telegram.services import Services
from bot.user_input import clean, number
from index.errors import InputError
from index.sources.url_policy import without_userinfo
from index.store.indexer import IndexReport, Progress, ProgressCallback

log = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Work = Callable[[ProgressCallback], IndexReport]

_LISTED_FAILURES = 5


def is_admin(update: Update, settings: Settings) -> bool:
    user, message = update.effective_user, update.effective_message
    if user is None or (message is not None and message.sender_chat is not None):
        return False
    return user.id not in UNTRUSTED_IDS and user.id in settings.admin_ids


def admin_only(handler: Handler) -> Handler:
    """Run `handler` for admins; everyone else gets a polite refusal in their language."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        if is_admin(update, context.services.settings):
            await handler(update, context)
            return
        user = update.effective_user
        log.info("refused admin command from user %s", user.id if user else None)
        lang = await user_lang(update, context.services)
        await reply(update, context, texts.text(lang, "not_admin"))

    return guarded


@admin_only
async def addsource_command(update: Update, context: BotContext) -> None:
    """/addsource URL [name]: check, register, then fetch it with progress."""
    services, lang = context.services, await user_lang(update, context.services)
    args = [clean(arg) for arg in context.args or []]
    if not args or not args[0].lower().startswith(("http://", "https://")):
        await reply(update, context, texts.text(lang, "addsource_usage"))
        return
    url, name = args[0], " ".join(args[1:]) or None
    shown = escape(without_userinfo(url))  # a password in the URL is never echoed
    message = await reply(update, context, texts.text(lang, "source_checking", url=shown))
    try:
        source = await asyncio.to_thread(services.news.add_source, url, name)
    except InputError as exc:
        refused = texts.text(lang, "source_refused", url=shown, reason=error_text(lang, exc))
        await message.edit_text(refused)
        return
    added = texts.text(
        lang, "source_added", id=source.id, kind=_kind(lang, source.kind), name=escape(source.name)
    )
    await message.edit_text(added)
    work: Work = functools.partial(services.news.refresh, source.id)
    await run_job(context, message, lang, work, "reindex_progress")


@admin_only
async def sources_command(update: Update, context: BotContext) -> None:
    """/sources: every source with its article count, last fetch and last error."""
    lang = await user_lang(update, context.services)
    sources = await asyncio.to_thread(context.services.catalog.sources.all)
    if not sources:
        await reply(update, context, texts.text(lang, "sources_none"))
        return
    lines = [texts.text(lang, "sources_title")]
    for source in sources:
        lines.append(
            texts.text(
                lang,
                "source_line",
                id=source.id,
                kind=_kind(lang, source.kind),
                name=escape(source.name),
                articles=source.articles,
                fetched=escape(human_time(source.last_fetch_at, lang) or texts.text(lang, "never")),
            )
            + f"\n<code>{escape(without_userinfo(source.location))}</code>"
        )
        if source.last_error:
            error = texts.text(lang, "source_error_line", error=escape(source.last_error))
            lines.append(f"<i>{error}</i>")
    for chunk in split_html("\n".join(lines)):
        await reply(update, context, chunk)


def _kind(lang: str, kind: str) -> str:
    """A source's kind ("feed", "page", "path") in the reader's language."""
    return texts.text(lang, f"source_kind_{kind}")


@admin_only
async def removesource_command(update: Update, context: BotContext) -> None:
    """/removesource ID [purge]."""
    lang = await user_lang(update, context.services)
    args = context.args or []
    source_id = number(args[0]) if args else None
    if source_id is None:
        await reply(update, context, texts.text(lang, "removesource_usage"))
        return
    purge = "purge" in (a.lower() for a in args[1:])
    try:
        source, deleted = await asyncio.to_thread(
            context.services.news.remove_source, source_id, purge
        )
    except InputError:
        await reply(update, context, texts.text(lang, "source_missing", id=source_id))
        return
    key = "source_purged" if purge else "source_removed"
    await reply(
        update,
        context,
        texts.text(lang, key, id=source.id, name=escape(source.name), count=deleted),
    )


@admin_only
async def reindex_command(update: Update, context: BotContext) -> None:
    """/reindex [full]: fetch every source; `full` also rebuilds every vector, then switches."""
    services, lang = context.services, await user_lang(update, context.services)
    full = any(a.lower() == "full" for a in context.args or [])
    if services.jobs.locked():
        await reply(update, context, texts.text(lang, "reindex_busy"))
        return
    message = await reply(update, context, texts.text(lang, "reindex_started"))

    def work(progress: ProgressCallback) -> IndexReport:
        report = services.news.refresh(None, progress)
        services.news.rebuild() if full else services.news.embed_missing()
        return report

    await run_job(context, message, lang, work, "rebuild_progress" if full else "reindex_progress")


async def run_job(context: BotContext, message: Message, lang: str, work: Work, key: str) -> None:
    """Run `work` in a thread, one job at a time, showing progress by editing `message`."""
    services = context.services
    if services.jobs.locked():
        await message.edit_text(texts.text(lang, "reindex_busy"))
        return
    async with services.jobs:
        shown = ProgressMessage(
            context.bot, message.chat_id, message.message_id, asyncio.get_running_loop()
        )

        def on_progress(event: Progress) -> None:
            total = event.total if event.total is not None else event.documents
            shown.update(
                texts.text(lang, key, done=event.documents, total=total, passages=event.passages)
            )

        try:
            report = await asyncio.to_thread(work, on_progress)
        except Exception:
            log.exception("reindex from chat %s failed", message.chat_id)
            await shown.finish(texts.text(lang, "reindex_crashed"))
            return
        await shown.finish(summary(report, lang))


def summary(report: IndexReport, lang: str) -> str:
    text = texts.text(
        lang,
        "reindex_done",
        new=report.new,
        changed=report.changed,
        unchanged=report.unchanged + report.duplicates,
        failed=report.failed,
        passages=report.passages,
    )
    if report.failures:
        reasons = [f"• {escape(f.reason[:300])}" for f in report.failures[:_LISTED_FAILURES]]
        more = len(report.failures) - _LISTED_FAILURES
        if more > 0:
            reasons.append(f"… +{more}")
        text += "\n" + texts.text(lang, "reindex_failures") + "\n" + "\n".join(reasons)
    return split_html(text)[0]


async def poll_sources(context: BotContext) -> None:
    """The repeating job: fetch every source; skipped while an admin's job runs."""
    services: Services = context.services
    if services.jobs.locked():
        return
    async with services.jobs:
        try:
            report = await asyncio.to_thread(services.news.refresh)
            # An article saved but not embedded when a poll died is finished here.
            await asyncio.to_thread(services.news.embed_missing)
        except Exception:
            log.exception("polling sources failed; the next poll retries")
            return
    log.info("polled sources: %s", report.summary())
