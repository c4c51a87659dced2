"""Subscriptions through the fake Bot API: commands, alerts, pacing, 429, 403, migration."""

import hashlib

import pytest
from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.settings import Settings
from bot.telegram.alerts.delivery import AlertDelivery
from bot.telegram.app import ALERT_JOB, BotApplication
from bot.telegram.services import Services
from tests.bot.fake_bot_api import (
    TOKEN,
    FakeBotAPI,
    group_chat,
    message,
    private_chat,
    user,
    visible_text,
)
from tests.conftest import GOLD, SUMMIT_EN, SUMMIT_VI, doc

HINDI = user(301, "hi", name="Meera")
ENGLISH = user(302, "en", name="John")
HINDI_SUMMIT = (
    "https://hi.example.org/budapest",
    "बुडापेस्ट शिखर सम्मेलन रद्द",
    "बुडापेस्ट शिखर सम्मेलन रद्द कर दिया गया। व्हाइट हाउस ने कहा कि बुडापेस्ट शिखर सम्मेलन की कोई योजना नहीं है।",
)


async def say(api: FakeBotAPI, person: dict, text: str, chat: dict | None = None, **extra):
    await api.inject({"message": message(chat or private_chat(person), person, text, **extra)})
    return visible_text((await api.next_call("sendMessage", chat_id=(chat or person)["id"])).text)


async def test_a_hindi_subscriber_gets_exactly_one_alert(
    api: FakeBotAPI, app: BotApplication, alert_bot: Bot, services: Services
):
    reply = await say(api, HINDI, "/subscribe बुडापेस्ट शिखर सम्मेलन")
    assert reply.startswith("सदस्यता ली गई (#1)")
    services.news.index_documents([doc(HINDI_SUMMIT), doc(GOLD)])
    (job,) = app.job_queue.get_jobs_by_name(ALERT_JOB)
    await job.run(app)
    alert = await api.next_call("sendMessage", chat_id=HINDI["id"])
    text = visible_text(alert.text)
    assert text.startswith("🔔 बुडापेस्ट शिखर सम्मेलन पर नया")
    assert "बुडापेस्ट शिखर सम्मेलन रद्द" in text and "https://hi.example.org/budapest" in alert.text
    assert "<b>बुडापेस्ट शिखर सम्मेलन रद्द कर दिया गया।</b>" in alert.text
    # A restart (a new delivery), a full reindex and the same article fetched again: no more.
    services.news.rebuild()
    services.news.index_documents([doc(HINDI_SUMMIT), doc(GOLD)])
    assert await AlertDelivery(services.catalog).deliver(alert_bot) == 0
    assert len(api.calls_of("sendMessage", HINDI["id"])) == 2  # the confirmation, one alert


async def test_a_429_waits_in_the_queue_then_the_alert_goes(
    api: FakeBotAPI,
    app: BotApplication,
    alert_bot: Bot,
    services: Services,
    delivery: AlertDelivery,
    clock,
):
    await say(api, ENGLISH, "/subscribe")
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    services.news.index_documents([doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 0
    clock.now += 6
    assert await delivery.deliver(alert_bot) == 0  # nothing is sent inside the wait
    assert len(api.calls_of("sendMessage", ENGLISH["id"])) == 2  # confirmation + the 429
    clock.now += 1
    assert await delivery.deliver(alert_bot) == 1
    assert "Gold prices climb" in visible_text(api.calls_of("sendMessage", ENGLISH["id"])[-1].text)


async def test_a_chat_that_blocked_the_bot_is_paused_and_others_still_get_alerts(
    api: FakeBotAPI,
    app: BotApplication,
    alert_bot: Bot,
    services: Services,
    delivery: AlertDelivery,
    clock,
):
    await say(api, ENGLISH, "/subscribe")
    await say(api, HINDI, "/subscribe")
    api.fail_always("sendMessage", ENGLISH["id"], 403, "Forbidden: bot was blocked by the user")
    services.news.index_documents([doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 1
    (paused,) = services.catalog.subscriptions.for_chat(ENGLISH["id"])
    assert paused.paused_reason and "blocked" in paused.paused_reason
    clock.now += 10
    services.news.index_documents([doc(SUMMIT_EN)])
    assert await delivery.deliver(alert_bot) == 1
    assert len(api.calls_of("sendMessage", ENGLISH["id"])) == 2  # confirmation + the 403
    assert len(api.calls_of("sendMessage", HINDI["id"])) == 3


async def test_a_migrated_group_keeps_its_subscriptions(
    api: FakeBotAPI,
    app: BotApplication,
    alert_bot: Bot,
    services: Services,
    delivery: AlertDelivery,
):
    old, new = group_chat(-4001, "Old group"), -1004001
    api.chat_admins.add((old["id"], ENGLISH["id"]))
    await say(api, ENGLISH, "/subscribe", chat=old)
    api.fail_next(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=new,
        chat_id=old["id"],
    )
    services.news.index_documents([doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 1  # refused for the old id, sent to the new
    assert await delivery.deliver(alert_bot) == 0
    assert len(api.calls_of("sendMessage", new)) == 1
    assert [s.chat_id for s in services.catalog.subscriptions.all()] == [new]


async def test_the_migration_service_message_moves_subscriptions(
    api: FakeBotAPI, app: BotApplication, alert_bot: Bot, services: Services
):
    old = group_chat(-4002, "Old group")
    services.catalog.subscriptions.add(old["id"], "gold", "en")
    note = message(old, ENGLISH, None, migrate_to_chat_id=-1004002)
    # Dispatched directly (PTB's own routing, handlers awaited) since it sends no reply to wait for.
    await app.process_update(Update.de_json({"update_id": 90_001, "message": note}, app.bot))
    assert [s.chat_id for s in services.catalog.subscriptions.all()] == [-1004002]


async def test_fifty_alerts_to_one_group_are_paced_not_dropped(
    api: FakeBotAPI, app: BotApplication, alert_bot: Bot, services: Services, clock
):
    """Pacing alone: bursts are not folded into digests here (see test_alerts_kept.py)."""
    delivery = AlertDelivery(services.catalog, clock, burst=None)
    group = group_chat(-5001, "Busy group")
    services.catalog.subscriptions.add(group["id"], None, "en")
    words = [hashlib.md5(str(i).encode()).hexdigest() for i in range(50)]  # unalike texts
    services.news.index_documents(
        [doc((f"https://x.example/{i}", f"Story {i}", f"{w[:8]} {w[8:16]} {w[16:]}."))
         for i, w in enumerate(words)]
    )  # fmt: skip
    rounds = []
    for _ in range(3):
        rounds.append(await delivery.deliver(alert_bot))
        clock.now += 60
    assert rounds == [20, 20, 10]
    assert len(api.calls_of("sendMessage", group["id"])) == 50
    assert services.catalog.outbox.counts() == {"sent": 50}


async def test_the_same_story_in_two_languages_is_one_alert(
    api: FakeBotAPI,
    app: BotApplication,
    alert_bot: Bot,
    services: Services,
    delivery: AlertDelivery,
):
    await say(api, ENGLISH, "/subscribe Budapest summit Trump Putin")
    services.news.index_documents([doc(SUMMIT_EN), doc(SUMMIT_VI), doc(GOLD)])
    assert await delivery.deliver(alert_bot) == 1
    alert = api.calls_of("sendMessage", ENGLISH["id"])[-1]
    assert "Also in:" in visible_text(alert.text)
    assert 'href="https://vi.example.org/hoi-nghi"' in alert.text


async def test_commands_list_unsubscribe_and_limits(
    api: FakeBotAPI, app: BotApplication, alert_bot: Bot
):
    assert "#1" in await say(api, ENGLISH, "/subscribe <b>gold</b> & silver")
    assert "every new article" not in await say(api, ENGLISH, "/subscriptions")
    listing = api.calls_of("sendMessage", ENGLISH["id"])[-1]
    assert "&lt;b&gt;gold&lt;/b&gt; &amp; silver" in listing.text  # escaped
    assert "already subscribed" in await say(api, ENGLISH, "/subscribe <b>gold</b> & silver")
    assert "limit is 200" in await say(api, ENGLISH, "/subscribe " + "x" * 250)
    assert "Unsubscribed from #1" in await say(api, ENGLISH, "/unsubscribe 1")
    assert "no subscription #1" in await say(api, ENGLISH, "/unsubscribe 1")
    assert "Usage" in await say(api, ENGLISH, "/unsubscribe")
    await say(api, ENGLISH, "/subscribe")
    assert "Removed this chat's subscription." in await say(api, ENGLISH, "/unsubscribe all")
    assert "no subscriptions" in await say(api, ENGLISH, "/unsubscribe all")
    await say(api, ENGLISH, "/subscribe gold")
    await say(api, ENGLISH, "/subscribe silver")
    assert "Removed all 2 subscriptions" in await say(api, ENGLISH, "/unsubscribe all")


async def test_in_groups_only_admins_subscribe(
    api: FakeBotAPI, app: BotApplication, alert_bot: Bot, services
):
    group = group_chat(-6001)
    assert "only its admins" in await say(api, ENGLISH, "/subscribe gold", chat=group)
    api.chat_admins.add((group["id"], ENGLISH["id"]))
    assert "Subscribed (#1)" in await say(api, ENGLISH, "/subscribe gold", chat=group)
    anonymous = user(1087968824, name="Group")
    reply = await say(api, anonymous, "/subscribe silver", chat=group, sender_chat=group)
    assert "Subscribed (#2)" in reply
    assert "केवल उसके एडमिन" in await say(api, HINDI, "/unsubscribe all", chat=group)
    assert len(services.catalog.subscriptions.for_chat(group["id"])) == 2


async def test_with_written_answers_an_alert_carries_a_summary_in_the_subscribers_language(
    api: FakeBotAPI,
    app: BotApplication,
    alert_bot: Bot,
    services: Services,
    bot_settings: Settings,
    clock,
):
    from index.answers.writer import AnswerWriter
    from tests.index.answers.fake_openai_server import running_fake_openai, text

    await say(api, HINDI, "/subscribe")
    services.news.index_documents([doc(GOLD)])
    with running_fake_openai() as endpoint:
        endpoint.script(text("सोने के दाम <फिर> बढ़े।"))
        settings = bot_settings.model_copy(
            update={"llm_url": endpoint.base_url, "llm_model": "test-model"}
        )
        writer = AnswerWriter.from_settings(settings.writing)
        delivery = AlertDelivery(services.catalog, clock, answer_writer=writer)
        assert await delivery.deliver(alert_bot) == 1
        prompt = " ".join(m["content"] for m in endpoint.last["messages"])
    alert = api.calls_of("sendMessage", HINDI["id"])[-1]
    assert "<i>सोने के दाम &lt;फिर&gt; बढ़े।</i>" in alert.text  # escaped, under the heading
    assert "Hindi" in prompt and "Gold prices climbed again" in prompt


async def test_an_alert_whose_answer_times_out_is_not_sent_again(
    api: FakeBotAPI, app: BotApplication, services: Services, delivery: AlertDelivery, clock
):
    """Telegram got the message but its answer never came in time: it may have arrived, so
    it is marked failed, like a crash with the message in flight, never repeated."""
    await say(api, ENGLISH, "/subscribe")
    services.news.index_documents([doc(GOLD)])
    answer = api.hold_next("sendMessage")
    impatient = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(read_timeout=0.5))
    async with impatient:
        assert await delivery.deliver(impatient) == 0
        answer.set()
        clock.now += 3600
        assert await delivery.deliver(impatient) == 0
    assert len(api.calls_of("sendMessage", ENGLISH["id"])) == 2  # confirmation + that one
    assert services.catalog.outbox.counts() == {"failed": 1}


@pytest.mark.parametrize(
    ("person", "said"),
    [(ENGLISH, "A digest comes every 1 to 168 hours"), (HINDI, "डाइजेस्ट हर 1 से 168 घंटे")],
)
async def test_a_bad_digest_period_is_said_and_nothing_is_subscribed(
    api: FakeBotAPI, app: BotApplication, services: Services, person: dict, said: str
):
    for period in ("2m", "30min", "6"):
        assert said in await say(api, person, f"/subscribe digest {period} gold")
    assert services.catalog.subscriptions.for_chat(person["id"]) == []
    assert "#1" in await say(api, person, "/subscribe digest 2026 elections")  # a topic
    (made,) = services.catalog.subscriptions.for_chat(person["id"])
    assert (made.topic, made.digest_hours) == ("2026 elections", 24)
