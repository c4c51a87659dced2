"""The composition root of the Telegram bot: settings, services, Application, handlers.

`newsbot run` calls `main`; tests call `build_application` with their own services factory
(a temp data dir and the fake embedder) and drive it against a fake Bot API server.
"""

import asyncio
import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    LinkPreviewOptions,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.logs import BOT_FORMAT, configure_logging, quiet_library_logs, redact
from bot.settings import Settings
from bot.telegram import chat, texts
from bot.telegram.context import BotContext, BotData
from bot.telegram.fairness import FairUpdateProcessor
from bot.telegram.handlers import (
    admin,
    errors,
    inline,
    lang,
    latest,
    questions,
    subscriptions,
    votes,
)
from bot.telegram.handlers.help import help_command, start_command
from bot.telegram.handlers.language_note import note_language
from bot.telegram.services import Services, ServicesFactory
from index.errors import BotStartError, MissingTokenError, NewsbotError

log = logging.getLogger(__name__)

BotApplication = Application

# Telegram sends only these; edits, channel posts, reactions... are never even fetched.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]

_NEW = filters.UpdateType.MESSAGE  # new messages only: edits are not questions
_TEXT = _NEW & filters.TEXT & ~filters.COMMAND


POLL_JOB = "poll-sources"
ALERT_JOB = "deliver-alerts"
ADMIN_COMMANDS = ("addsource", "sources", "removesource", "reindex")


def handler_list() -> list[BaseHandler]:
    """Every handler, in order. Add new commands here."""
    return [
        CommandHandler("start", start_command, filters=_NEW),
        CommandHandler("help", help_command, filters=_NEW),
        CommandHandler("ask", questions.ask_command, filters=_NEW),
        CommandHandler("latest", latest.latest_command, filters=_NEW),
        CommandHandler("lang", lang.lang_command, filters=_NEW),
        CommandHandler("addsource", admin.addsource_command, filters=_NEW),
        CommandHandler("sources", admin.sources_command, filters=_NEW),
        CommandHandler("removesource", admin.removesource_command, filters=_NEW),
        CommandHandler("reindex", admin.reindex_command, filters=_NEW),
        CommandHandler("subscribe", subscriptions.subscribe_command, filters=_NEW),
        CommandHandler("subscriptions", subscriptions.subscriptions_command, filters=_NEW),
        CommandHandler("unsubscribe", subscriptions.unsubscribe_command, filters=_NEW),
        MessageHandler(filters.StatusUpdate.MIGRATE, subscriptions.migrated),
        # Button data is whatever a client sends: each handler checks all of it.
        CallbackQueryHandler(questions.more_callback, pattern=r"^more:"),
        CallbackQueryHandler(votes.vote_callback, pattern=r"^vote:"),
        CallbackQueryHandler(lang.lang_callback, pattern=r"^lang:"),
        CallbackQueryHandler(questions.example_callback, pattern=r"^ask:"),
        CallbackQueryHandler(subscriptions.alert_button, pattern=r"^(mute|unmute|unsub):"),
        CallbackQueryHandler(chat.unknown_callback),  # any other button: answered, never spins
        InlineQueryHandler(inline.inline_query),
        # Greetings, thanks, emoji... get a friendly reply with examples; the rest is searched.
        MessageHandler(filters.ChatType.PRIVATE & _TEXT, questions.private_message),
        MessageHandler(
            filters.ChatType.GROUPS
            & _TEXT
            & (filters.Entity(MessageEntity.MENTION) | filters.REPLY),
            questions.group_message,
        ),
        MessageHandler(
            filters.ChatType.PRIVATE & _NEW & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            questions.text_only,
        ),
        # Keep last: a command no handler above took. Private chats only: in a group it may
        # well be another bot's command.
        MessageHandler(
            _NEW & filters.COMMAND & filters.ChatType.PRIVATE, questions.unknown_command
        ),
    ]


def build_application(settings: Settings, open_services: ServicesFactory) -> BotApplication:
    """The Application, wired; `open_services` runs at start-up, off the event loop."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise MissingTokenError(
            "no Telegram bot token: set NEWSBOT_TELEGRAM_TOKEN (ask @BotFather for one, "
            'see README "The Telegram bot")'
        )
    quiet_library_logs()
    alert_bot = Bot(
        settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
    )

    async def post_init(app: BotApplication) -> None:
        app.bot_data.services = services = await asyncio.to_thread(open_services)
        app.bot_data.warm_up = asyncio.create_task(_warm_up(services))
        app.bot_data.alert_bot = alert_bot
        await alert_bot.initialize()
        await _set_commands(app)
        log.info("newsbot is up as @%s", app.bot.username)

    async def post_shutdown(app: BotApplication) -> None:
        await alert_bot.shutdown()
        if app.bot_data.warm_up is not None:
            await app.bot_data.warm_up  # a thread cannot be cancelled: let it finish
        if app.bot_data.services is not None:
            app.bot_data.services.close()
            app.bot_data.services = None

    app = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .rate_limiter(
            AIORateLimiter(
                max_retries=settings.bot_max_retries,
                group_max_rate=settings.bot_group_messages_per_minute,
            )
        )
        .concurrent_updates(FairUpdateProcessor(settings.bot_concurrent_updates))
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.add_handlers(handler_list())
    # Before any other handler: a user whose language the bot lacks is told so, once.
    app.add_handler(TypeHandler(Update, note_language), group=-1)
    app.add_error_handler(errors.on_error)
    if settings.poll_minutes > 0 and app.job_queue is not None:
        interval = settings.poll_minutes * 60
        app.job_queue.run_repeating(
            admin.poll_sources,
            interval=interval,
            first=min(interval, 30.0),
            name=POLL_JOB,
        )
    if settings.alert_interval_seconds > 0 and app.job_queue is not None:
        app.job_queue.run_repeating(
            subscriptions.deliver_alerts,
            interval=settings.alert_interval_seconds,
            first=settings.alert_interval_seconds,
            name=ALERT_JOB,
        )
    return app


async def _warm_up(services: Services) -> None:
    """The first question's one-off costs, paid in the background at start-up."""
    try:
        await asyncio.to_thread(services.news.warm_up)
    except Exception:  # a failed warm-up only means a slower first answer
        log.exception("warming up the index failed; the first question will be slower")


def commands_for(lang: str, admin: bool = False) -> list[BotCommand]:
    names: tuple[str, ...] = (
        "ask",
        "latest",
        "subscribe",
        "subscriptions",
        "unsubscribe",
        "help",
        "lang",
    )
    names += ADMIN_COMMANDS if admin else ()
    return [BotCommand(name, texts.text(lang, f"cmd_{name}")) for name in names]


async def _set_commands(app: BotApplication) -> None:
    """The command menu, in each language the bot speaks; a failure here is not fatal."""
    try:
        for lang in texts.languages():
            code = None if lang == texts.DEFAULT_LANG else lang
            await app.bot.set_my_commands(commands_for(lang), language_code=code)
        services = app.bot_data.services
        for admin_id in services.settings.admin_ids if services else []:
            # Admins see their commands in their private chat with the bot.
            await app.bot.set_my_commands(
                commands_for(texts.DEFAULT_LANG, admin=True), scope=BotCommandScopeChat(admin_id)
            )
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)


async def _check_token(bot: Bot) -> None:
    """Ask Telegram who the bot is, before anything starts (raises InvalidToken)."""
    async with bot:
        pass


def main(settings: Settings, open_services: ServicesFactory | None = None) -> None:
    """`newsbot run`: long polling, or a webhook server when NEWSBOT_WEBHOOK_URL is set.

    `open_services` replaces the default (the configured model), e.g. for a fake embedder."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    app = build_application(settings, open_services or (lambda: Services.open(settings)))
    configure_logging(settings.log_level, token, BOT_FORMAT)
    try:
        asyncio.run(_check_token(app.bot))  # a refused token is one line, not PTB's retry log
        if settings.webhook_url and settings.webhook_secret:
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:  # PTB's message quotes the token
        raise BotStartError(
            "Telegram rejected the bot token: check NEWSBOT_TELEGRAM_TOKEN "
            "(@BotFather shows your bot's token)"
        ) from None
    except NetworkError as exc:
        reason = " ".join(redact(str(exc), token).split())
        raise BotStartError(
            f"cannot reach Telegram at {settings.telegram_api_url}: {reason}"
        ) from None
    except NewsbotError as exc:  # e.g. the data dir cannot be opened
        raise BotStartError(redact(str(exc), token)) from None
    except Exception as exc:
        log.exception("the bot stopped")  # the log's filter keeps the token out of it
        raise BotStartError(
            f"the bot stopped: {type(exc).__name__}: {redact(str(exc), token)} (details above)"
        ) from None
