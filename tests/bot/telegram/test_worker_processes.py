"""Two real bot processes (`tests/bot/crash_bot.py`: `bot.telegram.app.main` with the fast fake
embedder) on one set of records (the data dir's SQLite files, or one PostgreSQL database) and
one Chroma server: what one worker started, the other carries on.

Each worker talks to its own fake Bot API (so the test sees who sent what); the two share what
Telegram holds, the messages sent, as one Telegram would. Waits are conditions polled with a
deadline, never sleeps.
"""

import asyncio
import os
import uuid
from collections import Counter
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.root import open_core
from bot.settings import Settings
from index.models import ExtractedDocument, SourceDocument
from index.news_index import NewsIndex
from index.store.database import Database
from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, callback_query, message, private_chat, user
from tests.bot.telegram.test_crash_alerts import (
    STORY,
    Bot,
    crash_site,
    delivered,
    is_alert,
    story_text,
)
from tests.bot.telegram.test_run import _free_port as free_port
from tests.bot.telegram.test_run import _post_when_listening
from tests.bot.telegram.test_two_workers import more, numbers
from tests.fakes import HashingEmbedder
from tests.news_server import running_news_site
from tests.postgres import PostgresCluster

SECRET = "s3cret-webhook-token"
QUESTION = "harbour strike dockers port"
CHATS = range(8001, 8051)  # 50 private chats
STORIES = 4  # each subscribed to every new article: 200 alerts


@pytest.fixture
def database(chroma_server_url: str, database_url: str | None) -> dict[str, str]:
    """Where the workers keep their vectors (a Chroma server) and records (each engine)."""
    chroma = {"chroma_url": chroma_server_url, "chroma_database": f"test-{uuid.uuid4().hex[:12]}"}
    return {**chroma, "database_url": database_url} if database_url else chroma


def records(data_dir: Path, database: dict[str, str], sql: str) -> list:
    """Rows of `sql` on the workers' records, whichever engine holds them."""
    db = Database.open(database.get("database_url"), data_dir / "newsbot.sqlite3")
    try:
        with db.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        db.close()


def outbox(data_dir: Path, database: dict[str, str]) -> dict[str, int]:
    rows = records(data_dir, database, "SELECT status, COUNT(*) FROM alerts GROUP BY status")
    return {status: int(n) for status, n in rows}


def all_settled(data_dir: Path, database: dict[str, str], expected: int) -> bool:
    counts = outbox(data_dir, database)
    return sum(counts.values()) == expected and not {"queued", "sending"} & set(counts)


def alert_pairs(data_dir: Path, database: dict[str, str], status: str) -> tuple[set, int]:
    """The (chat, story) pairs in `status`, and how many messages (claims) they were."""
    rows = records(
        data_dir,
        database,
        "SELECT s.chat_id, ar.title, a.claim_id FROM alerts a JOIN subscriptions s"
        " ON s.id = a.subscription_id JOIN articles ar ON ar.id = a.article_id"
        f" WHERE a.status = '{status}'",
    )
    pairs = {(int(chat), int(STORY.search(title).group(1))) for chat, title, _ in rows}
    return pairs, len({claim for _, _, claim in rows})


def worker_env(data_dir: Path, api: FakeBotAPI, database: dict[str, str]) -> dict[str, str]:
    extra = {"NEWSBOT_DATABASE_URL": database["database_url"]} if "database_url" in database else {}
    return {
        **os.environ,
        **extra,
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


def open_index(data_dir: Path, database: dict[str, str]) -> AbstractContextManager[NewsIndex]:
    """The data dir as the workers see it, opened with their embedder to set the scene."""
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        story_min_similarity=0.99,
        allow_private_urls=True,
        **database,  # type: ignore[arg-type]
    )
    return open_core(settings, lock=True, embedder=HashingEmbedder(budget=60))


async def until(condition, what: str, workers: list[Bot], timeout: float = 120) -> None:
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


def queue_200_alerts(data_dir: Path, database: dict[str, str]) -> set[tuple[int, int]]:
    """50 chats subscribed to every new article, 4 new articles: 200 alerts queued."""
    with open_index(data_dir, database) as news:
        for chat in CHATS:
            news.catalog.subscriptions.add(chat, None, "en")
        docs = []
        for i in range(1, STORIES + 1):
            title, text = story_text(i)
            url = f"https://crash.example.org/{i}"
            docs.append(SourceDocument(url, "Wire", ExtractedDocument(text, title, url=url)))
        news.index_documents(docs)
    assert outbox(data_dir, database) == {"queued": 200}
    return {(chat, i) for chat in CHATS for i in range(1, STORIES + 1)}


def check_once(
    apis: tuple[FakeBotAPI, FakeBotAPI],
    data_dir: Path,
    database: dict[str, str],
    expected: set[tuple[int, int]],
    in_flight: int,
) -> None:
    """Nothing doubled; lost only what was in flight (at most `in_flight` messages), marked
    failed; "sent" only what the API received."""
    got = delivered(apis[0]) + delivered(apis[1])
    assert {pair: n for pair, n in got.items() if n > 1} == {}
    assert set(got) <= expected
    failed, failed_messages = alert_pairs(data_dir, database, "failed")
    assert expected - set(got) <= failed and failed_messages <= in_flight
    sent, _ = alert_pairs(data_dir, database, "sent")
    assert sent <= set(got)
    assert len(got) >= len(expected) - in_flight


async def test_two_workers_send_200_alerts_to_50_chats_once_and_one_killed_changes_nothing(
    apis, database, data_dir: Path, tmp_path: Path
):
    expected = queue_200_alerts(data_dir, database)
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
        await until(lambda: all_settled(data_dir, database, 200), "every alert settled", [b])
    finally:
        await a.stop()
        await b.stop()

    check_once(apis, data_dir, database, expected, in_flight=1)  # the killed one's
    assert alerts(api_b) > by_b_at_kill  # the other worker carried on
    got = delivered(api_a) + delivered(api_b)
    assert set(Counter(chat for chat, _ in got)) == set(CHATS)


async def test_postgresql_restarted_mid_delivery_the_workers_reconnect_and_double_nothing(
    apis, chroma_server_url: str, postgres_cluster: PostgresCluster, postgres_url: str,
    data_dir: Path, tmp_path: Path,
):  # fmt: skip
    database = {
        "chroma_url": chroma_server_url,
        "chroma_database": f"test-{uuid.uuid4().hex[:12]}",
        "database_url": postgres_url,
    }
    expected = queue_200_alerts(data_dir, database)
    api_a, api_b = apis
    a = Bot(worker_env(data_dir, api_a, database), tmp_path / "a.log")
    b = Bot(worker_env(data_dir, api_b, database), tmp_path / "b.log")
    await a.start()
    await b.start()
    try:
        await until(lambda: alerts(api_a) + alerts(api_b) >= 40, "40 alerts sent", [a, b])
        # Stopped and started again (as pg_ctl restart does, with the server's log kept).
        await asyncio.to_thread(postgres_cluster.stop)
        await asyncio.to_thread(postgres_cluster.start)
        at_restart = alerts(api_a) + alerts(api_b)
        await until(lambda: all_settled(data_dir, database, 200), "every alert settled", [a, b])
    finally:
        await a.stop()
        await b.stop()

    # A message in flight when the database went away may stay unconfirmed: one per worker.
    check_once(apis, data_dir, database, expected, in_flight=2)
    assert alerts(api_a) + alerts(api_b) > at_restart + 100  # both reconnected and went on
    assert a.process is not None and a.process.returncode == 0
    assert b.process is not None and b.process.returncode == 0


async def test_more_pressed_on_the_other_webhook_worker_shows_the_next_page(
    apis, database, data_dir: Path, tmp_path: Path
):
    """Two workers in webhook mode behind one token: the question is posted to one, the
    button press to the other (as a load balancer may), each with Telegram's secret header."""
    with open_index(data_dir, database) as news:
        docs = []
        for i in range(1, 10):
            title = f"Harbour strike day {i}"
            text = f"The harbour strike entered day {i} as dockers and the port met again."
            url = f"https://strike.example.org/{i}"
            docs.append(SourceDocument(url, "Wire", ExtractedDocument(text, title, url=url)))
        news.index_documents(docs)
    api = apis[0]  # one Telegram: both workers call it
    hooks, workers = [], []
    for name in ("a", "b"):
        port = free_port()
        hooks.append(f"http://127.0.0.1:{port}/newsbot-hook")
        env = {
            **worker_env(data_dir, api, database),
            "NEWSBOT_WEBHOOK_URL": hooks[-1],
            "NEWSBOT_WEBHOOK_SECRET": SECRET,
            "NEWSBOT_WEBHOOK_PORT": str(port),
        }
        workers.append(Bot(env, tmp_path / f"{name}.log"))
    for worker in workers:
        await worker.start()
    person = user(8100, "en")
    try:
        question = {"update_id": 1, "message": message(private_chat(person), person, QUESTION)}
        asked = await _post_when_listening(hooks[0], question, SECRET)
        first = await api.next_call("sendMessage", chat_id=8100, timeout=120)
        bot_message = api.last_sent(8100)
        press = {"update_id": 2, "callback_query": callback_query(person, bot_message, more(first))}
        pressed = await _post_when_listening(hooks[1], press, SECRET)
        second = await api.next_call("editMessageText", chat_id=8100, timeout=120)
    finally:
        for worker in workers:
            await worker.stop()

    assert asked.status_code == pressed.status_code == 200
    assert len(api.calls_of("setWebhook")) == 2  # each worker registered the same hook
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
