"""Two bot workers (two Applications, two sets of services) on one data dir and one Chroma
server: a later update of a chat may reach either, and must work there.

Each worker talks to its own fake Bot API; the two share what Telegram holds (the messages
sent), as one Telegram would."""

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.root import Root
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.services import Services
from tests.bot.conftest import ARTICLES
from tests.bot.fake_bot_api import (
    TOKEN,
    Call,
    callback_query,
    message,
    private_chat,
    running,
    user,
)
from tests.fakes import HashingEmbedder

QUESTION = "Why was the Budapest summit dropped?"


@pytest.fixture
def shared(data_dir: Path, chroma_server_url: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        chroma_url=chroma_server_url,
        chroma_database=f"test-{uuid.uuid4().hex[:12]}",
        telegram_token=SecretStr(TOKEN),
        bot_max_retries=2,
        poll_minutes=0,
        alert_interval_seconds=0,
    )


@pytest.fixture
def worker_services(shared: Settings) -> Iterator[tuple[Services, Services]]:
    first = Root(shared).bot_services(embedder=HashingEmbedder(budget=4000))
    assert first.news.indexer is not None
    assert first.news.indexer.index(ARTICLES).failed == 0
    second = Root(shared).bot_services(embedder=HashingEmbedder(budget=4000))
    yield first, second
    second.close()
    first.close()


@pytest.fixture
async def workers(shared: Settings, worker_services, apis) -> AsyncIterator[None]:
    first, second = worker_services
    api_a, api_b = apis
    app_a = build_application(
        shared.model_copy(update={"telegram_api_url": api_a.base_url}), lambda: first
    )
    app_b = build_application(
        shared.model_copy(update={"telegram_api_url": api_b.base_url}), lambda: second
    )
    async with running(app_a), running(app_b):
        yield
        await api_a.end_polls()
        await api_b.end_polls()


def more(call: Call) -> str:
    """The data of the message's "More ›" button (in any language): the highest page."""
    pages = [d for d in call.button_data if d.startswith("more:")]
    return max(pages, key=lambda d: int(d.rsplit(":", 1)[1]))


def thumbs_up(call: Call) -> str:
    return next(d for d in call.button_data if d.startswith("vote:") and d.endswith(":up"))


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


async def test_more_pressed_on_the_worker_that_did_not_answer_shows_the_next_page(
    apis, workers, worker_services
):
    api_a, api_b = apis
    person = user(42, "hi")
    await api_a.inject({"message": message(private_chat(person), person, QUESTION)})
    first = await api_a.next_call("sendMessage", chat_id=42)
    bot_message = api_a.last_sent(42)

    await api_b.inject({"callback_query": callback_query(person, bot_message, more(first))})
    second = await api_b.next_call("editMessageText", chat_id=42)
    # ...and back on the first worker, which must learn the page moved on.
    await api_a.inject({"callback_query": callback_query(person, bot_message, more(second))})
    third = await api_a.next_call("editMessageText", chat_id=42)

    assert second.params["message_id"] == bot_message["message_id"]
    assert "expired" not in second.text and "expired" not in third.text
    pages = [numbers(first.text), numbers(second.text), numbers(third.text)]
    flat = [n for page in pages for n in page]
    assert flat == list(range(1, len(flat) + 1))  # the pages follow on, whoever showed them
    assert all(pages)


async def test_a_vote_on_the_other_worker_stores_every_page_the_reader_saw(
    apis, workers, worker_services
):
    api_a, api_b = apis
    person = user(43)
    await api_a.inject({"message": message(private_chat(person), person, QUESTION)})
    first = await api_a.next_call("sendMessage", chat_id=43)
    bot_message = api_a.last_sent(43)
    await api_a.inject({"callback_query": callback_query(person, bot_message, more(first))})
    second = await api_a.next_call("editMessageText", chat_id=43)

    await api_b.inject({"callback_query": callback_query(person, bot_message, thumbs_up(second))})
    await api_b.next_call("answerCallbackQuery", where=lambda c: bool(c.text))

    (vote,) = list(worker_services[1].feedback.votes())
    assert vote.question == QUESTION and vote.vote == 1
    assert [block["n"] for block in vote.shown] == numbers(first.text) + numbers(second.text)
