"""Written answers in Telegram: passages at once, then the answer on top by one edit."""

import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.html import MAX_MESSAGE, render_page, utf16_len
from bot.telegram.services import Services
from index.answers.pages import AnswerPages
from index.answers.writer import WrittenAnswer
from tests.bot.fake_bot_api import FakeBotAPI, callback_query, message, private_chat, running, user
from tests.index.answers.fake_openai_server import FakeOpenAI, Reply, running_fake_openai, text
from tests.index.answers.test_answer_writer import HITS, answer

QUESTION = "Why was the Budapest summit dropped?"


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


@pytest.fixture
def endpoint() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        yield fake


@pytest.fixture
def llm_url(endpoint: FakeOpenAI) -> str:
    return endpoint.base_url


@pytest.fixture
def bot_settings(bot_settings: Settings, llm_url: str) -> Settings:
    """Written answers on; one update at a time, so a later reply proves an earlier finished."""
    return bot_settings.model_copy(
        update={"llm_url": llm_url, "llm_model": "test-model", "bot_concurrent_updates": 1}
    )


async def ask(api: FakeBotAPI, text_: str) -> None:
    person = user()
    await api.inject({"message": message(private_chat(person), person, text_)})


async def test_written_answer_is_added_on_top_escaped(
    api: FakeBotAPI, bot: Path, endpoint: FakeOpenAI
):
    endpoint.script(text("It was dropped <b>&</b> Rubio [1], see also [2] and [7]."))
    await ask(api, QUESTION)

    first = await api.next_call("sendMessage", chat_id=42)
    edit = await api.next_call("editMessageText", chat_id=42)

    assert "Short answer" not in first.text and "[1] " in first.text  # passages at once
    assert int(edit.params["message_id"]) == max(m for chat, m in api.sent if chat == 42)
    assert edit.text.startswith("<i>Short answer, written by a language model")
    assert "It was dropped &lt;b&gt;&amp;&lt;/b&gt; Rubio [1], see also [2] and." in edit.text
    assert edit.text.index("<b>[1] ") < edit.text.index("<b>[2] ")  # numbered passages follow
    passages = edit.text.split("\n\n", 1)[1]
    assert passages == first.text  # the same passages, under the same numbers
    assert "in English" in endpoint.message("system")
    assert '<passage id="1"' in endpoint.message("user")


@pytest.mark.parametrize("llm_url", [_closed_port_url()], ids=["closed-port"])
async def test_endpoint_down_leaves_the_passages(api: FakeBotAPI, bot: Path):
    await ask(api, QUESTION)
    first = await api.next_call("sendMessage", chat_id=42)
    await ask(api, "/help")
    await api.next_call("sendMessage", chat_id=42)  # the question's handler has finished

    assert "[1] " in first.text and "Short answer" not in first.text
    assert api.calls_of("editMessageText") == []


@pytest.mark.parametrize("lang", ["en", "hi", "vi", "ru"])
def test_long_written_answer_is_cut_and_the_page_fits(lang: str):
    long_text = "x < y & z. " * 900
    long_hits = tuple(
        replace(h, passage=replace(h.passage, text=long_text), best_sentence="x < y & z.")
        for h in HITS
    )
    written = WrittenAnswer("Ответ <i>&</i> 🙂 [1]. " * 400, (1,))

    page = render_page(AnswerPages(answer(hits=long_hits), 3, None), 0, lang, written)

    assert utf16_len(page.html) <= MAX_MESSAGE
    assert "&lt;i&gt;&amp;&lt;/i&gt;" in page.html and "<i>&" not in page.html
    assert page.html.count("<b>[") == 3  # every passage of the page is still there


async def test_a_late_written_answer_goes_on_the_page_the_reader_moved_to(
    api: FakeBotAPI, bot_settings: Settings, services: Services, endpoint: FakeOpenAI
):
    """The reader pressed "More" while the answer was being written: no jump back to page 1."""
    endpoint.script(Reply(content="Held answer [1].", hold=True))
    concurrent = bot_settings.model_copy(update={"bot_concurrent_updates": 4})
    async with running(build_application(concurrent, lambda: services)):
        await _more_while_writing(api, endpoint)
        await api.end_polls()


async def _more_while_writing(api: FakeBotAPI, endpoint: FakeOpenAI) -> None:
    person = user()
    await api.inject({"message": message(private_chat(person), person, QUESTION)})
    first = await api.next_call("sendMessage", chat_id=42)
    assert "Page 1 of" in first.text and "Held answer" not in first.text
    [data] = [d for d in first.button_data if d.startswith("more:")]  # More ›
    bot_message = api.sent[(42, max(k[1] for k in api.sent))]
    await api.inject({"callback_query": callback_query(person, bot_message, data)})
    second = await api.next_call("editMessageText", chat_id=42)
    assert "Page 2 of" in second.text

    endpoint.release.set()
    late = await api.next_call("editMessageText", chat_id=42)
    assert "Held answer [1]" in late.text and "Page 2 of" in late.text
    assert late.button_data == second.button_data  # "More" still leads to page 3
    back_to_first = callback_query(person, bot_message, data.rsplit(":", 1)[0] + ":0")
    await api.inject({"callback_query": back_to_first})
    again = await api.next_call("editMessageText", chat_id=42)
    assert "Held answer [1]" in again.text and "Page 1 of" in again.text
