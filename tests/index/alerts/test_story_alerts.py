"""One alert per story per subscriber: a translation or a republication that arrives later
(another feed run, a reindex) joins the earlier alert as "also in" instead of alerting again.

The logic with the fake embedder (shared words make a story); the signal with the real
bundled model: the two seed reports (Hindi, Vietnamese) indexed one after the other."""

from pathlib import Path

from sqlalchemy import text

from bot.root import open_core
from bot.settings import Settings
from index.embedding.embedder import SentenceTransformerEmbedder
from index.news_index import NewsIndex
from tests.conftest import (
    GOLD,
    HINDI_SEED,
    SUMMIT_EN,
    SUMMIT_VI,
    VIETNAMESE_SEED,
    claim_all,
    doc,
)

TOPIC = "Budapest summit Trump Putin"


def ids(news: NewsIndex) -> dict[str, str]:
    return {a.title: a.id for a in news.db.all_articles()}


def test_a_later_translation_joins_the_alert_still_to_be_sent(news: NewsIndex):
    subs = news.catalog.subscriptions
    subs.add(10, TOPIC, "en")
    news.index_documents([doc(SUMMIT_EN)])
    news.index_documents([doc(SUMMIT_VI)])  # a later run brings the translation

    ((alert,),) = [c.alerts for c in claim_all(news.catalog.outbox)]
    assert alert.article_id == ids(news)[SUMMIT_EN[1]]
    assert alert.siblings == (ids(news)[SUMMIT_VI[1]],)
    assert news.catalog.outbox.counts() == {"sending": 1, "merged": 1}


def test_a_later_translation_of_a_sent_alert_alerts_no_more(news: NewsIndex):
    subs = news.catalog.subscriptions
    subs.add(10, None, "en")
    news.index_documents([doc(SUMMIT_EN)])
    (first,) = claim_all(news.catalog.outbox)
    news.catalog.outbox.mark_sent(first)

    news.index_documents([doc(SUMMIT_VI), doc(GOLD)])  # the translation, and a new story

    (second,) = claim_all(news.catalog.outbox)
    assert [a.article_id for a in second.alerts] == [ids(news)[GOLD[1]]]
    assert news.catalog.outbox.counts() == {"sent": 1, "sending": 1, "merged": 1}


def test_each_subscriber_is_told_of_a_story_once(news: NewsIndex):
    subs = news.catalog.subscriptions
    subs.add(10, TOPIC, "en")
    news.index_documents([doc(SUMMIT_EN)])
    subs.add(20, TOPIC, "vi")  # subscribed after the English report: the translation is news
    news.index_documents([doc(SUMMIT_VI)])

    claims = claim_all(news.catalog.outbox)
    assert sorted((c.subscription.chat_id, c.alerts[0].article_id) for c in claims) == [
        (10, ids(news)[SUMMIT_EN[1]]),
        (20, ids(news)[SUMMIT_VI[1]]),
    ]


def test_a_story_told_long_ago_alerts_again(news: NewsIndex):
    subs = news.catalog.subscriptions
    subs.add(10, TOPIC, "en")
    news.index_documents([doc(SUMMIT_EN)])
    with news.db.connect() as conn:  # the first alert, a month old
        conn.execute(text("UPDATE alerts SET created_at = '2025-01-01T00:00:00+00:00'"))
    news.index_documents([doc(SUMMIT_VI)])

    assert len(claim_all(news.catalog.outbox)) == 2


def test_the_seed_reports_indexed_one_after_the_other_are_one_alert(
    settings: Settings, real_embedder: SentenceTransformerEmbedder, tmp_path: Path
):
    folders = []
    for seed in (VIETNAMESE_SEED, HINDI_SEED):
        folder = tmp_path / seed.stem
        folder.mkdir()
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
        folders.append(folder)
    with open_core(settings, lock=True, embedder=real_embedder) as news:
        news.catalog.subscriptions.add(10, "Trump Putin summit in Budapest", "en")
        news.index_paths([folders[0]])
        news.index_paths([folders[1]])  # a later run: the same story in Hindi
        due = claim_all(news.catalog.outbox)
        sources = {a.id: Path(a.source).name for a in news.db.all_articles()}
    ((alert,),) = [claim.alerts for claim in due]
    assert sources[alert.article_id] == VIETNAMESE_SEED.name
    assert [sources[s] for s in alert.siblings] == [HINDI_SEED.name]
