"""The bot's settings: flat NEWSBOT_* variables as before, each part reading its group."""

import pytest

from bot.settings import Settings


def test_the_bots_variables_fill_their_groups(monkeypatch: pytest.MonkeyPatch):
    for name, value in {
        "TELEGRAM_TOKEN": "123:abc",
        "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
        "WEBHOOK_URL": "https://bot.example.org/hook/x1",
        "WEBHOOK_SECRET": "s3cret",
        "WEBHOOK_PORT": "9000",
        "ADMIN_IDS": "5, 7",
        "POLL_MINUTES": "0",
        "ALERT_LEASE_SECONDS": "60",
        "ALERT_BURST": "0",
        "INLINE_PER_MINUTE": "4",
        "BOT_PAGE_HITS": "2",
        "BOT_CONCURRENT_UPDATES": "8",
    }.items():
        monkeypatch.setenv(f"NEWSBOT_{name}", value)
    settings = Settings(_env_file=None)

    assert settings.telegram.token is not None
    assert settings.telegram.file_url == "http://127.0.0.1:8081/file/bot"
    assert (settings.webhook.path, settings.webhook.port) == ("hook/x1", 9000)
    assert settings.admins == settings.admins.model_copy(update={"ids": (5, 7)})
    assert settings.admins.poll_minutes == 0
    assert (settings.delivery.lease_seconds, settings.delivery.burst) == (60.0, 0)
    assert (settings.inline.per_minute, settings.inline.cache_seconds) == (4, 300)
    assert (settings.chats.page_hits, settings.chats.concurrent_updates) == (2, 8)
    assert settings.chats.max_pages == 5  # the default, written once on the flat field


def test_a_file_url_beside_any_api_url():
    assert Settings(_env_file=None).telegram.file_url == "https://api.telegram.org/file/bot"
    custom = Settings(_env_file=None, telegram_api_url="http://127.0.0.1:9/api/")
    assert custom.telegram.file_url == "http://127.0.0.1:9/api/file"
