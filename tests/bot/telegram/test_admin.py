"""Admin commands in Telegram, through the fake Bot API: sources, reindex, refusals, polling."""

import json
import logging
import threading
from pathlib import Path

import pytest

from bot.logs import BOT_FORMAT, stderr_handler
from bot.settings import Settings
from bot.telegram.app import POLL_JOB, BotApplication
from bot.telegram.services import Services
from tests.bot.fake_bot_api import (
    FakeBotAPI,
    group_chat,
    message,
    private_chat,
    user,
    visible_text,
)
from tests.news_server import STORIES, NewsSite, Route, publish, rss

ADMIN = user(7001, name="Admin")
STRANGER = user(7002, name="Stranger")


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    return bot_settings.model_copy(
        update={"admin_ids": [ADMIN["id"]], "allow_private_urls": True, "poll_minutes": 15}
    )


async def send(api: FakeBotAPI, person: dict, text: str, chat: dict | None = None, **extra) -> None:
    await api.inject({"message": message(chat or private_chat(person), person, text, **extra)})


async def final_edit(api: FakeBotAPI, chat_id: int, contains: str):
    return await api.next_call(
        "editMessageText",
        chat_id=chat_id,
        where=lambda c: contains in visible_text(c.text),
        timeout=60,
    )


async def test_admin_adds_a_feed_and_sees_progress_then_a_summary(
    api: FakeBotAPI, app: BotApplication, site: NewsSite
):
    publish(site, "/news/summit", "/news/gold")
    await send(api, ADMIN, f"/addsource {site.url('/feed.xml')} World Desk")

    checking = await api.next_call("sendMessage", chat_id=ADMIN["id"])
    assert "Checking" in visible_text(checking.text)
    added = await api.next_call("editMessageText", chat_id=ADMIN["id"])
    assert "Added source #1: feed World Desk" in visible_text(added.text)
    done = await final_edit(api, ADMIN["id"], "Reindex finished")
    assert "2 new" in visible_text(done.text) and "0 failed" in visible_text(done.text)
    edited = {c.params["message_id"] for c in api.calls_of("editMessageText", ADMIN["id"])}
    assert len(edited) == 1  # progress and summary edit the one message in place
    progress = [visible_text(c.text) for c in api.calls_of("editMessageText", ADMIN["id"])]
    # The count agrees with the summary: a feed of 2 new items is "of 2", not "of 3".
    counted = [text for text in progress if text.startswith("Reindexing:")]
    assert counted and all(" of 2 articles" in text for text in counted)

    await send(api, ADMIN, "/sources")
    listing = await api.next_call("sendMessage", chat_id=ADMIN["id"])
    assert "#1 feed World Desk: 2 articles" in visible_text(listing.text)
    assert site.url("/feed.xml") in visible_text(listing.text)


async def test_reindex_reports_new_items_and_failures(
    api: FakeBotAPI, app: BotApplication, site: NewsSite, services: Services
):
    publish(site, "/news/summit")
    services.news.add_source(site.url("/feed.xml"))
    services.news.refresh()
    publish(site, "/news/summit", "/news/gold")
    site.routes["/bad.xml"] = Route(rss_ok := b"<rss><channel><title>B</title></channel></rss>")
    assert rss_ok
    services.news.add_source(site.url("/bad.xml"))
    site.routes["/bad.xml"] = Route(b"<rss><channel", content_type="text/xml")

    await send(api, ADMIN, "/reindex")
    done = await final_edit(api, ADMIN["id"], "Reindex finished")
    assert "1 new" in visible_text(done.text) and "1 failed" in visible_text(done.text)
    assert "not a valid RSS or Atom feed" in visible_text(done.text)


async def test_a_second_reindex_while_one_runs_is_told_to_wait(
    api: FakeBotAPI, app: BotApplication, site: NewsSite, services: Services
):
    publish(site, "/news/summit", "/news/gold")
    services.news.add_source(site.url("/feed.xml"))
    gate = threading.Event()
    site.routes["/news/gold"].gate = gate
    await send(api, ADMIN, "/reindex")
    await api.next_call("sendMessage", chat_id=ADMIN["id"])  # "Reindexing…"
    await send(api, ADMIN, "/reindex full")
    busy = await api.next_call("sendMessage", chat_id=ADMIN["id"])
    assert "already running" in visible_text(busy.text)
    gate.set()
    done = await final_edit(api, ADMIN["id"], "Reindex finished")
    assert "2 new" in visible_text(done.text)


async def test_remove_source(api: FakeBotAPI, app: BotApplication, site: NewsSite, services):
    publish(site, "/news/summit")
    services.news.add_source(site.url("/feed.xml"))
    await send(api, ADMIN, "/removesource 1")
    removed = await api.next_call("sendMessage", chat_id=ADMIN["id"])
    assert "Removed source #1 World Desk" in visible_text(removed.text)
    await send(api, ADMIN, "/removesource 1")
    assert "There is no source #1" in visible_text((await api.next_call("sendMessage")).text)
    await send(api, ADMIN, "/removesource")
    assert "Usage" in visible_text((await api.next_call("sendMessage")).text)


@pytest.mark.parametrize(
    ("sender", "extra"),
    [
        (STRANGER, {}),
        (user(1087968824, name="Group"), {"sender_chat": group_chat()}),  # anonymous admin
        (user(777000, name="Telegram"), {}),
        (ADMIN, {"sender_chat": group_chat()}),  # posting "as the group" hides who it is
    ],
)
async def test_non_admins_are_refused_politely(
    api: FakeBotAPI, app: BotApplication, site: NewsSite, sender: dict, extra: dict
):
    group = group_chat()
    for command in ("/addsource http://example.org/feed", "/sources", "/removesource 1",
                    "/reindex full"):  # fmt: skip
        await send(api, sender, command, chat=group, **extra)
        refusal = await api.next_call("sendMessage", chat_id=group["id"])
        assert "only the bot's admins" in visible_text(refusal.text)
    assert site.requests == []


async def test_a_refused_url_is_explained_to_the_admin(
    api: FakeBotAPI, app: BotApplication, site: NewsSite, services: Services
):
    site.routes["/secret.png"] = Route(b"\x89PNG", content_type="image/png")
    await send(api, ADMIN, f"/addsource {site.url('/secret.png')}")
    await api.next_call("sendMessage", chat_id=ADMIN["id"])
    refused = await api.next_call("editMessageText", chat_id=ADMIN["id"])
    assert "Could not add" in visible_text(refused.text) and "image/png" in visible_text(
        refused.text
    )
    await send(api, ADMIN, "/addsource file:///etc/passwd")
    assert "Usage" in visible_text((await api.next_call("sendMessage", chat_id=ADMIN["id"])).text)
    assert services.catalog.sources.all() == []


async def test_sources_are_polled_on_a_schedule(
    api: FakeBotAPI, app: BotApplication, site: NewsSite, services: Services
):
    (job,) = app.job_queue.get_jobs_by_name(POLL_JOB)
    assert job.trigger.interval.total_seconds() == 60  # asks each minute; polls every 15
    publish(site, "/news/summit")
    services.news.add_source(site.url("/feed.xml"))
    before = services.news.stats().articles
    publish(site, "/news/summit", "/news/rain")
    await job.run(app)
    assert services.news.stats().articles == before + 2
    assert [r.path for r in site.requests].count("/news/rain") == 1


def test_a_worker_can_leave_polling_and_alerts_to_another(bot_settings: Settings):
    """Scaling out: every worker answers, one polls sources and sends alerts."""
    from bot.telegram.app import ALERT_JOB, build_application

    quiet = bot_settings.model_copy(update={"poll_minutes": 0, "alert_interval_seconds": 0})
    busy = build_application(bot_settings, lambda: None)  # type: ignore[arg-type,return-value]
    idle = build_application(quiet, lambda: None)  # type: ignore[arg-type,return-value]
    assert busy.job_queue and idle.job_queue
    assert len(busy.job_queue.get_jobs_by_name(POLL_JOB)) == 1
    assert len(busy.job_queue.get_jobs_by_name(ALERT_JOB)) == 1
    assert idle.job_queue.get_jobs_by_name(POLL_JOB) == ()
    assert idle.job_queue.get_jobs_by_name(ALERT_JOB) == ()


async def test_a_password_in_a_source_url_is_never_echoed_logged_or_stored(
    api: FakeBotAPI,
    app: BotApplication,
    site: NewsSite,
    services: Services,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.DEBUG)
    secret = "s3cr3t-Pa55word"
    with_password = site.base.replace("http://", f"http://admin:{secret}@")
    publish(site, "/news/summit")
    # a feed whose item links carry a password too, with a summary long enough to stand in
    title, paragraphs = STORIES["/news/gold"]
    item = (title, with_password + "/news/gold", " ".join(paragraphs * 2))
    site.routes["/linked.xml"] = Route(rss("Linked", [item]), content_type="application/rss+xml")

    await send(api, ADMIN, f"/addsource {with_password}/feed.xml Desk")
    refused = await final_edit(api, ADMIN["id"], "Could not add")
    assert f"{site.base}/feed.xml" in visible_text(refused.text)  # the URL, without the password
    await send(api, ADMIN, f"/addsource ftp://admin:{secret}@example.org/feed")  # usage reply
    await api.next_call("sendMessage", chat_id=ADMIN["id"], where=lambda c: "Usage" in c.text)
    await send(api, STRANGER, f"/addsource {with_password}/feed.xml")
    await api.next_call("sendMessage", chat_id=STRANGER["id"])
    await send(api, ADMIN, f"/addsource {site.url('/linked.xml')}")
    await final_edit(api, ADMIN["id"], "Reindex finished")
    await send(api, ADMIN, "/sources")
    listing = await api.next_call(
        "sendMessage", chat_id=ADMIN["id"], where=lambda c: "#1" in c.text
    )
    assert "Linked" in visible_text(listing.text)

    sent = json.dumps([call.params for call in api.calls], ensure_ascii=False)
    assert secret not in sent
    ours = [r for r in caplog.records if r.name.startswith(("bot.", "index."))]
    assert not [r for r in ours if secret in r.getMessage()]  # newsbot itself never logs it
    # python-telegram-bot logs each update at DEBUG: the handler newsbot installs drops it
    handler = stderr_handler("DEBUG", "", BOT_FORMAT)
    shown = [handler.format(r) for r in caplog.records if handler.filter(r)]
    assert shown and not [line for line in shown if secret in line]
    stored = [path for path in data_dir.rglob("*") if path.is_file()]
    assert stored and not [path for path in stored if secret.encode() in path.read_bytes()]
    (article,) = [a for a in services.news.catalog.db.all_articles() if a.title == title]
    assert article.url == site.url("/news/gold")  # the link, stored without its password
