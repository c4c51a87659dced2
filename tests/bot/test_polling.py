"""Sources fetched once per period across processes (bot/polling.py), and `newsbot worker`:
in one process with a fake clock, then as real worker processes on one Chroma server."""

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.polling import poll_due
from bot.root import open_core
from bot.settings import Settings
from bot.telegram.chat_prefs import ChatPrefs
from bot.telegram.shared_records import JobPeriods
from index.news_index import NewsIndex
from tests.conftest import REPO
from tests.fakes import HashingEmbedder
from tests.news_server import NewsSite, Route, article_page, rss, running_news_site

FEEDS = 3
ITEMS = 2  # per feed


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def publish(site: NewsSite) -> None:
    """FEEDS feeds of ITEMS articles each, nothing alike."""
    for f in range(FEEDS):
        items = []
        for i in range(ITEMS):
            words = " ".join(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{f}-{i}-{n}").hex[:9] for n in range(12)
            )
            title = f"Desk {f} story {i}"
            site.routes[f"/desk{f}/{i}"] = Route(article_page(title, [f"{title} says {words}."]))
            items.append((title, site.url(f"/desk{f}/{i}"), "Summary."))
        site.routes[f"/desk{f}.xml"] = Route(
            rss(f"Desk {f}", items), content_type="application/rss+xml"
        )


@pytest.fixture
def shared(data_dir: Path, chroma_server_url: str, database_url: str | None) -> Settings:
    """One Chroma server and one set of records (each engine) for every indexer."""
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=database_url,
        chroma_url=chroma_server_url,
        chroma_database=f"test-{uuid.uuid4().hex[:12]}",
        allow_private_urls=True,
        story_min_similarity=0.99,
    )


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with running_news_site() as running:
        publish(running)
        yield running


def open_index(settings: Settings) -> AbstractContextManager[NewsIndex]:
    return open_core(settings, lock=True, embedder=HashingEmbedder(budget=60))


def feed_hits(site: NewsSite) -> dict[int, int]:
    return {f: len(site.hits(f"/desk{f}.xml")) for f in range(FEEDS)}


def test_two_indexers_share_the_sources_and_fetch_each_once_per_period(
    shared: Settings, site: NewsSite
):
    clock = Clock()
    with open_index(shared) as first, open_index(shared) as second:
        for f in range(FEEDS):
            first.add_source(site.url(f"/desk{f}.xml"), f"Desk {f}")  # read once to check it
        prefs = [ChatPrefs.in_data_dir(shared.data_dir, shared.database_url) for _ in "ab"]
        periods_a, periods_b = (JobPeriods(p, clock) for p in prefs)

        by_a = poll_due(first, periods_a, "a", 900)
        by_b = poll_due(second, periods_b, "b", 900)  # the same period: nothing left for b
        assert len(by_a.reports) == FEEDS and by_b.reports == {}
        assert feed_hits(site) == dict.fromkeys(range(FEEDS), 2)
        assert first.stats().articles == FEEDS * ITEMS

        clock.now += 900  # the next period: whoever ticks first takes each source
        by_b = poll_due(second, periods_b, "b", 900)
        by_a = poll_due(first, periods_a, "a", 900)
        assert len(by_b.reports) == FEEDS and by_a.reports == {}
        assert feed_hits(site) == dict.fromkeys(range(FEEDS), 3)
        assert second.stats().articles == FEEDS * ITEMS  # unchanged articles: none twice
        for opened in prefs:
            opened.close()


def test_a_broken_source_is_reported_and_the_others_are_polled(shared: Settings, site: NewsSite):
    clock = Clock()
    with open_index(shared) as news:
        for f in range(FEEDS):
            news.add_source(site.url(f"/desk{f}.xml"), f"Desk {f}")
        del site.routes["/desk1.xml"]  # gone since it was added
        prefs = ChatPrefs.in_data_dir(shared.data_dir, shared.database_url)
        polled = poll_due(news, JobPeriods(prefs, clock), "a", 60)
        prefs.close()
    assert polled.failed.get("Desk 1") or polled.reports["Desk 1"].failed
    assert polled.reports["Desk 0"].new == ITEMS and polled.reports["Desk 2"].new == ITEMS


def test_newsbot_worker_refuses_to_start_when_polling_is_off(env_settings: Path, monkeypatch):
    monkeypatch.setenv("NEWSBOT_POLL_MINUTES", "0")
    result = CliRunner().invoke(app, ["worker"])
    assert result.exit_code == 2 and "NEWSBOT_POLL_MINUTES" in result.output


def articles(settings: Settings) -> int:
    with open_index(settings) as news:
        return news.stats().articles


async def test_two_worker_processes_index_every_source_once_per_period_and_one_killed(
    shared: Settings, site: NewsSite, tmp_path: Path
):
    period = 3.0
    with open_index(shared) as news:
        for f in range(FEEDS):
            news.add_source(site.url(f"/desk{f}.xml"), f"Desk {f}")
    env = {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(shared.data_dir),
        "NEWSBOT_CHROMA_URL": str(shared.chroma_url),
        "NEWSBOT_CHROMA_DATABASE": shared.chroma_database,
        "NEWSBOT_POLL_MINUTES": str(period / 60),
        "NEWSBOT_ALLOW_PRIVATE_URLS": "true",
        "NEWSBOT_STORY_MIN_SIMILARITY": "0.99",
        "NEWSBOT_LOG_LEVEL": "INFO",
        **({"NEWSBOT_DATABASE_URL": shared.database_url} if shared.database_url else {}),
    }
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = []
    for log in logs:
        with log.open("wb") as sink:
            workers.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tests.bot.worker_process",
                    cwd=REPO,
                    env=env,
                    stdout=sink,
                    stderr=sink,
                )  # fmt: skip
            )

    async def until(condition, what: str, alive: list) -> None:
        deadline = asyncio.get_running_loop().time() + 120
        while not condition():
            for process, log in zip(workers, logs, strict=True):
                if process in alive:
                    assert process.returncode is None, f"{what}:\n{log.read_text()}"
            assert asyncio.get_running_loop().time() < deadline, f"timed out: {what}"
            await asyncio.sleep(0.1)

    try:
        # Each feed was read once when it was added: then three polls each.
        await until(lambda: min(feed_hits(site).values()) >= 4, "three polls each", workers)
        before = feed_hits(site)
        workers[0].send_signal(signal.SIGKILL)
        await workers[0].wait()
        await until(
            lambda: all(n >= before[f] + 2 for f, n in feed_hits(site).items()),
            "two more polls each by the survivor",
            workers[1:],
        )
    finally:
        for process in workers:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
                await asyncio.wait_for(process.wait(), 60)

    assert workers[1].returncode == 0  # SIGINT: a clean stop
    for f in range(FEEDS):
        fetched = [r.at for r in site.hits(f"/desk{f}.xml")][1:]  # the polls
        gaps = [b - a for a, b in zip(fetched, fetched[1:], strict=False)]
        assert min(gaps) >= period - 1.0, (f, gaps)  # never twice in a period
    assert articles(shared) == FEEDS * ITEMS
    assert "polled sources" in logs[1].read_text()
