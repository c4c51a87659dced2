"""Two real bot processes (`tests/bot/crash_bot.py`: `bot.telegram.app.main` with the fast fake
embedder) on one data dir and one Chroma server: what one worker started, the other carries on.

Each worker talks to its own fake Bot API (so the test sees who sent what); the two share what
Telegram holds, the messages sent, as one Telegram would. Waits are conditions polled with a
deadline, never sleeps.
"""

import asyncio
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings
from index.models import ExtractedDocument, SourceDocument
from index.news_index import NewsIndex
from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, callback_query, message, private_chat, user
from tests.bot.telegram.test_crash_alerts import (
    Bot,
    all_settled,
    crash_site,
    delivered,
    failed_pairs,
    is_alert,
    outbox,
    sent_pairs,
    story_text,
)
from tests.bot.telegram.test_two_workers import more, numbers
from tests.fakes import HashingEmbedder
from tests.news_server import running_news_site

CHATS = range(8001, 8051)  # 50 private chats
STORIES = 4  # each subscribed to every new article: 200 alerts


@pytest.fixture
async def apis() -> AsyncIterator[tuple[FakeBotAPI, FakeBotAPI]]:
    one, other = FakeBotAPI(), FakeBotAPI()
    other.sent, other.chats = one.sent, one.chats  # one Telegram behind both
    await one.start()
    await other.start()
    yield one, other
    await one.end_polls()
    await other.end_polls()
    await one.stop()
    await other.stop()


@pytest.fixture
def database(chroma_server_url: str) -> dict[str, str]:
    return {"chroma_url": chroma_server_url, "chroma_database": f"test-{uuid.uuid4().hex[:12]}"}


def worker_env(data_dir: Path, api: FakeBotAPI, database: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(data_dir),
        "NEWSBOT_CHROMA_URL": database["chroma_url"],
        "NEWSBOT_CHROMA_DATABASE": database["chroma_database"],
        "NEWSBOT_TELEGRAM_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM_API_URL": api.base_url,
        "NEWSBOT_ALERT_INTERVAL_SECONDS": "0.2",
        "NEWSBOT_ALERT_LEASE_SECONDS": "2",
        "NEWSBOT_ALERT_BURST": "10",  # each alert its own message
        "NEWSBOT_POLL_MINUTES": "0",
        "NEWSBOT_STORY_MIN_SIMILARITY": "0.99",  # every story is its own alert
        "NEWSBOT_LOG_LEVEL": "INFO",
    }


def open_index(data_dir: Path, database: dict[str, str]) -> NewsIndex:
    """The data dir as the workers see it, opened with their embedder to set the scene."""
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        story_min_similarity=0.99,
        allow_private_urls=True,
        **database,
    )  # type: ignore[arg-type]
    return NewsIndex.open(settings, writer=True, embedder=HashingEmbedder(budget=60))


async def until(condition, what: str, workers: list[Bot], timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    """Poll `condition` every 0.1 s until the deadline; fail if a worker died meanwhile."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        for worker in workers:
            assert worker.process is not None and worker.process.returncode is None, (
                f"a worker died waiting for {what}:\n{worker.log.read_text()}"
            )
        assert asyncio.get_running_loop().time() < deadline, f"timed out: {what}"
        await asyncio.sleep(0.1)


def alerts(api: FakeBotAPI) -> int:
    return sum(1 for c in api.calls_of("sendMessage") if is_alert(c))


async def test_two_workers_send_200_alerts_to_50_chats_once_and_one_killed_changes_nothing(
    apis, database, data_dir: Path, tmp_path: Path
):
    with open_index(data_dir, database) as news:
        for chat in CHATS:
            news.catalog.subscriptions.add(chat, None, "en")
        docs = []
        for i in range(1, STORIES + 1):
            title, text = story_text(i)
            url = f"https://crash.example.org/{i}"
            docs.append(SourceDocument(url, "Wire", ExtractedDocument(text, title, url=url)))
        news.index_documents(docs)
    expected = {(chat, i) for chat in CHATS for i in range(1, STORIES + 1)}
    assert outbox(data_dir) == {"queued": 200}
    api_a, api_b = apis
    a = Bot(worker_env(data_dir, api_a, database), tmp_path / "a.log")
    b = Bot(worker_env(data_dir, api_b, database), tmp_path / "b.log")
    await a.start()
    await b.start()
    try:
        # Both deliver; then a worker dies mid-delivery, and the other finishes the outbox.
        await until(lambda: alerts(api_a) >= 20 and alerts(api_b) >= 20, "both sending", [a, b])
        await a.kill()
        by_b_at_kill = alerts(api_b)
        await until(lambda: all_settled(data_dir, 200), "every alert settled", [b])
    finally:
        await a.stop()
        await b.stop()

    got = delivered(api_a) + delivered(api_b)
    assert {pair: n for pair, n in got.items() if n > 1} == {}  # nothing doubled
    assert set(got) <= expected
    failed, failed_messages = failed_pairs(data_dir)
    assert expected - set(got) <= failed and failed_messages <= 1  # at most the one in flight
    assert alerts(api_b) > by_b_at_kill  # the other worker carried on
    assert sent_pairs(data_dir) <= {(chat, f"Crash story {i}") for chat, i in got}
    per_chat = Counter(chat for chat, _ in got)
    assert len(got) >= 199 and set(per_chat) == set(CHATS)


async def test_more_pressed_on_the_other_worker_process_shows_the_next_page(
    apis, database, data_dir: Path, tmp_path: Path
):
    with open_index(data_dir, database) as news:
        docs = []
        for i in range(1, 10):
            title = f"Harbour strike day {i}"
            text = f"The harbour strike entered day {i} as dockers and the port met again."
            url = f"https://strike.example.org/{i}"
            docs.append(SourceDocument(url, "Wire", ExtractedDocument(text, title, url=url)))
        news.index_documents(docs)
    api_a, api_b = apis
    a = Bot(worker_env(data_dir, api_a, database), tmp_path / "a.log")
    b = Bot(worker_env(data_dir, api_b, database), tmp_path / "b.log")
    await a.start()
    await b.start()
    person = user(8100, "en")
    try:
        await api_a.inject(
            {"message": message(private_chat(person), person, "harbour strike dockers port")}
        )
        first = await api_a.next_call("sendMessage", chat_id=8100, timeout=120)
        bot_message = api_a.last_sent(8100)
        await api_b.inject({"callback_query": callback_query(person, bot_message, more(first))})
        second = await api_b.next_call("editMessageText", chat_id=8100, timeout=120)
    finally:
        await a.stop()
        await b.stop()

    assert second.params["message_id"] == bot_message["message_id"]
    assert "expired" not in second.text
    flat = numbers(first.text) + numbers(second.text)
    assert numbers(second.text) and flat == list(range(1, len(flat) + 1))


async def test_a_feed_is_polled_once_per_period_by_two_workers_and_by_one_after_a_kill(
    apis, database, data_dir: Path, tmp_path: Path
):
    """A 3-second period: each worker asks every 3 s (at its own phase); only one polls."""
    period = 3.0
    with running_news_site() as site:
        crash_site(site, 2)
        with open_index(data_dir, database) as news:
            news.add_source(site.url("/feed.xml"), "Crash Desk")
        env = {"NEWSBOT_POLL_MINUTES": str(period / 60), "NEWSBOT_ALLOW_PRIVATE_URLS": "true"}
        a = Bot({**worker_env(data_dir, apis[0], database), **env}, tmp_path / "a.log")
        b = Bot({**worker_env(data_dir, apis[1], database), **env}, tmp_path / "b.log")
        await a.start()
        await b.start()
        try:
            # Read once when it was added, then five polls.
            await until(lambda: len(site.hits("/feed.xml")) >= 6, "five polls", [a, b])
            both = len(site.hits("/feed.xml"))
            await a.kill()
            await until(lambda: len(site.hits("/feed.xml")) >= both + 3, "three more", [b])
        finally:
            await a.stop()
            await b.stop()
        fetched = [r.at for r in site.hits("/feed.xml")][1:]  # the polls

    gaps = [later - earlier for earlier, later in zip(fetched, fetched[1:], strict=False)]
    # Never twice in a period (a claim-to-fetch jitter allowed), whichever worker polled.
    assert min(gaps) >= period - 1.0, gaps
    assert "polled sources" in b.log.read_text()  # after the kill at the latest
