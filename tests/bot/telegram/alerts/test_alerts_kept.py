"""Alerts people keep, through the fake Bot API: a burst is one digest, digest subscriptions,
the Mute and Unsubscribe buttons under every alert, and /latest."""

import hashlib
import re

import pytest
from telegram import Bot

from bot.telegram.alerts.delivery import AlertDelivery
from bot.telegram.services import Services
from index.models import SourceDocument
from tests.bot.fake_bot_api import (
    FakeBotAPI,
    callback_query,
    group_chat,
    message,
    private_chat,
    user,
    visible_text,
)
from tests.conftest import GOLD, SUMMIT_EN, SUMMIT_VI, Clock, doc

READER = user(401, "en", name="Lena")
MEMBER = user(402, "en", name="Member")


@pytest.fixture
def delivery(services: Services, clock: Clock) -> AlertDelivery:
    return AlertDelivery(services.catalog, clock, burst=3)


def unalike(count: int, start: int = 0) -> list[SourceDocument]:
    """`count` stories that share no words (each its own story, each alerting)."""
    docs = []
    for i in range(start, start + count):
        w = hashlib.md5(str(i).encode()).hexdigest()
        docs.append(doc((f"https://x.example/{i}", f"Story {i}", f"{w[:8]} {w[8:16]} {w[16:]}.")))
    return docs


async def say(api: FakeBotAPI, person: dict, text: str, chat: dict | None = None) -> str:
    chat = chat or private_chat(person)
    for earlier in api.calls:  # alerts sent before it are not its reply
        earlier.seen = True
    await api.inject({"message": message(chat, person, text)})
    return visible_text((await api.next_call("sendMessage", chat_id=chat["id"])).text)


async def press(api: FakeBotAPI, person: dict, bot_message: dict, data: str) -> str:
    """Press a button of `bot_message`; returns the notice the bot answered it with."""
    await api.inject({"callback_query": callback_query(person, bot_message, data)})
    return str((await api.next_call("answerCallbackQuery")).params.get("text", ""))


async def test_a_burst_of_twelve_articles_is_one_digest_message(
    api: FakeBotAPI, app, alert_bot: Bot, services: Services, delivery: AlertDelivery
):
    await say(api, READER, "/subscribe")
    services.news.index_documents(unalike(12))
    assert await delivery.deliver(alert_bot) == 1
    (digest,) = api.calls_of("sendMessage", READER["id"])[1:]
    text = visible_text(digest.text)
    assert text.startswith("🔔 12 new articles")
    assert sorted(re.findall(r"Story (\d+)", text), key=int) == [str(i) for i in range(12)]
    assert text.count("• ") == 12
    assert 'href="https://x.example/7"' in digest.text
    assert digest.button_data == ["mute:1", "unsub:1"]
    assert services.catalog.outbox.counts() == {"sent": 12}
    assert await delivery.deliver(alert_bot) == 0  # each article once, in that one message


async def test_three_articles_are_three_alerts(
    api: FakeBotAPI, app, alert_bot: Bot, services: Services, delivery: AlertDelivery, clock
):
    await say(api, READER, "/subscribe")
    services.news.index_documents(unalike(3))
    sent = 0
    for _ in range(3):  # a private chat gets one message a second
        sent += await delivery.deliver(alert_bot)
        clock.now += 1
    assert sent == 3
    alerts = [visible_text(c.text) for c in api.calls_of("sendMessage", READER["id"])[1:]]
    assert all(a.startswith("🔔 New article") for a in alerts)


async def test_a_digest_subscription_sends_one_list_every_period(
    api: FakeBotAPI, app, alert_bot: Bot, services: Services, delivery: AlertDelivery, clock
):
    reply = await say(api, READER, "/subscribe digest 6h")
    assert reply == "Subscribed (#1): at most one message every 6 h, listing the new articles."
    services.news.index_documents(unalike(2))
    assert await delivery.deliver(alert_bot) == 1  # the first list goes when articles come
    first = visible_text(api.calls_of("sendMessage", READER["id"])[-1].text)
    assert first.startswith("🗞 Digest (6 h): 2 new articles")
    assert "Story 0" in first and "Story 1" in first

    services.news.index_documents(unalike(3, start=10))
    clock.now += 6 * 3600 - 1
    assert await delivery.deliver(alert_bot) == 0  # not before six hours
    clock.now += 1
    assert await delivery.deliver(alert_bot) == 1
    second = api.calls_of("sendMessage", READER["id"])[-1]
    assert sorted(re.findall(r"Story (\d+)", visible_text(second.text))) == ["10", "11", "12"]
    assert second.button_data == ["mute:1", "unsub:1"]
    assert "digest every 6 h" in await say(api, READER, "/subscriptions")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/subscribe digest gold", "at most one message every 24 h"),
        ("/subscribe digest 1d gold", "at most one message every 24 h"),
        ("/subscribe digest 12h gold", "at most one message every 12 h"),
        ("/subscribe digest 9d gold", "A digest comes every 1 to 168 hours"),
    ],
)
async def test_digest_periods(api: FakeBotAPI, app, command: str, expected: str):
    assert expected in await say(api, READER, command)


async def test_the_mute_and_unmute_buttons_of_an_alert(
    api: FakeBotAPI, app, alert_bot: Bot, services: Services, delivery: AlertDelivery, clock
):
    await say(api, READER, "/subscribe")
    services.news.index_documents([doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 1
    alert = api.last_sent(READER["id"])

    notice = await press(api, READER, alert, "mute:1")
    assert notice.startswith("Muted #1 until") and "UTC" in notice
    edit = await api.next_call("editMessageReplyMarkup", chat_id=READER["id"])
    assert edit.button_data == ["unmute:1", "unsub:1"]
    (muted,) = services.catalog.subscriptions.for_chat(READER["id"])
    assert muted.muted()
    services.news.index_documents([doc(SUMMIT_EN)])  # arrives while muted: not alerted
    clock.now += 10
    assert await delivery.deliver(alert_bot) == 0
    assert "muted until" in await say(api, READER, "/subscriptions")

    assert await press(api, READER, api.last_sent(READER["id"]), "unmute:1") == (
        "Alerts for #1 are back on."
    )
    edit = await api.next_call("editMessageReplyMarkup", chat_id=READER["id"])
    assert edit.button_data == ["mute:1", "unsub:1"]
    services.news.index_documents([doc(SUMMIT_VI)])
    assert await delivery.deliver(alert_bot) == 1
    assert "Hội nghị Budapest" in visible_text(api.calls_of("sendMessage", READER["id"])[-1].text)
    assert services.catalog.outbox.counts() == {"sent": 2}


async def test_the_unsubscribe_button_of_an_alert(
    api: FakeBotAPI, app, alert_bot: Bot, services: Services, delivery: AlertDelivery, clock
):
    await say(api, READER, "/subscribe gold")
    await say(api, READER, "/subscribe")
    services.news.index_documents([doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 1
    first = api.last_sent(READER["id"])
    assert await press(api, READER, first, "unsub:1") == "Unsubscribed from #1."
    edit = await api.next_call("editMessageReplyMarkup", chat_id=READER["id"])
    assert edit.button_data == []  # the buttons are gone
    assert [s.id for s in services.catalog.subscriptions.for_chat(READER["id"])] == [2]
    # Pressed again (an old alert): said plainly, nothing else changes.
    assert await press(api, READER, first, "unsub:1") == "There is no subscription #1 in this chat."
    assert [s.id for s in services.catalog.subscriptions.for_chat(READER["id"])] == [2]


async def test_alert_buttons_in_a_group_are_for_its_admins_and_its_own_subscriptions(
    api: FakeBotAPI, app, alert_bot: Bot, services: Services, delivery: AlertDelivery
):
    group = group_chat(-7001)
    api.chats[group["id"]] = group  # as Telegram knows it: a supergroup
    services.catalog.subscriptions.add(group["id"], None, "en")
    other = services.catalog.subscriptions.add(-7002, None, "en")
    services.news.index_documents([doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 2
    alert = api.last_sent(group["id"])
    assert "only its admins" in await press(api, MEMBER, alert, "unsub:1")
    api.chat_admins.add((group["id"], MEMBER["id"]))
    forged = await press(api, MEMBER, alert, f"unsub:{other.id}")  # another chat's subscription
    assert forged == f"There is no subscription #{other.id} in this chat."
    assert await press(api, MEMBER, alert, "unsub:1") == "Unsubscribed from #1."
    assert [s.id for s in services.catalog.subscriptions.all()] == [other.id]


async def test_latest_lists_the_newest_articles(api: FakeBotAPI, app, services: Services):
    await api.inject({"message": message(private_chat(READER), READER, "/latest")})
    listing = await api.next_call("sendMessage", chat_id=READER["id"])
    lines = visible_text(listing.text).splitlines()
    assert lines[0] == "Newest articles"
    newest = services.catalog.db.newest(10)
    items = [line for line in lines if line.startswith("• ")]
    assert len(items) == 10
    assert [line.split(" — ")[0][2:] for line in items] == [a.title for a in newest]
    assert f'href="{newest[0].url.replace("&", "&amp;")}"' in listing.text

    await api.inject({"message": message(private_chat(READER), READER, "/latest Budapest summit")})
    found = await api.next_call("sendMessage", chat_id=READER["id"])
    text = visible_text(found.text)
    assert text.startswith("Newest on Budapest summit")
    days = re.findall(r"(\d{1,2}) Oct 2025", text)
    assert days and [int(d) for d in days] == sorted((int(d) for d in days), reverse=True)
    assert "Summit report" in text


async def test_latest_never_names_a_local_file(api: FakeBotAPI, app, services: Services, tmp_path):
    note = tmp_path / "harbour-note.txt"
    note.write_text("Harbour council\n\nThe harbour council voted on the budget.\n")
    services.news.index_paths([note])
    await api.inject({"message": message(private_chat(READER), READER, "/latest")})
    listing = visible_text((await api.next_call("sendMessage", chat_id=READER["id"])).text)
    assert "• Harbour council\n" in listing  # undated, no outlet: the headline alone
    assert "harbour-note" not in listing and str(tmp_path) not in listing
