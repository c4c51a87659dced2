"""Small talk, /start's examples, inline mode, /help's wording and the language note, through
the fake Bot API."""

import pytest

from bot.settings import Settings
from bot.telegram.app import BotApplication
from bot.telegram.services import Services
from bot.telegram.texts.small_talk import GREETING, OTHER, THANKS, small_talk_kind
from index.models import ExtractedDocument, SourceDocument
from tests.bot.fake_bot_api import (
    Call,
    FakeBotAPI,
    callback_query,
    group_chat,
    inline_query,
    message,
    private_chat,
    user,
    visible_text,
)
from tests.conftest import REPO

ASHA = user(501, "en", name="Asha")
IVAN = user(502, "en", name="Ivan")
KLAUS = user(503, "de", name="Klaus")
EXAMPLES_EN = ["ask:en:0", "ask:en:1", "ask:en:2"]


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    # Telegram sends inline queries of at most 256 characters: a lower limit to reach here.
    return bot_settings.model_copy(update={"inline_per_minute": 3, "max_question_chars": 100})


async def send(api: FakeBotAPI, person: dict, text: str, chat: dict | None = None) -> Call:
    chat = chat or private_chat(person)
    await api.inject({"message": message(chat, person, text)})
    return await api.next_call("sendMessage", chat_id=chat["id"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi", (GREETING, "en")),
        ("Hello!", (GREETING, "en")),
        ("hiii 👋", (GREETING, "en")),
        ("Good morning, bot", (GREETING, "en")),
        ("नमस्ते", (GREETING, "hi")),
        ("Xin chào!", (GREETING, "vi")),
        ("Привет", (GREETING, "ru")),
        ("спасибо большое", (THANKS, "ru")),
        ("thanks!", (THANKS, "en")),
        ("ok", (OTHER, "en")),
        ("👍", (OTHER, None)),
        ("???", (OTHER, None)),
        ("hola", (GREETING, None)),
        ("@newsbot_test_bot hi", (GREETING, "en")),
        # Real questions, one word included, are searched.
        ("Gaza", None),
        ("bitcoin", None),
        ("hi-tech stocks", None),
        ("Why was the Budapest summit dropped?", None),
        ("thanks to whom was the summit dropped", None),
        ("2025", None),
    ],
)
def test_what_counts_as_small_talk(text: str, expected):
    assert small_talk_kind(text, "newsbot_test_bot") == expected


async def test_a_greeting_gets_a_friendly_reply_with_example_buttons(api: FakeBotAPI, bot):
    greeting = await send(api, ASHA, "hi")
    assert visible_text(greeting.text).startswith("Hello! 👋 Ask me about the news")
    assert greeting.button_data == EXAMPLES_EN
    assert "Budapest" not in visible_text(greeting.text)  # no search ran: no passages

    russian = await send(api, IVAN, "привет")  # in the greeting's language, which the bot speaks
    assert visible_text(russian.text).startswith("Здравствуйте!")
    assert russian.button_data == ["ask:ru:0", "ask:ru:1", "ask:ru:2"]

    thanks = await send(api, ASHA, "thanks!")
    assert visible_text(thanks.text).startswith("You're welcome!")
    assert visible_text((await send(api, ASHA, "👍")).text).startswith("Ask me a question")


async def test_pressing_an_example_asks_it(api: FakeBotAPI, bot):
    greeting = await send(api, ASHA, "hello")
    shown = api.last_sent(ASHA["id"])
    assert greeting.button_data[0] == "ask:en:0"
    await api.inject({"callback_query": callback_query(ASHA, shown, "ask:en:0")})
    await api.next_call("answerCallbackQuery")
    asked = await api.next_call("sendMessage", chat_id=ASHA["id"])
    assert visible_text(asked.text) == "❓ Why was the Budapest summit dropped?"  # restated
    answer = await api.next_call("sendMessage", chat_id=ASHA["id"])
    assert "Budapest" in visible_text(answer.text)  # the search's answer, with passages


@pytest.mark.parametrize("where", ["private", "group"])
async def test_a_mention_anywhere_asks_the_same_question(api: FakeBotAPI, bot, where: str):
    chat = private_chat(ASHA) if where == "private" else group_chat(-8002)
    question = "Why was the Budapest summit dropped?"
    plain = await send(api, ASHA, f"/ask {question}", chat=chat)
    for said in (
        f"@newsbot_test_bot {question}",
        f"{question} @newsbot_test_bot",
        f"@newsbot_test_bot, {question}",
        f"{question.removesuffix('?')} @NewsBot_Test_Bot?",
    ):
        shown = await send(api, ASHA, said, chat=chat)
        assert shown.text == plain.text, said


async def test_a_one_word_topic_is_still_searched(api: FakeBotAPI, bot):
    found = await send(api, ASHA, "Budapest")
    assert "Summit report" in visible_text(found.text)
    assert found.button_data != EXAMPLES_EN


async def test_a_greeting_to_the_bot_in_a_group(api: FakeBotAPI, bot):
    group = group_chat(-8001)
    reply = await send(api, ASHA, "@newsbot_test_bot hi", chat=group)
    assert visible_text(reply.text).startswith("Hello!")
    assert reply.button_data == EXAMPLES_EN


async def test_start_shows_help_then_the_examples(api: FakeBotAPI, bot):
    await api.inject({"message": message(private_chat(ASHA), ASHA, "/start")})
    help_message = await api.next_call("sendMessage", chat_id=ASHA["id"])
    assert "Ask me about the news" in visible_text(help_message.text)
    examples = await api.next_call("sendMessage", chat_id=ASHA["id"])
    assert visible_text(examples.text) == "Try one of these:"
    assert examples.button_data == EXAMPLES_EN


def add_sources_and_languages(services: Services) -> None:
    """Ten more outlets, one in German: more than /help lists by name."""
    docs = [
        SourceDocument(
            f"https://outlet{i}.example/a",
            f"Outlet {i}",
            ExtractedDocument(
                text=f"Outlet {i} reports that the harbour council voted on the budget.",
                title=f"Harbour {i}",
                outlet=f"Outlet {i}",
                url=f"https://outlet{i}.example/a",
            ),
        )
        for i in range(10)
    ]
    docs.append(
        SourceDocument(
            "https://de.example/a",
            "Tagesblatt",
            ExtractedDocument(
                text="Die Bundesregierung hat am Montag neue Maßnahmen gegen die Inflation "
                "beschlossen, teilte das Ministerium in Berlin mit.",
                title="Neue Maßnahmen",
                outlet="Tagesblatt",
                url="https://de.example/a",
            ),
        )
    )
    services.news.index_documents(docs)


async def test_help_names_languages_and_spells_out_the_rest(
    api: FakeBotAPI, app: BotApplication, services: Services
):
    add_sources_and_languages(services)
    stats = services.news.stats()
    assert "de" in stats.languages and len(stats.sources) > 8
    text = visible_text((await send(api, ASHA, "/help")).text)
    assert f"and {len(stats.sources) - 8} more" in text
    assert "German" in text and "English" in text and "Hindi" in text
    assert ", de" not in text and "+" not in text
    hindi = visible_text((await send(api, user(504, "hi"), "/help")).text)
    assert "जर्मन" in hindi and f"और {len(stats.sources) - 8} अन्य" in hindi


async def test_a_german_user_is_told_once_that_answers_are_in_english(api: FakeBotAPI, bot):
    note = await send(api, KLAUS, "/help")
    assert visible_text(note.text).startswith("I don't speak German yet")
    assert "Ask me about the news" in visible_text(
        (await api.next_call("sendMessage", chat_id=KLAUS["id"])).text
    )
    again = await send(api, KLAUS, "/help")
    assert "Ask me about the news" in visible_text(again.text)  # no second note
    assert not any("German" in c.text for c in api.calls_of("sendMessage", KLAUS["id"])[1:])
    # Nor is anyone whose language the bot speaks, or who chose one with /lang.
    assert "don't speak" not in visible_text((await send(api, ASHA, "/help")).text)


async def inline(api: FakeBotAPI, person: dict, query: str) -> list[dict]:
    sent = await api.inject({"inline_query": inline_query(person, query)})
    call = await api.next_call(
        "answerInlineQuery",
        where=lambda c: str(c.params["inline_query_id"]) == sent["inline_query"]["id"],
    )
    return call.params["results"]


async def test_inline_queries_offer_the_best_articles(api: FakeBotAPI, bot):
    results = await inline(api, ASHA, "Budapest summit dropped")
    assert results and all(r["type"] == "article" for r in results)
    titles = [r["title"] for r in results]
    assert len(titles) == len(set(titles))  # one result per article
    assert any(t.startswith("Summit report") for t in titles)
    first = results[0]
    assert first["url"].startswith("https://news.example.org/story/")
    assert first["input_message_content"]["parse_mode"] == "HTML"
    assert "Budapest" in visible_text(first["input_message_content"]["message_text"])


async def test_inline_results_never_show_a_file_name(api: FakeBotAPI, services: Services, bot):
    """A local file without a headline or date: named by its first sentence, no path, no
    file name, no "date unknown", in the result and in the message it posts."""
    path = "/srv/newsbot/seeds/000_bcae2b8bd87c75f4.txt"
    text = (REPO / "seeds" / "000_bcae2b8bd87c75f4.txt").read_text(encoding="utf-8")
    assert services.news.indexer is not None
    local = SourceDocument(f"file://{path}", path, ExtractedDocument(text=text, title=""))
    assert services.news.indexer.index([local]).failed == 0

    results = await inline(api, ASHA, "व्हाइट हाउस के अधिकारी ट्रम्प पुतिन मुलाकात योजना")
    (result,) = [r for r in results if r["title"].startswith("व्हाइट हाउस के एक अधिकारी")]
    message = visible_text(result["input_message_content"]["message_text"])
    for shown in (result["title"], result["description"], message):
        assert "000_bcae2b8bd87c75f4" not in shown and "/srv" not in shown
        assert "unknown" not in shown
    assert result["title"].endswith("…") and text.startswith(result["title"][:-1])


async def test_help_counts_local_files_without_naming_them(
    api: FakeBotAPI, services: Services, bot
):
    assert services.news.indexer is not None
    for path in ("/srv/newsbot/seeds/000_bcae2b8bd87c75f4.txt", "seeds/003.txt"):
        local = SourceDocument(
            f"file://{path}", path, ExtractedDocument(text="Budapest.", title="")
        )
        assert services.news.indexer.index([local]).failed == 0
    shown = visible_text((await send(api, ASHA, "/help")).text)
    assert "local files" in shown and ".txt" not in shown and "/srv" not in shown


async def test_inline_empty_too_long_and_too_many(api: FakeBotAPI, bot):
    (empty,) = await inline(api, ASHA, "")
    assert empty["id"] == "help" and "@newsbot_test_bot" in visible_text(
        empty["input_message_content"]["message_text"]
    )
    (long,) = await inline(api, ASHA, "why " * 60)
    assert long["id"] == "too-long" and long["description"] == "239 characters; the limit is 100."
    for query in ("Budapest", "Budapest summit", "Budapest summit Trump"):  # 3 a minute
        assert (await inline(api, ASHA, query))[0]["id"] not in ("slow", "none")
    (slow,) = await inline(api, ASHA, "Budapest summit Trump Putin")
    assert slow["id"] == "slow"
    slow_call = api.calls_of("answerInlineQuery")[-1]
    assert slow_call.params["cache_time"] == 0 and slow_call.params["is_personal"] is True
    # An answer kept from before is still given: the limit is on searches.
    assert (await inline(api, ASHA, "Budapest"))[0]["id"] not in ("slow", "none")
    # Another user has their own minute.
    assert (await inline(api, IVAN, "Budapest summit Trump Putin"))[0]["id"] != "slow"


async def test_help_counts_local_files_without_a_name_or_path(
    api: FakeBotAPI, app: BotApplication, services: Services, seeds_copy
):
    services.news.index_paths([seeds_copy])
    text = visible_text((await send(api, ASHA, "/help")).text)
    assert "VTC News" in text and "local files" in text  # a dateline's outlet, the rest counted
    assert "000_bcae2b8bd87c75f4" not in text
    assert str(seeds_copy) not in text and "seeds/" not in text
