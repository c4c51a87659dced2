"""`newsbot sources`, `reindex` and `check` as an operator types them."""

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.root import open_core
from bot.settings import Settings
from index.models import Article
from index.store.article_db import ArticleDB
from tests.conftest import REPO
from tests.news_server import NewsSite, Route, publish, rss

runner = CliRunner()


@pytest.fixture(autouse=True)
def _local_web(env_settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")


def newsbot(*args: str):
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_add_list_reindex_remove(site: NewsSite):
    publish(site, "/news/summit")
    added = newsbot("sources", "add", site.url("/feed.xml"), "--name", "Desk")
    assert added.exit_code == 0, added.output
    assert "added source #1: feed Desk" in added.stdout and "1 new" in added.stdout
    publish(site, "/news/summit", "/news/gold")
    again = newsbot("reindex", "--source", "1")
    assert again.exit_code == 0, again.output
    assert "1 new, 0 changed" in again.stdout
    listed = json.loads(newsbot("sources", "list", "--json").stdout)
    assert [(s["id"], s["kind"], s["name"], s["articles"]) for s in listed] == [
        (1, "feed", "Desk", 2)
    ]
    assert "2 articles; last fetch" in newsbot("sources", "list").stdout
    removed = newsbot("sources", "remove", "1")
    assert "its articles stay searchable" in removed.stdout
    assert "no sources yet" in newsbot("sources", "list").stdout


def test_bad_sources_are_clear_errors(site: NewsSite, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "false")
    refused = newsbot("sources", "add", site.url("/feed.xml"))
    assert refused.exit_code == 1 and "private, loopback" in flat(refused.output)
    assert newsbot("sources", "add", "ftp://example.org/x").exit_code == 1
    missing = newsbot("sources", "remove", "42")
    assert missing.exit_code == 1 and "there is no source #42" in flat(missing.output)


def test_sources_add_with_a_missing_item_page_reports_it_and_exits_1(site: NewsSite):
    items = [("Budapest summit dropped", site.url("/news/summit"), "Short summary.")]
    items.append(("Withdrawn story", site.url("/news/gone"), "Short."))  # the site answers 404
    site.routes["/feed.xml"] = Route(rss("World Desk", items), content_type="application/rss+xml")
    added = newsbot("sources", "add", site.url("/feed.xml"), "--name", "Desk")
    assert added.exit_code == 1
    assert "added source #1: feed Desk" in added.stdout  # the source is kept
    assert "1 new" in added.stdout and "1 failed" in added.stdout
    assert (
        "failed:" in added.output and "/news/gone" in flat(added.output) and "404" in added.output
    )
    listed = json.loads(newsbot("sources", "list", "--json").stdout)
    assert [(s["id"], s["articles"]) for s in listed] == [(1, 1)]  # the good item is stored


def test_reindex_reports_failures_and_exits_1(site: NewsSite):
    publish(site, "/news/summit")
    assert newsbot("sources", "add", site.url("/feed.xml")).exit_code == 0
    site.routes["/feed.xml"] = Route(b"<rss><channel>", content_type="text/xml")
    result = newsbot("reindex")
    assert result.exit_code == 1
    assert "not a valid RSS or Atom feed (line" in flat(result.output)


def test_check_reports_and_repairs(site: NewsSite, env_settings: Path):
    publish(site, "/news/summit", "/news/gold")
    assert newsbot("sources", "add", site.url("/feed.xml")).exit_code == 0
    assert "consistent" in newsbot("check", "--dry-run").stdout
    with open_core(Settings(), lock=True) as news:
        news.store.delete_ids(sorted(news.store.ids())[:1])
    dry = newsbot("check", "--dry-run")
    assert dry.exit_code == 1 and "drift found" in dry.stdout
    assert "drift repaired" in newsbot("check").stdout
    assert "consistent" in newsbot("check", "--dry-run").stdout


def test_a_reindex_killed_half_way_then_rerun_counts_exactly(
    site: NewsSite, env_settings: Path, tmp_path: Path
):
    """A real `newsbot reindex` process, killed with SIGKILL while it fetches article 3."""
    publish(site, "/news/summit", "/news/gold", "/news/rain")
    assert newsbot("sources", "add", site.url("/feed.xml"), "--no-fetch").exit_code == 0
    held = site.routes["/news/rain"]
    held.gate = threading.Event()
    reached = site.when_reached("/news/rain")
    log = tmp_path / "reindex.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli.main", "reindex"],
            cwd=REPO,
            env=os.environ.copy(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        while not reached.wait(timeout=0.5):
            assert process.poll() is None, log.read_text()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    held.gate.set()
    with open_core(Settings()) as news:
        assert news.stats().articles == 2  # the two fetched before the kill are kept
    rerun = newsbot("reindex")
    assert rerun.exit_code == 0, rerun.output
    assert "1 new" in rerun.stdout
    with open_core(Settings()) as news:
        facts = news.stats()
        assert (facts.articles, facts.embedded_articles) == (3, 3)
        assert news.store.count() == facts.passages
        assert news.check(repair=False).consistent


def test_a_cli_reindex_while_the_bot_writes_is_refused_clearly(site: NewsSite):
    with open_core(Settings(), lock=True):  # what `newsbot run` holds while it is up
        result = newsbot("reindex")
    assert result.exit_code == 1
    assert "another newsbot process is writing" in flat(result.output)
    assert "admin commands" in flat(result.output)


def test_subscriptions_from_the_command_line(env_settings: Path):
    added = newsbot("subscriptions", "add", "42", "Budapest summit", "--lang", "hi")
    assert added.exit_code == 0 and "subscription #1: chat 42 Budapest summit" in added.stdout
    listed = json.loads(newsbot("subscriptions", "list", "--json").stdout)
    assert [(s["id"], s["chat_id"], s["topic"], s["lang"]) for s in listed["subscriptions"]] == [
        (1, 42, "Budapest summit", "hi")
    ]
    assert "#1 chat 42 [hi] Budapest summit" in newsbot("subscriptions", "list").stdout
    assert newsbot("subscriptions", "add", "42", "x" * 300).exit_code == 1
    assert "removed subscription #1" in newsbot("subscriptions", "remove", "1").stdout
    assert newsbot("subscriptions", "remove", "1").exit_code == 1


def test_a_digest_subscription_from_the_command_line(env_settings: Path):
    added = newsbot("subscriptions", "add", "42", "gold", "--digest", "6h")
    assert added.exit_code == 0, added.output
    assert "subscription #1: chat 42 gold, a digest every 6 h" in added.stdout
    assert "[digest every 6 h]" in newsbot("subscriptions", "list").stdout
    assert "1 to 168 hours" in flat(
        newsbot("subscriptions", "add", "42", "x", "--digest", "9d").output
    )
    assert "a period such as" in flat(
        newsbot("subscriptions", "add", "42", "x", "--digest", "soon").output
    )


def test_latest_lists_the_newest_articles_without_loading_a_model(env_settings: Path):
    assert "no articles yet" in newsbot("latest").stdout
    db = ArticleDB(env_settings / "newsbot.sqlite3")
    try:
        for day, title in ((3, "Oldest report"), (9, "Newest report"), (5, "Middle report")):
            db.save(
                Article(
                    id=f"a{day}", source="Harbour feed", url=f"https://harbour.example/{day}",
                    title=title, published=f"2025-10-0{day}", lang="en", content_hash=f"h{day}",
                    text="The council voted on the harbour budget.", outlet="Harbour News",
                )
            )  # fmt: skip
    finally:
        db.close()
    listed = newsbot("latest", "--json", "--limit", "2")
    assert listed.exit_code == 0, listed.output
    payload = json.loads(listed.stdout)
    assert [a["title"] for a in payload["articles"]] == ["Newest report", "Middle report"]
    text = newsbot("latest").stdout
    assert text.index("Newest report") < text.index("Middle report") < text.index("Oldest report")
    assert "Harbour News · 2025-10-09 · https://harbour.example/9" in text
