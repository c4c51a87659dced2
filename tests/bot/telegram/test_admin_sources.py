"""/sources as an admin reads it: kinds in the admin's language, fetch times as people write
them (never a raw ISO stamp)."""

import re

import pytest

from bot.dates import human_time
from bot.settings import Settings
from bot.telegram.app import BotApplication
from bot.telegram.services import Services
from tests.bot.fake_bot_api import FakeBotAPI, message, private_chat, user, visible_text
from tests.news_server import NewsSite, publish

ADMIN_RU = user(7101, "ru", name="Olga")
ADMIN_HI = user(7102, "hi", name="Meera")


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    admins = [ADMIN_RU["id"], ADMIN_HI["id"]]
    return bot_settings.model_copy(update={"admin_ids": admins, "allow_private_urls": True})


@pytest.mark.parametrize(("admin", "kind"), [(ADMIN_RU, "лента"), (ADMIN_HI, "फ़ीड")])
async def test_sources_show_translated_kinds_and_human_times(
    api: FakeBotAPI,
    app: BotApplication,
    site: NewsSite,
    services: Services,
    admin: dict,
    kind: str,
):
    publish(site, "/news/summit")
    services.news.add_source(site.url("/feed.xml"), "World Desk")
    services.news.refresh()
    (source,) = services.catalog.sources.all()
    assert source.last_fetch_at

    await api.inject({"message": message(private_chat(admin), admin, "/sources")})
    shown = visible_text((await api.next_call("sendMessage", chat_id=admin["id"])).text)
    assert f"#1 {kind} World Desk" in shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", shown)  # no raw ISO stamp
    assert str(human_time(source.last_fetch_at, admin["language_code"])) in shown


@pytest.mark.parametrize(
    ("stamp", "lang", "shown"),
    [
        ("2026-12-02T14:11:02+00:00", "en", "2 Dec 2026, 14:11 UTC"),
        ("2026-12-02T16:11:02+02:00", "ru", "2 дек. 2026, 14:11 UTC"),
        ("2026-12-02", "en", "2 Dec 2026"),
        ("soon", "en", None),
        (None, "en", None),
    ],
)
def test_human_time(stamp: str | None, lang: str, shown: str | None):
    assert human_time(stamp, lang) == shown
