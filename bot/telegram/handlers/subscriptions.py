"""/subscribe, /subscriptions, /unsubscribe, the buttons under alerts, the alert delivery job
and group migrations.

`/subscribe [digest [PERIOD]] [topic]`: alerts as articles arrive, or with `digest` at most
one message every PERIOD ("6h", "1d"; 24 h when omitted) listing the headlines. In a group
only its admins change subscriptions (Telegram says who they are); a message sent "as the
group" can only come from an admin, so it counts as one here. The same holds for the Mute
and Unsubscribe buttons under an alert.
"""

import asyncio
import html
import logging
import re
import time
from datetime import UTC, datetime

from babel.dates import format_datetime
from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest

from bot.telegram import texts
from bot.telegram.alerts.delivery import follow_migration
from bot.telegram.alerts.format import MUTE_HOURS, alert_markup
from bot.telegram.chat import error_text, reply, unknown_callback, user_lang
from bot.telegram.context import BotContext
from bot.telegram.html import escape, split_html
from bot.user_input import clean, number
from index.alerts.subscriptions import parse_period
from index.errors import SubscriptionError

log = logging.getLogger(__name__)

DEFAULT_DIGEST_HOURS = 24
_ALERT_BUTTON = re.compile(r"(mute|unmute|unsub):([0-9]{1,12})")  # see alert_markup
_ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def subscribe_command(update: Update, context: BotContext) -> None:
    """/subscribe [digest [6h]] [topic]: alerts for new articles on the topic (or all of them),
    as they come or as a digest."""
    subscriptions = context.services.catalog.subscriptions
    lang = await managing_lang(update, context)
    if lang is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    try:
        digest_hours, topic = parse_subscribe_args([clean(a) for a in context.args or []])
        await asyncio.to_thread(subscriptions.resume_chat, chat.id)  # they are back
        made = await asyncio.to_thread(
            subscriptions.add, chat.id, topic, lang, user.id if user else None, digest_hours
        )
    except SubscriptionError as exc:
        await reply(update, context, error_text(lang, exc))
        return
    if made.digest_hours is None:
        key = "subscribed" if made.topic else "subscribed_all"
    else:
        key = "subscribed_digest" if made.topic else "subscribed_digest_all"
    topic_html = escape(made.topic) if made.topic else ""
    confirmation = texts.text(lang, key, id=made.id, topic=topic_html, hours=made.digest_hours)
    await reply(update, context, confirmation)


def parse_subscribe_args(args: list[str]) -> tuple[int | None, str | None]:
    """(digest hours or None, topic or None) from `/subscribe`'s words: `digest` first, then
    an optional period ("6h", "1d"), then the topic. Raises SubscriptionError("bad_period")."""
    digest_hours = None
    if args and args[0].lower() == "digest":
        args = args[1:]
        digest_hours = DEFAULT_DIGEST_HOURS
        period = parse_period(args[0]) if args else None
        if period is not None:
            digest_hours, args = period, args[1:]
    return digest_hours, " ".join(args).strip() or None


async def subscriptions_command(update: Update, context: BotContext) -> None:
    """/subscriptions: this chat's subscriptions with their ids."""
    lang = await user_lang(update, context.services)
    chat = update.effective_chat
    assert chat is not None
    found = await asyncio.to_thread(context.services.catalog.subscriptions.for_chat, chat.id)
    if not found:
        await reply(update, context, texts.text(lang, "subscriptions_none"))
        return
    lines = [texts.text(lang, "subscriptions_title")]
    now = time.time()
    for sub in found:
        topic = escape(sub.topic) if sub.topic else texts.text(lang, "subscription_everything")
        line = texts.text(lang, "subscription_line", id=sub.id, topic=topic)
        notes = []
        if sub.digest_hours is not None:
            notes.append(texts.text(lang, "subscription_digest", hours=sub.digest_hours))
        if sub.muted(now):
            until = when(sub.muted_until, lang)
            notes.append(texts.text(lang, "subscription_muted", until=until))
        if sub.paused_reason:
            notes.append(texts.text(lang, "subscription_paused"))
        if notes:
            line += f" <i>({'; '.join(notes)})</i>"
        lines.append(line)
    for chunk in split_html("\n".join(lines)):
        await reply(update, context, chunk)


async def unsubscribe_command(update: Update, context: BotContext) -> None:
    """/unsubscribe <id> | all."""
    subscriptions = context.services.catalog.subscriptions
    lang = await managing_lang(update, context)
    if lang is None:
        return
    chat = update.effective_chat
    assert chat is not None
    argument = (context.args or [""])[0]
    if argument.lower() == "all":
        count = await asyncio.to_thread(subscriptions.remove_all, chat.id)
        key = {0: "unsubscribed_none", 1: "unsubscribed_one"}.get(count, "unsubscribed_all")
        await reply(update, context, texts.text(lang, key, count=count))
        return
    subscription_id = number(argument)
    if subscription_id is None:
        await reply(update, context, texts.text(lang, "unsubscribe_usage"))
        return
    try:
        await asyncio.to_thread(subscriptions.remove, subscription_id, chat.id)
    except SubscriptionError as exc:
        await reply(update, context, error_text(lang, exc))
        return
    await reply(update, context, texts.text(lang, "unsubscribed", id=subscription_id))


async def alert_button(update: Update, context: BotContext) -> None:
    """🔕 Mute, 🔔 Unmute and ✖ Unsubscribe under an alert: for the subscription it names, if
    it belongs to this chat and the presser may manage it. The answer is a short notice; the
    alert's buttons change to match (Unmute while muted, none once unsubscribed)."""
    query = update.callback_query
    assert query is not None
    parsed = _ALERT_BUTTON.fullmatch(query.data or "")
    message = query.message
    if parsed is None or message is None:
        await unknown_callback(update, context)
        return
    action, subscription_id = parsed.group(1), int(parsed.group(2))
    subscriptions = context.services.catalog.subscriptions
    lang = await user_lang(update, context.services)
    if not await may_manage(update, context):
        await query.answer(texts.text(lang, "subscribe_admins_only"), show_alert=True)
        return
    chat_id = message.chat.id
    try:
        if action == "unsub":
            await asyncio.to_thread(subscriptions.remove, subscription_id, chat_id)
            notice, markup = texts.text(lang, "unsubscribed", id=subscription_id), None
        else:
            until = time.time() + MUTE_HOURS * 3600 if action == "mute" else 0.0
            changed = await asyncio.to_thread(subscriptions.mute, subscription_id, chat_id, until)
            notice = (
                texts.text(lang, "muted", id=subscription_id, until=when(until, lang))
                if action == "mute"
                else texts.text(lang, "unmuted", id=subscription_id)
            )
            markup = alert_markup(changed, changed.lang, muted=action == "mute")
    except SubscriptionError as exc:
        await query.answer(_plain(error_text(lang, exc)), show_alert=True)
        return
    await query.answer(_plain(notice), show_alert=True)
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:  # pressed twice, or the message is too old to edit
        log.info("could not change the buttons of alert %s: %s", message.message_id, exc)


def when(epoch: float, lang: str) -> str:
    """ "25 Nov, 14:05 UTC" in the reader's language."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return format_datetime(moment, "d MMM, HH:mm", tzinfo=UTC, locale=lang) + " UTC"


def _plain(markup: str) -> str:
    """A button's notice is plain text: the texts' HTML tags are dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


async def migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its subscriptions move to the new chat id."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        subscriptions = context.services.catalog.subscriptions
        await follow_migration(subscriptions, message.chat.id, message.migrate_to_chat_id)


async def deliver_alerts(context: BotContext) -> None:
    """The repeating job: send the alerts that are due."""
    bot = context.bot_data.alert_bot
    if bot is None:
        return
    try:
        await context.services.delivery.deliver(bot)
    except Exception:
        log.exception("alert delivery failed; the next run retries")


async def managing_lang(update: Update, context: BotContext) -> str | None:
    """The user's language when they may change this chat's subscriptions; else None, after
    telling them that only the group's admins may."""
    lang = await user_lang(update, context.services)
    if await may_manage(update, context):
        return lang
    await reply(update, context, texts.text(lang, "subscribe_admins_only"))
    return None


async def may_manage(update: Update, context: BotContext) -> bool:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin of this group
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in _ADMINS
