"""The bot as Telegram users meet it: real python-telegram-bot against a fake Bot API server."""

import html
import logging
import re
from pathlib import Path

import pytest

from bot.telegram.chat_prefs import ChatPrefs
from tests.bot.conftest import HOSTILE_TITLE, LONG_SENTENCE
from tests.bot.fake_bot_api import (
    BOT,
    TOKEN,
    Call,
    FakeBotAPI,
    callback_query,
    channel_chat,
    group_chat,
    message,
    private_chat,
    user,
    visible_text,
)

QUESTION = "Why was the Budapest summit dropped?"


async def ask_privately(api: FakeBotAPI, text: str, person: dict | None = None) -> dict:
    person = person or user()
    sent = message(private_chat(person), person, text)
    await api.inject({"message": sent})
    return sent


async def test_private_question_gets_cited_passages(api: FakeBotAPI, bot: Path):
    await ask_privately(api, QUESTION)

    reply = await api.next_call("sendMessage", chat_id=42)

    assert reply.params["parse_mode"] == "HTML"
    assert "Summit report" in reply.text
    assert re.search(r"<i>Example Wire · \d{1,2} Oct 2025</i>", reply.text)  # a human date
    assert 'href="https://news.example.org/story/' in reply.text
    assert "a=1&amp;b=2" in reply.text  # the link's & is escaped too
    assert re.search(r"<b>[^<]*Budapest summit[^<]*</b>", reply.text)  # best sentence in bold


async def test_group_chatter_is_ignored_mentions_and_replies_are_answered(
    api: FakeBotAPI, bot: Path
):
    group, person = group_chat(), user()
    await api.inject({"message": message(group, person, "the Budapest summit was dropped lol")})
    mention = message(group, person, f"@{BOT['username']} {QUESTION}")
    await api.inject({"message": mention})

    answer = await api.next_call("sendMessage", chat_id=group["id"])

    assert answer.params["reply_parameters"]["message_id"] == mention["message_id"]
    assert len(api.calls_of("sendMessage", group["id"])) == 1  # the chatter got nothing
    bot_message = api.sent[(group["id"], max(k[1] for k in api.sent))]
    follow_up = message(group, person, "and who cancelled it?", reply_to_message=bot_message)
    await api.inject({"message": follow_up})
    reply = await api.next_call("sendMessage", chat_id=group["id"])
    assert reply.params["reply_parameters"]["message_id"] == follow_up["message_id"]


async def test_group_ask_command_and_reply_to_someone_else(api: FakeBotAPI, bot: Path):
    group, person, other = group_chat(), user(), user(7, name="Bob")
    said = message(group, other, "I think the summit happened")
    await api.inject({"message": message(group, person, "no it did not", reply_to_message=said)})
    await api.inject({"message": message(group, person, f"/ask@{BOT['username']} {QUESTION}")})

    answer = await api.next_call("sendMessage", chat_id=group["id"])

    assert "Summit report" in answer.text
    assert len(api.calls_of("sendMessage", group["id"])) == 1


@pytest.mark.parametrize("text", ["/ask", "/ask   ", f"/ask@{BOT['username']}"])
async def test_ask_without_text_gets_a_usage_line(api: FakeBotAPI, bot: Path, text: str):
    await ask_privately(api, text)

    reply = await api.next_call("sendMessage", chat_id=42)

    assert "Usage: <code>/ask your question</code>" in reply.text


async def test_more_pages_through_results_by_editing_the_message(api: FakeBotAPI, bot: Path):
    person = user()
    await ask_privately(api, QUESTION, person)
    first = await api.next_call("sendMessage", chat_id=42)
    assert "[1]" in first.text and "Page 1 of" in first.text
    data = button(first, "More ›")
    bot_message = api.sent[(42, max(k[1] for k in api.sent))]

    pages = [first.text]
    while data:
        await api.inject({"callback_query": callback_query(person, bot_message, data)})
        await api.next_call("answerCallbackQuery")
        edit = await api.next_call("editMessageText", chat_id=42)
        assert edit.params["message_id"] == bot_message["message_id"]
        pages.append(edit.text)
        data = button(edit, "More ›")

    assert len(pages) >= 3
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    numbers = [re.findall(r"\[(\d+)\]", page) for page in pages]
    flat = [int(n) for page in numbers for n in page]
    assert flat == list(range(1, len(flat) + 1))  # every result once, in order


def button(call: Call, label: str) -> str:
    """The callback data of the button labelled `label` under the message, or ""."""
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return next((b["callback_data"] for row in rows for b in row if b["text"] == label), "")


async def test_an_expired_more_button_says_so(api: FakeBotAPI, bot: Path):
    person = user()
    bot_message = message(private_chat(person), BOT, "old answer")
    await api.inject({"callback_query": callback_query(person, bot_message, "more:deadbeef:1")})

    reply = await api.next_call("answerCallbackQuery")

    assert "expired" in reply.text
    assert api.calls_of("editMessageText") == []


async def test_a_very_long_passage_fits_in_one_message(api: FakeBotAPI, bot: Path):
    await ask_privately(api, f"{LONG_SENTENCE} word150")

    reply = await api.next_call("sendMessage", chat_id=42)

    assert "A very long report" in reply.text
    assert len(visible_text(reply.text)) <= 4096 and len(reply.text) <= 4096
    assert "</b>" in reply.text and "…" in reply.text


async def test_html_hostile_titles_and_outlets_are_escaped(api: FakeBotAPI, bot: Path):
    await ask_privately(api, "Budapest summit hostile tag test prices rising")

    reply = await api.next_call("sendMessage", chat_id=42)

    assert html.escape(HOSTILE_TITLE) in reply.text
    assert "A&amp;B &lt;News&gt;" in reply.text
    assert "prices &lt; 5 &amp; rising &gt; 3" in reply.text
    assert HOSTILE_TITLE in api.sent[(42, max(k[1] for k in api.sent))]["text"]


async def test_a_hindi_question_from_a_hindi_user(api: FakeBotAPI, bot: Path):
    await ask_privately(api, "ट्रम्प और पुतिन की मुलाकात की योजना?", user(language_code="hi"))

    reply = await api.next_call("sendMessage", chat_id=42)

    assert "रूस और अमेरिका" in reply.text and "हिन्दी समाचार" in reply.text
    assert "<b>" in reply.text


async def test_nothing_relevant_is_an_honest_answer_in_the_users_language(
    api: FakeBotAPI, bot: Path
):
    await ask_privately(api, "xylophone quantum zebra", user(language_code="ru"))

    reply = await api.next_call("sendMessage", chat_id=42)

    assert "Ничего подходящего" in reply.text and "xylophone" in reply.text
    assert reply.button_data == []


@pytest.mark.parametrize(
    ("language_code", "expected", "hindi"),
    [("en", "I know <b>11</b> articles", "Hindi"), ("hi", "<b>11</b> लेख", "हिन्दी"),
     ("vi", "<b>11</b> bài báo", "Tiếng Hindi"), ("ru-RU", "Статей в индексе: <b>11</b>", "хинди"),
     ("pt-br", "I know <b>11</b> articles", "Hindi"), (None, "I know", "Hindi")],
)  # fmt: skip
async def test_start_and_help_say_what_the_bot_knows(
    api: FakeBotAPI, bot: Path, language_code: str | None, expected: str, hindi: str
):
    await ask_privately(api, "/start", user(language_code=language_code))

    # (A Portuguese speaker is first told, once, that answers are in English.)
    reply = await api.next_call("sendMessage", chat_id=42, where=lambda c: "I know" in c.text
                                or "<b>11</b>" in c.text)  # fmt: skip

    assert expected in reply.text
    assert "Example Wire" in reply.text and "A&amp;B &lt;News&gt;" in reply.text
    assert hindi in reply.text  # Hindi articles, by the name of their language, in the reader's


async def test_lang_overrides_telegram_language_and_is_remembered(api: FakeBotAPI, bot: Path):
    person = user(language_code="en")
    await ask_privately(api, "/lang vi", person)
    assert "tiếng Việt" in (await api.next_call("sendMessage", chat_id=42)).text

    await ask_privately(api, "/help", person)

    assert "Hãy hỏi tôi" in (await api.next_call("sendMessage", chat_id=42)).text
    assert ChatPrefs.in_data_dir(bot).language(42) == "vi"


async def test_lang_without_a_code_offers_buttons(api: FakeBotAPI, bot: Path):
    person = user(language_code="en")
    await ask_privately(api, "/lang", person)
    offer = await api.next_call("sendMessage", chat_id=42)
    assert offer.button_data == ["lang:en", "lang:hi", "lang:vi", "lang:ru"]
    bot_message = api.sent[(42, max(k[1] for k in api.sent))]

    await api.inject({"callback_query": callback_query(person, bot_message, "lang:hi")})

    edit = await api.next_call("editMessageText", chat_id=42)
    assert "हिन्दी" in edit.text
    assert ChatPrefs.in_data_dir(bot).language(42) == "hi"


async def test_other_kinds_of_updates_never_crash_the_bot(api: FakeBotAPI, bot: Path):
    person, group = user(), group_chat()
    chat = private_chat(person)
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
    sticker = {"file_id": "s1", "file_unique_id": "u2", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    edited = message(chat, person, "Budapest summit?", edit_date=1)
    forwarded_origin = {"type": "channel", "date": 1, "chat": channel_chat(), "message_id": 5}
    for update in (
        {"message": message(chat, person, None, photo=photo, caption="what is this?")},
        {"message": message(group, person, None, sticker=sticker)},
        {"message": message(group, person, None, photo=photo)},
        {"edited_message": edited},
        {"channel_post": message(channel_chat(), None, "Budapest summit news")},
        {"message": message(chat, person, QUESTION, forward_origin=forwarded_origin)},
    ):
        await api.inject(update)

    hint = await api.next_call("sendMessage", chat_id=42, where=lambda c: "text only" in c.text)
    answer = await api.next_call("sendMessage", chat_id=42, where=lambda c: "[1]" in c.text)

    assert hint and answer
    assert len(api.calls_of("sendMessage")) == 2  # nothing for groups, edits, channel posts


async def test_a_429_from_telegram_is_retried(api: FakeBotAPI, bot: Path):
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await ask_privately(api, QUESTION)

    refused = await api.next_call("sendMessage", chat_id=42)
    retried = await api.next_call("sendMessage", chat_id=42)

    assert refused.text == retried.text and "Summit report" in retried.text


async def test_a_user_who_blocked_the_bot_is_logged_and_others_still_served(
    api: FakeBotAPI, bot: Path, caplog: pytest.LogCaptureFixture
):
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await ask_privately(api, QUESTION)
    await api.next_call("sendMessage", chat_id=42)

    await ask_privately(api, QUESTION, user(43))

    assert "Summit report" in (await api.next_call("sendMessage", chat_id=43)).text
    assert "blocked by the user" in caplog.text
    assert len(api.calls_of("sendMessage", 42)) == 1  # no "something went wrong" to a blocker


async def test_a_failure_is_told_to_the_user_without_internals_or_token(
    api: FakeBotAPI, bot: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    api.fail_next("sendMessage", 500, "Internal Server Error: /srv/secret/path")
    await ask_privately(api, QUESTION, user(language_code="vi"))
    await api.next_call("sendMessage", chat_id=42)

    told = await api.next_call("sendMessage", chat_id=42)

    assert "Xin lỗi" in told.text and "secret" not in told.text
    assert "secret" in caplog.text  # the log has the details...
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text  # ...never the token


async def test_an_unknown_command_is_named_in_private_and_ignored_in_groups(
    api: FakeBotAPI, bot: Path
):
    group, person = group_chat(), user()
    await api.inject({"message": message(group, person, "/frobnicate now")})
    await ask_privately(api, "/frobnicate <b>")
    reply = await api.next_call("sendMessage", chat_id=person["id"])
    assert visible_text(reply.text) == "I do not know /frobnicate. /help lists what I can do."
    assert api.calls_of("sendMessage", group["id"]) == []
