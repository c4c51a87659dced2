"""Typed per-application state for handlers: `context.services` instead of dict lookups."""

import asyncio

from telegram import Bot
from telegram.ext import Application, CallbackContext, ExtBot

from bot.telegram.services import Services


class BotData:
    """The application's `bot_data`: the services, set in post_init, cleared at shutdown."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.alert_bot: Bot | None = None  # unthrottled by PTB: alerts are paced by the queue
        self.warm_up: asyncio.Task[None] | None = None  # awaited before the services close


class BotContext(
    CallbackContext[ExtBot[None], dict[object, object], dict[object, object], BotData]
):
    """The context every handler receives."""

    def __init__(
        self,
        application: Application,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the bot's services are not started (post_init has not run)")
        return services
