"""A running bot against the fake Bot API: real python-telegram-bot, real handlers, fake HTTP."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.root import Root
from bot.settings import Settings
from bot.telegram.app import BotApplication, build_application
from bot.telegram.services import Services
from index.models import ExtractedDocument, SourceDocument
from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, running
from tests.fakes import HashingEmbedder

HOSTILE_TITLE = "<b>& Co: </i> the summit"
LONG_SENTENCE = "The Budapest summit was cancelled by negotiators"


def _doc(n: int, title: str, text: str, outlet: str = "Example Wire") -> SourceDocument:
    url = f"https://news.example.org/story/{n}?a=1&b=2"
    return SourceDocument(
        key=url,
        source="Example feed",
        document=ExtractedDocument(
            text=text, title=title, published=f"2025-10-{10 + n:02d}", outlet=outlet, url=url
        ),
    )


ARTICLES = [
    _doc(
        i,
        f"Summit report {i}",
        f"{opening} The Budapest summit between Trump and Putin was dropped after talks "
        f"between Rubio and Lavrov, source {i} said. {closing}",
    )
    for i, (opening, closing) in enumerate(
        [
            ("Markets opened higher on Monday.", "Oil prices were flat."),
            ("A storm hit the northern coast.", "Schools stayed closed."),
            ("The parliament met late.", "A vote is due next week."),
            ("Farmers protested in the capital.", "Tractors blocked roads."),
            ("The central bank kept rates.", "Inflation eased slightly."),
            ("A new stadium opened downtown.", "Fans queued for hours."),
            ("Diplomats gathered in Geneva.", "No statement followed."),
            ("Elections were announced.", "Campaigns start in spring."),
        ],
        start=1,
    )
] + [
    _doc(
        20,
        HOSTILE_TITLE,
        "Budapest summit hostile tag test: prices < 5 & rising > 3 at the summit dropped.",
        outlet="A&B <News>",
    ),
    _doc(
        21,
        "रूस और अमेरिका",
        "व्हाइट हाउस ने कहा कि ट्रम्प और पुतिन की मुलाकात की कोई योजना नहीं है। "
        "हंगरी में शिखर सम्मेलन रद्द हो गया।",
        outlet="हिन्दी समाचार",
    ),
]


def long_article() -> SourceDocument:
    """One passage of ~15,000 characters: far over one Telegram message."""
    words = " ".join(f"{LONG_SENTENCE} word{i}" for i in range(300))
    return _doc(30, "A very long report", words + ". The end.")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def bot_settings(settings: Settings, api: FakeBotAPI) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": SecretStr(TOKEN),
            "telegram_api_url": api.base_url,
            "bot_max_retries": 2,
        }
    )


@pytest.fixture
def services(bot_settings: Settings) -> Iterator[Services]:
    """The data dir indexed with the fast fake embedder; long passages allowed."""
    opened = Root(bot_settings).bot_services(embedder=HashingEmbedder(budget=4000))
    assert opened.news.indexer is not None
    report = opened.news.indexer.index([*ARTICLES, long_article()])
    assert report.failed == 0
    yield opened
    opened.close()


@pytest.fixture
async def bot(bot_settings: Settings, services: Services, api: FakeBotAPI) -> AsyncIterator[Path]:
    """The bot, polling the fake API; yields the data dir."""
    async with running(build_application(bot_settings, lambda: services)):
        yield bot_settings.data_dir
        await api.end_polls()


@pytest.fixture
async def app(
    bot_settings: Settings, services: Services, api: FakeBotAPI
) -> AsyncIterator[BotApplication]:
    async with running(build_application(bot_settings, lambda: services)) as started:
        yield started
        await api.end_polls()
