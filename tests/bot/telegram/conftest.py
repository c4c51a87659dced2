"""Fixtures the Telegram tests of several workers share."""

from collections.abc import AsyncIterator

import pytest

from tests.bot.fake_bot_api import FakeBotAPI


@pytest.fixture
async def apis() -> AsyncIterator[tuple[FakeBotAPI, FakeBotAPI]]:
    """Two fake Bot APIs, one per worker, with one Telegram behind both (one record of what
    was sent and of the chats)."""
    one, other = FakeBotAPI(), FakeBotAPI()
    other.sent, other.chats = one.sent, one.chats  # one Telegram behind both
    await one.start()
    await other.start()
    yield one, other
    await one.end_polls()
    await other.end_polls()
    await one.stop()
    await other.stop()
