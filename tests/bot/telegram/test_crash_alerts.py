"""kill -9 of the running bot during alert delivery and during a feed's indexing.

The real bot process (`tests/bot/crash_bot.py`: `bot.telegram.app.main` with the fast fake embedder)
polls the fake Bot API; the test kills it with SIGKILL when the API has recorded N alerts, or
when the bot reaches a given article of the feed, restarts it, and finally counts what the
fake API received: no alert twice, at most one message lost per kill (one alert, or the
digest a burst was folded into).
"""

import asyncio
import hashlib
import os
import re
import signal
import sqlite3
import sys
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.models import ExtractedDocument, SourceDocument
from index.news_index import NewsIndex
from tests.bot.fake_bot_api import TOKEN, Call, FakeBotAPI, message, private_chat, user
from tests.conftest import REPO
from tests.fakes import HashingEmbedder
from tests.news_server import NewsSite, Route, article_page, rss, running_news_site

ADMIN = user(7000, "en", name="Admin")
STORY = re.compile(r"Crash story (\d+)\b")


def story_text(i: int) -> tuple[str, str]:
    """A title and a paragraph no other story resembles (hashed words)."""
    words = " ".join(hashlib.md5(f"{i}-{n}".encode()).hexdigest()[:10] for n in range(12))
    return f"Crash story {i}", f"Crash story {i} reports {words}."


def is_alert(call: Call) -> bool:
    return call.chat_id != ADMIN["id"] and STORY.search(call.text) is not None


def delivered(api: FakeBotAPI) -> Counter[tuple[int, int]]:
    """(chat, story) -> how many times the fake API received that alert (alone, or as a
    line of a digest)."""
    found: Counter[tuple[int, int]] = Counter()
    for call in api.calls_of("sendMessage"):
        if call.chat_id is not None and is_alert(call):
            for story in set(STORY.findall(call.text)):
                found[(call.chat_id, int(story))] += 1
    return found


def outbox(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "newsbot.sqlite3") as conn:
        return dict(conn.execute("SELECT status, COUNT(*) FROM alerts GROUP BY status").fetchall())


def matched(data_dir: Path) -> tuple[int, int]:
    """(articles saved, articles still waiting for their alerts)."""
    with sqlite3.connect(data_dir / "newsbot.sqlite3") as conn:
        saved = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        waiting = conn.execute("SELECT COUNT(*) FROM unmatched").fetchone()[0]
    return int(saved), int(waiting)


def failed_pairs(data_dir: Path) -> tuple[set[tuple[int, int]], int]:
    """The (chat, story) pairs marked failed, and how many messages (claims) they were."""
    with sqlite3.connect(data_dir / "newsbot.sqlite3") as conn:
        rows = conn.execute(
            "SELECT s.chat_id, ar.title, a.claim_id FROM alerts a JOIN subscriptions s"
            " ON s.id = a.subscription_id JOIN articles ar ON ar.id = a.article_id"
            " WHERE a.status = 'failed'"
        ).fetchall()
    pairs = {(int(chat), int(STORY.search(title).group(1))) for chat, title, _ in rows}
    return pairs, len({claim for _, _, claim in rows})


def sent_pairs(data_dir: Path) -> set[tuple[int, str]]:
    with sqlite3.connect(data_dir / "newsbot.sqlite3") as conn:
        rows = conn.execute(
            "SELECT s.chat_id, ar.title FROM alerts a JOIN subscriptions s"
            " ON s.id = a.subscription_id JOIN articles ar ON ar.id = a.article_id"
            " WHERE a.status = 'sent'"
        )
        return {(int(chat), title) for chat, title in rows}


@pytest.fixture
def bot_env(data_dir: Path, api: FakeBotAPI) -> dict[str, str]:
    """The bot's settings, as `newsbot run` reads them."""
    return {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(data_dir),
        "NEWSBOT_TELEGRAM_TOKEN": TOKEN,
        "NEWSBOT_TELEGRAM_API_URL": api.base_url,
        "NEWSBOT_ALERT_INTERVAL_SECONDS": "0.2",
        "NEWSBOT_ALERT_LEASE_SECONDS": "1",
        "NEWSBOT_POLL_MINUTES": "0",
        "NEWSBOT_ADMIN_IDS": str(ADMIN["id"]),
        "NEWSBOT_ALLOW_PRIVATE_URLS": "true",
        "NEWSBOT_INDEX_BATCH_SIZE": "3",
        "NEWSBOT_STORY_MIN_SIMILARITY": "0.99",  # every story is its own alert
        "NEWSBOT_LOG_LEVEL": "INFO",
    }


@pytest.fixture
def prepared(data_dir: Path) -> Iterator[NewsIndex]:
    """The data dir opened with the embedder the bot process uses, to set the scene."""
    settings = Settings(
        _env_file=None, data_dir=data_dir, story_min_similarity=0.99, allow_private_urls=True
    )
    with open_core(settings, lock=True, embedder=HashingEmbedder(budget=60)) as news:
        yield news


class Bot:
    """Starts, kills and stops the bot process; its output goes to a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: asyncio.subprocess.Process | None = None
        self.kills = 0

    async def start(self) -> None:
        with self.log.open("ab") as sink:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.bot.crash_bot", cwd=REPO, env=self.env,
                stdout=sink, stderr=sink,
            )  # fmt: skip

    async def kill(self) -> None:
        assert self.process is not None and self.process.returncode is None, self.log.read_text()
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.kills += 1

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            await asyncio.wait_for(self.process.wait(), 60)

    async def until(self, condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
        """Wait for a condition on the data dir (checked every 0.1 s), failing if the bot dies."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert self.process is not None and self.process.returncode is None, (
                f"the bot died waiting for {what}:\n{self.log.read_text()}"
            )
            assert asyncio.get_running_loop().time() < deadline, f"timed out: {what}"
            await asyncio.sleep(0.1)


@asynccontextmanager
async def bot_process(env: dict[str, str], tmp_path: Path) -> AsyncIterator[Bot]:
    bot = Bot(env, tmp_path / "bot.log")
    try:
        yield bot
    finally:
        await bot.stop()


def all_settled(data_dir: Path, expected: int) -> bool:
    counts = outbox(data_dir)
    return sum(counts.values()) == expected and not {"queued", "sending"} & set(counts)


def check_exactly_once(
    api: FakeBotAPI, data_dir: Path, expected: set[tuple[int, int]], kills: int
) -> None:
    got = delivered(api)
    duplicates = {pair: n for pair, n in got.items() if n > 1}
    lost = expected - set(got)
    assert duplicates == {}
    assert set(got) <= expected
    counts = outbox(data_dir)
    assert set(counts) <= {"sent", "failed"}
    # What was lost was in flight when a kill came: one message (claim) per kill at most.
    failed, failed_messages = failed_pairs(data_dir)
    assert lost <= failed, f"lost but not failed: {sorted(lost - failed)}"
    assert failed_messages <= kills, f"{failed_messages} messages failed in {kills} kills"
    titles = {(chat, f"Crash story {i}") for chat, i in got}
    assert sent_pairs(data_dir) <= titles  # "sent" means the API received it


@pytest.mark.parametrize(
    ("stories", "kills_at"),
    [
        (3, (6, 16, 26)),  # 3 alerts a chat: each its own message; kill at the 6th, 16th...
        (5, (3, 6, 9)),  # 5 a chat: a burst, one digest message per chat
    ],
)
async def test_kills_during_delivery_repeat_nothing_and_lose_at_most_one_each(
    api: FakeBotAPI,
    prepared: NewsIndex,
    bot_env: dict[str, str],
    data_dir: Path,
    tmp_path,
    stories: int,
    kills_at: tuple[int, ...],
):
    chats = range(7101, 7113)  # 12 private chats, each subscribed to every new article
    for chat in chats:
        prepared.catalog.subscriptions.add(chat, None, "en")
    docs = []
    for i in range(1, stories + 1):
        title, text = story_text(i)
        url = f"https://crash.example.org/{i}"
        docs.append(SourceDocument(url, "Wire", ExtractedDocument(text, title, url=url)))
    prepared.index_documents(docs)
    prepared.close()
    expected = {(chat, i) for chat in chats for i in range(1, stories + 1)}
    assert outbox(data_dir) == {"queued": len(expected)}

    async with bot_process(bot_env, tmp_path) as bot:
        for recorded in kills_at:  # kill as the API records that many alert messages
            await bot.start()
            await api.wait_for_count("sendMessage", recorded, is_alert, timeout=120)
            await bot.kill()
        await bot.start()
        await bot.until(lambda: all_settled(data_dir, len(expected)), "every alert settled")
    check_exactly_once(api, data_dir, expected, bot.kills)
    if stories > 3:  # each chat's alerts went as one digest (or were lost in one)
        messages = [c for c in api.calls_of("sendMessage") if is_alert(c)]
        assert all(c.text.startswith("🔔 5 new articles") for c in messages)


def crash_site(site: NewsSite, count: int) -> None:
    items = []
    for i in range(1, count + 1):
        title, text = story_text(i)
        site.routes[f"/crash/{i}"] = Route(article_page(title, [text]))
        items.append((title, site.url(f"/crash/{i}"), "Short summary."))
    site.routes["/feed.xml"] = Route(rss("Crash Desk", items), content_type="application/rss+xml")


async def test_a_kill_while_the_bot_indexes_a_feed_loses_no_article_s_alerts(
    api: FakeBotAPI, prepared: NewsIndex, bot_env: dict[str, str], data_dir: Path, tmp_path
):
    """Killed while fetching item 5 of 8 (items 1-3 embedded and alerting, item 4 saved
    only), restarted, /reindex; killed again during delivery; restarted: every alert once."""
    chats = range(7201, 7205)
    with running_news_site() as site:
        crash_site(site, 8)
        held = site.routes["/crash/5"]
        held.gate = threading.Event()
        reached = site.when_reached("/crash/5")
        for chat in chats:
            prepared.catalog.subscriptions.add(chat, None, "en")
        prepared.add_source(site.url("/feed.xml"), "Crash Desk")
        prepared.close()
        expected = {(chat, i) for chat in chats for i in range(1, 9)}
        admin_chat = private_chat(ADMIN)

        async with bot_process(bot_env, tmp_path) as bot:
            await bot.start()
            await api.inject({"message": message(admin_chat, ADMIN, "/reindex")})
            assert await asyncio.to_thread(reached.wait, 120), bot.log.read_text()
            await bot.kill()
            held.gate.set()
            assert matched(data_dir) == (4, 1)  # item 4 was saved, not embedded nor matched

            # Items 4-8 are yet to alert each of the 4 chats: at least 4 more alert messages
            # (one alert each, or digests) come from here on.
            messages_so_far = len([c for c in api.calls_of("sendMessage") if is_alert(c)])
            await bot.start()
            await api.inject({"message": message(admin_chat, ADMIN, "/reindex")})
            await bot.until(lambda: matched(data_dir) == (8, 0), "all 8 articles matched")
            await api.wait_for_count("sendMessage", messages_so_far + 2, is_alert, timeout=120)
            await bot.kill()  # during delivery

            await bot.start()
            await bot.until(lambda: all_settled(data_dir, len(expected)), "every alert settled")
    check_exactly_once(api, data_dir, expected, bot.kills)
