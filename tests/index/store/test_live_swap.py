"""A full rebuild switches to the new collection with no moment in which searches fail."""

import sqlite3

from bot.root import open_core
from index.news_index import NewsIndex
from index.store.article_db import MIGRATIONS, ArticleDB
from tests.conftest import GOLD, SUMMIT_EN, SUMMIT_VI, doc

QUESTION = "Budapest summit"


def test_a_question_asked_while_the_old_collection_is_dropped_is_answered(
    fake_index: NewsIndex,
):
    fake_index.index_documents([doc(SUMMIT_EN), doc(SUMMIT_VI), doc(GOLD)])
    before = [h.passage.id for h in fake_index.ask(QUESTION).hits]
    client = fake_index.store.client
    drop = client.delete_collection
    seen: list[list[str]] = []

    def asking_then(name: str) -> None:  # the moment the old live collection is gone
        drop(name)
        seen.append([h.passage.id for h in fake_index.ask(QUESTION).hits])

    client.delete_collection = asking_then
    old = fake_index.store.name
    fake_index.rebuild()

    assert seen == [before]  # asked in the switch, answered in full
    assert fake_index.store.name != old
    assert [h.passage.id for h in fake_index.ask(QUESTION).hits] == before
    assert [c.name for c in client.list_collections()] == [fake_index.store.name]
    assert fake_index.check(repair=False).consistent


def test_the_live_collection_is_found_again_after_a_rebuild(fake_index: NewsIndex, settings):
    fake_index.index_documents([doc(SUMMIT_EN), doc(GOLD)])
    fake_index.rebuild()
    rebuilt = fake_index.store.name
    embedder = fake_index.embedder
    fake_index.close()

    with open_core(settings, embedder=embedder) as reader:
        assert reader.store.name == rebuilt
        assert reader.ask(QUESTION).hits
        assert reader.stats().embedded_articles == 2


def test_an_old_staging_collection_is_resumed_after_the_upgrade(tmp_path):
    """Before schema 5, a rebuild's staging collection was named `<live>-next`."""
    path = tmp_path / "newsbot.sqlite3"
    with sqlite3.connect(path) as old:
        for number, script in enumerate(MIGRATIONS[:4], start=1):
            old.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
        old.executemany(
            "INSERT INTO vector_spaces VALUES (?, 'model', '2026-01-01')",
            [("passages-abc",), ("passages-abc-next",)],
        )
    old.close()
    db = ArticleDB(path)
    assert db.live_collection("model") == "passages-abc"
    assert db.staging_collection("model") == "passages-abc-next"
    db.promote_space("passages-abc-next", "passages-abc")
    assert db.live_collection("model") == "passages-abc-next"
    assert db.staging_collection("model") is None
    assert db.current_space() == ("passages-abc-next", "model")
    db.close()
