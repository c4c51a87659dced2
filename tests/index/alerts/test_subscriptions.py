"""Subscriptions and the alert outbox: limits, matching, one alert per story, exactly once."""

import sqlite3
import threading

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.alerts.outbox import Outbox
from index.errors import SubscriptionError
from index.news_index import NewsIndex
from index.store.article_db import MIGRATIONS, ArticleDB
from tests.conftest import GOLD, SUMMIT_EN, SUMMIT_VI, claim_all, doc
from tests.fakes import HashingEmbedder


def test_limits_are_clear_errors(news: NewsIndex):
    subs = news.catalog.subscriptions
    subs.max_per_chat = 2
    subs.add(1, "Budapest summit", "en")
    with pytest.raises(SubscriptionError, match="already subscribed"):
        subs.add(1, "  Budapest   summit ", "en")
    subs.add(1, None, "en")
    with pytest.raises(SubscriptionError, match="the most allowed"):
        subs.add(1, "gold", "en")
    with pytest.raises(SubscriptionError, match="limit is 200"):
        subs.add(2, "x" * 201, "en")
    with pytest.raises(SubscriptionError, match="no subscription #1 in this chat"):
        subs.remove(1, chat_id=2)
    assert [s.topic for s in subs.for_chat(1)] == ["Budapest summit", None]


def test_a_matching_article_alerts_and_an_unrelated_one_does_not(news: NewsIndex):
    topic = news.catalog.subscriptions.add(10, "Budapest summit Trump Putin", "en")
    everything = news.catalog.subscriptions.add(20, None, "hi")
    news.index_documents([doc(SUMMIT_EN), doc(GOLD)])
    due = claim_all(news.catalog.outbox)
    by_chat = {(c.subscription.chat_id, a.article_id) for c in due for a in c.alerts}
    articles = {a.title: a.id for a in news.db.all_articles()}
    assert by_chat == {
        (10, articles[SUMMIT_EN[1]]),
        (20, articles[SUMMIT_EN[1]]),
        (20, articles[GOLD[1]]),
    }
    alert = next(a for c in due for a in c.alerts if a.subscription.id == topic.id)
    assert "Budapest summit" in alert.best_sentence and alert.score >= 0.3
    assert everything.lang == "hi"


def test_exactly_once_across_restarts_reindexes_and_refetches(alert_settings: Settings):
    embedder = HashingEmbedder(budget=60)
    with open_core(alert_settings, lock=True, embedder=embedder) as news:
        news.catalog.subscriptions.add(10, "Budapest summit", "en")
        news.index_documents([doc(SUMMIT_EN)])
        (alert,) = claim_all(news.catalog.outbox)
        news.catalog.outbox.mark_sent(alert)
    with open_core(alert_settings, lock=True, embedder=embedder) as news:  # a restart
        news.index_documents([doc(SUMMIT_EN)])  # fetched again: unchanged
        news.reembed_all()
        news.embed_missing()
        news.rebuild()  # a --full reindex
        article = next(news.db.all_articles())  # purged (as `sources remove --purge` does) ...
        news.store.delete_article(article.id)
        news.db.delete(article.id)
        news.index_documents([doc(SUMMIT_EN)])  # the same URL comes back as "new"
        assert claim_all(news.catalog.outbox) == []
        assert news.catalog.outbox.counts() == {"sent": 1}


def test_the_same_story_in_two_languages_is_one_alert_listing_the_other(news: NewsIndex):
    news.catalog.subscriptions.add(10, "Budapest summit Trump Putin", "en")
    news.index_documents([doc(SUMMIT_EN), doc(SUMMIT_VI), doc(GOLD)])
    ((alert,),) = [c.alerts for c in claim_all(news.catalog.outbox)]
    ids = {a.title: a.id for a in news.db.all_articles()}
    assert alert.article_id == ids[SUMMIT_EN[1]]
    assert alert.siblings == (ids[SUMMIT_VI[1]],)
    assert news.catalog.outbox.counts() == {"sending": 1, "merged": 1}


def test_paused_chats_get_nothing_and_migrated_chats_keep_their_subscriptions(news: NewsIndex):
    subs = news.catalog.subscriptions
    subs.add(10, None, "en")
    subs.add(-200, None, "en")
    assert subs.pause_chat(10, "blocked the bot") == 1
    subs.migrate_chat(-200, -100200)
    news.index_documents([doc(GOLD)])
    (alert,) = claim_all(news.catalog.outbox)
    assert alert.subscription.chat_id == -100200
    subs.resume_chat(10)  # what arrived while paused is not queued: it would be stale
    news.index_documents([doc(SUMMIT_EN)])
    assert sorted(a.subscription.chat_id for a in claim_all(news.catalog.outbox)) == [-100200, 10]


def test_rescheduled_alerts_wait_for_their_time(news: NewsIndex):
    news.catalog.subscriptions.add(10, None, "en")
    news.index_documents([doc(GOLD)])
    (alert,) = claim_all(news.catalog.outbox, now=1000.0)
    news.catalog.outbox.reschedule(alert, at=1030.0, error="429")
    assert claim_all(news.catalog.outbox, now=1029.0) == []
    (again,) = claim_all(news.catalog.outbox, now=1030.0)
    assert again.attempts == 2


def test_a_sender_claims_one_alert_at_a_time(news: NewsIndex):
    news.catalog.subscriptions.add(10, None, "en")
    news.index_documents([doc(SUMMIT_EN), doc(GOLD)])
    first = news.catalog.outbox.claim("sender-a", now=1000.0)
    assert first is not None
    assert news.catalog.outbox.counts() == {"sending": 1, "queued": 1}
    news.catalog.outbox.mark_sent(first)
    second = news.catalog.outbox.claim("sender-a", now=1001.0)
    assert second is not None and second.alerts[0].article_id != first.alerts[0].article_id
    assert news.catalog.outbox.claim("sender-a", now=1002.0) is None


def test_an_alert_its_dead_sender_left_sending_is_failed_after_the_lease_never_resent(
    news: NewsIndex,
):
    news.catalog.subscriptions.add(10, None, "en")
    news.index_documents([doc(SUMMIT_EN), doc(GOLD)])
    news.catalog.outbox.claim("dead-sender", now=1000.0, lease_seconds=60)  # then killed
    other = news.catalog.outbox.claim("new-sender", now=1059.0, lease_seconds=60)
    assert other is not None  # the other alert; the dead sender's one is still leased
    news.catalog.outbox.mark_sent(other)
    assert news.catalog.outbox.counts() == {"sending": 1, "sent": 1}
    assert news.catalog.outbox.claim("new-sender", now=1060.0) is None  # not sent again
    assert news.catalog.outbox.counts() == {"failed": 1, "sent": 1}


def test_articles_saved_before_a_crash_alert_after_a_full_rebuild(alert_settings: Settings):
    class Killed(HashingEmbedder):
        def embed_passages(self, texts, langs=None):
            raise RuntimeError("killed")

    with open_core(alert_settings, lock=True, embedder=Killed(budget=60)) as news:
        news.catalog.subscriptions.add(10, None, "en")
        with pytest.raises(RuntimeError):
            news.index_documents([doc(SUMMIT_EN), doc(GOLD)])  # saved, never embedded
        assert news.catalog.outbox.counts() == {}
    with open_core(alert_settings, lock=True, embedder=HashingEmbedder(budget=60)) as news:
        news.rebuild()  # embeds into a staging collection, which alerts nobody; then matches
        assert news.catalog.outbox.counts() == {"queued": 2}
        news.rebuild()
        news.embed_missing()
        assert news.catalog.outbox.counts() == {"queued": 2}


def test_alerts_an_older_version_left_sending_are_resolved_after_the_upgrade(tmp_path):
    """Before leases, a crash left a claimed batch "sending" forever."""
    path = tmp_path / "newsbot.sqlite3"
    with sqlite3.connect(path) as conn:  # the schema as version 3 left it
        for number, script in enumerate(MIGRATIONS[:3], start=1):
            conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
        conn.execute(
            "INSERT INTO subscriptions (chat_id, topic, lang, created_at)"
            " VALUES (1, NULL, 'en', '')"
        )
        conn.execute(
            "INSERT INTO alerts (subscription_id, article_id, status, score, passage,"
            " best_sentence, created_at) VALUES (1, 'a1', 'sending', 1.0, 'p', 's', '')"
        )
    db = ArticleDB(path)
    try:
        outbox = Outbox(db)
        assert outbox.claim("new-sender") is None  # never sent again ...
        assert outbox.counts() == {"failed": 1}  # ... and no longer stuck
    finally:
        db.close()


def test_thirty_subscribes_at_once_store_exactly_the_limit(news: NewsIndex):
    subs, start = news.catalog.subscriptions, threading.Barrier(30)
    outcomes: list[str] = []

    def subscribe(n: int) -> None:
        start.wait(30)
        try:
            subs.add(7, f"topic {n}", "en")
            outcomes.append("made")
        except SubscriptionError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=subscribe, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(subs.for_chat(7)) == subs.max_per_chat == 20
    assert sorted(outcomes) == ["made"] * 20 + ["too_many"] * 10


def test_the_same_topic_at_once_is_stored_once(news: NewsIndex):
    subs, start = news.catalog.subscriptions, threading.Barrier(10)
    outcomes: list[str] = []

    def subscribe() -> None:
        start.wait(30)
        try:
            subs.add(8, "gold", "en")
            outcomes.append("made")
        except SubscriptionError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=subscribe) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [s.topic for s in subs.for_chat(8)] == ["gold"]
    assert sorted(outcomes) == ["duplicate"] * 9 + ["made"]
