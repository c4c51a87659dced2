"""/subscribe, /subscriptions, /unsubscribe, the alert delivery job and group migrations.

In a group only its admins change subscriptions (Telegram says who they are); a message
sent "as the group" can only come from an admin, so it counts as one here.
"""

import asyncio
import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.telegram import texts
from bot.telegram.context import BotContext
from bot.telegram.errors import error_text
from bot.telegram.html import escape, split_html
from bot.telegram.questions import user_lang
from bot.telegram.replies import follow_migration, reply
from bot.user_input import clean, number
from index.errors import SubscriptionError

log = logging.getLogger(__name__)

_ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def subscribe_command(update: Update, context: BotContext) -> None:
    """/subscribe [topic]: alerts for new articles on the topic (or all of them)."""
    subscriptions = context.services.catalog.subscriptions
    lang = await managing_lang(update, context)
    if lang is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    topic = clean(" ".join(context.args or [])) or None
    try:
        await asyncio.to_thread(subscriptions.resume_chat, chat.id)  # they are back
        made = await asyncio.to_thread(
            subscriptions.add, chat.id, topic, lang, user.id if user else None
        )
    except SubscriptionError as exc:
        await reply(update, context, error_text(lang, exc))
        return
    if made.topic:
        await reply(
            update, context, texts.text(lang, "subscribed", id=made.id, topic=escape(made.topic))
        )
    else:
        await reply(update, context, texts.text(lang, "subscribed_all", id=made.id))


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
    for sub in found:
        topic = escape(sub.topic) if sub.topic else texts.text(lang, "subscription_everything")
        line = texts.text(lang, "subscription_line", id=sub.id, topic=topic)
        if sub.paused_reason:
            line += f" <i>({texts.text(lang, 'subscription_paused')})</i>"
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
        await reply(update, context, texts.text(lang, "unsubscribed_all", count=count))
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
