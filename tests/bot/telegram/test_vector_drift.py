"""The bot tells a question's asker that the index lost passages, not "nothing relevant"."""

from pathlib import Path

from bot.telegram import texts
from bot.telegram.services import Services
from tests.bot.fake_bot_api import FakeBotAPI
from tests.bot.telegram.test_telegram_bot import QUESTION, ask_privately


async def test_a_question_to_an_index_that_lost_its_vectors_names_the_fix(
    api: FakeBotAPI, bot: Path, services: Services
):
    store = services.news.store
    store.delete_ids(sorted(store.ids()))  # as a deleted or replaced chroma/ leaves it

    await ask_privately(api, QUESTION)
    reply = await api.next_call("sendMessage", chat_id=42)

    assert reply.text == texts.text("en", "error_store_drift")
    assert "/reindex full" in reply.text
