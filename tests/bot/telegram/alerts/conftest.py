"""The alert tests' bot: thresholds for the fake embedder, a clock moved by hand, and the
repeating alert job left alone, so that each test's delivery (with its clock) is the only one."""

import pytest
from telegram import Bot

from bot.settings import Settings
from bot.telegram.alerts.delivery import AlertDelivery
from bot.telegram.app import BotApplication
from bot.telegram.services import Services
from tests.conftest import FAKE_ALERT_THRESHOLDS, Clock


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    # PTB's own group limiter is opened up so that the pacer under test is what paces.
    return bot_settings.model_copy(
        update=FAKE_ALERT_THRESHOLDS
        | {"bot_group_messages_per_minute": 10_000, "alert_interval_seconds": 3600}
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def delivery(services: Services, clock: Clock) -> AlertDelivery:
    return AlertDelivery(services.catalog, clock)


@pytest.fixture
def alert_bot(app: BotApplication) -> Bot:
    """The plain Bot the application sends alerts with."""
    bot = app.bot_data.alert_bot
    assert bot is not None
    return bot
