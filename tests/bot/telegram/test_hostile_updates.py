"""Hostile and unlucky updates through the real bot (fake Bot API): every one gets an answer,
a usage line or a polite refusal, never the apology meant for the bot's own failures."""

import asyncio
import logging
import random

import pytest

from bot.telegram import texts
from bot.telegram.app import BotApplication
from bot.telegram.services import Services
from tests.bot.fake_bot_api import (
    BOT,
    Call,
    FakeBotAPI,
    callback_query,
    group_chat,
    message,
    private_chat,
    user,
)

QUESTION = "Why was the Budapest summit dropped?"
APOLOGIES = {texts.text(lang, "error") for lang in texts.languages()}


async def no_apology(api: FakeBotAPI, app: BotApplication) -> None:
    """Once every update fetched so far is handled (error handler included): no apology."""
    await app.update_queue.join()
    said = [c.text for c in api.calls if c.method in ("sendMessage", "answerCallbackQuery")]
    assert not APOLOGIES & set(said)


def small_group(chat_id: int) -> dict:
    return {"id": chat_id, "type": "group", "title": "Old group"}


async def press(api: FakeBotAPI, person: dict, bot_message: dict, data: str) -> Call:
    """Press a button with `data`; returns the bot's answerCallbackQuery for that press."""
    pressed = callback_query(person, bot_message, data)
    await api.inject({"callback_query": pressed})
    return await api.next_call(
        "answerCallbackQuery", where=lambda c: c.params["callback_query_id"] == pressed["id"]
    )


# --- a group that became a supergroup -----------------------------------------------------------


async def test_an_answer_to_a_migrated_group_goes_to_the_supergroup(
    api: FakeBotAPI, app: BotApplication, services: Services
):
    old, new, person = small_group(-4101), -1004101, user()
    services.catalog.subscriptions.add(old["id"], "gold", "en")
    api.migrate(old["id"], new)

    await api.inject({"message": message(old, person, f"/ask {QUESTION}")})

    answer = await api.next_call("sendMessage", chat_id=new)
    assert "Summit report" in answer.text
    assert "reply_parameters" not in answer.params  # the question stayed in the old chat
    assert [s.chat_id for s in services.catalog.subscriptions.all()] == [new]
    await no_apology(api, app)


# --- one user's bytes -------------------------------------------------------------------------


async def test_a_question_with_lone_surrogates_costs_no_one_an_answer(
    api: FakeBotAPI, app: BotApplication
):
    people = [user(500 + n) for n in range(6)]
    questions = [QUESTION, "Budapest summit \ud800 dropped?", *[QUESTION] * 4]
    for person, question in zip(people, questions, strict=True):
        await api.inject({"message": message(private_chat(person), person, question)})

    replies = [await api.next_call("sendMessage", chat_id=p["id"]) for p in people]

    assert all("Summit report" in r.text for r in replies)
    await no_apology(api, app)


# --- buttons ----------------------------------------------------------------------------------

FORGED = {
    "page-99": ("more:{id}:99", "expired"),
    "page-already-shown": ("more:{id}:0", None),
    "unknown-id": ("more:deadbeef:1", "expired"),
    "extra-fields": ("more:{id}:1:extra", "button_expired"),
    "missing-page": ("more:{id}", "button_expired"),
    "negative-page": ("more:{id}:-1", "button_expired"),
    "empty": ("", "button_expired"),
    "nul": ("\x00", "button_expired"),
    "64-x": ("x" * 64, "button_expired"),
    "unknown-language": ("lang:zz", "button_expired"),
    "empty-language": ("lang:", "button_expired"),
    "surrogate": ("more:\ud800:1", "button_expired"),
    "newline": ("more:{id}:1\n", "button_expired"),
}


@pytest.mark.parametrize(("data", "notice"), list(FORGED.values()), ids=list(FORGED))
async def test_every_forged_button_press_is_answered(
    api: FakeBotAPI, app: BotApplication, data: str, notice: str | None
):
    person = user()
    await api.inject({"message": message(private_chat(person), person, QUESTION)})
    first = await api.next_call("sendMessage", chat_id=person["id"])
    answer_id = first.button_data[0].split(":")[1]
    bot_message = api.sent[(person["id"], max(k[1] for k in api.sent))]

    answered = await press(api, person, bot_message, data.replace("{id}", answer_id))

    if notice is not None:
        assert answered.text == texts.text("en", notice)
    await no_apology(api, app)


# --- limits under concurrency ------------------------------------------------------------------


async def test_thirty_subscribes_at_once_store_twenty(
    api: FakeBotAPI, app: BotApplication, services: Services
):
    person = user(600)
    for n in range(30):
        await api.inject(
            {"message": message(private_chat(person), person, f"/subscribe topic {n}")}
        )

    replies = [await api.next_call("sendMessage", chat_id=600) for _ in range(30)]

    too_many = texts.text("en", "subscribe_too_many", limit=20)
    assert sum(r.text == too_many for r in replies) == 10
    assert len(services.catalog.subscriptions.for_chat(600)) == 20


# --- fuzz --------------------------------------------------------------------------------------

_PIECES = [
    "Budapest summit", "<b>", "</i>", "&amp;", "[/red]", "[/]", "[bold]", "\u200f", "\u202e",
    "\u200b", "\x00", "\ud800", "\udfff", "🇭🇺", "👍🏽", "🧑‍🤝‍🧑", "ट्रम्प", "Hội nghị", "Путин",
    "%s", "{}", "{question}", "\\", "'", '"', "`", "\t", "\n", "  ", "#1", "@newsbot_test_bot",
    "http://127.0.0.1/", "file:///etc/passwd", "²", "٣", "-1", "0", "9" * 40,
]  # fmt: skip
_COMMANDS = [
    "/start", "/help", "/ask", "/lang", "/subscribe", "/subscriptions", "/unsubscribe",
    "/addsource", "/sources", "/removesource", "/reindex", "/unknown", "/start@otherbot",
    f"/ask@{BOT['username']}", "/UNSUBSCRIBE", "/lang@newsbot_test_bot",
]  # fmt: skip
_SPECIAL = ["", " ", "\n\n", "\u200b", "\x00", "\ud800", "x" * 10_000, "Budapest " * 1500]


def hostile_text(rng: random.Random) -> str:
    """A message a hostile or careless user could send: commands with odd arguments, markup,
    controls, surrogates, long or empty text."""
    kind = rng.random()
    if kind < 0.1:
        return rng.choice(_SPECIAL)
    words = " ".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 6)))
    if kind < 0.55:
        return f"{rng.choice(_COMMANDS)} {words}"
    if kind < 0.6:
        return f"{rng.choice(_COMMANDS)} " + rng.choice(_PIECES) * rng.randint(100, 3000)
    return words


def hostile_button(rng: random.Random) -> str:
    head = rng.choice(["more", "lang", "x", "", "MORE", "more:more"])
    fields = [rng.choice([*_PIECES, "deadbeef", "1", "99", "en", "zz"]) for _ in range(3)]
    return ":".join([head, *fields[: rng.randint(0, 3)]])[:64]


async def test_hostile_messages_and_buttons_all_get_a_reply_and_no_apology(
    api: FakeBotAPI, app: BotApplication, caplog: pytest.LogCaptureFixture
):
    rng = random.Random(16)
    people = [user(10_000 + n, rng.choice(["en", "hi", "vi", "ru", None])) for n in range(240)]
    sent = [hostile_text(rng) for _ in people]
    for person, text in zip(people, sent, strict=True):
        chat = private_chat(person)
        if text:
            await api.inject({"message": message(chat, person, text)})
        else:  # Telegram sends no empty text: a message with nothing the bot can read
            await api.inject({"message": message(chat, person, None, photo=[])})

    groups = [group_chat(-200_000 - n, rng.choice(_PIECES)) for n in range(40)]
    for group in groups:  # in a group: only what mentions the bot, which is then answered
        mention = f"@{BOT['username']} {hostile_text(rng)}"
        await api.inject({"message": message(group, rng.choice(people), mention)})

    async def reply_to(chat_id: int) -> Call:
        return await api.next_call("sendMessage", chat_id=chat_id, timeout=60)

    chats = [p["id"] for p in people] + [g["id"] for g in groups]
    replies = await asyncio.gather(*(reply_to(chat_id) for chat_id in chats))

    bot_message = message(private_chat(people[0]), BOT, "an old answer")
    presses = [hostile_button(rng) for _ in range(80)]
    answered = [await press(api, people[0], bot_message, data) for data in presses]

    assert len(replies) == len(chats) and len(answered) == len(presses)
    await no_apology(api, app)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
