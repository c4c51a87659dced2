"""The same store behaviour in both modes: embedded PersistentClient and a real Chroma server."""

import threading
from pathlib import Path

import pytest

from bot.root import Root, open_core
from bot.settings import Settings
from index.errors import StoreError
from index.news_index import NewsIndex
from index.store.vectors import open_client
from tests.conftest import SEEDS
from tests.fakes import HashingEmbedder


def test_index_search_and_idempotence(store_settings: Settings, seeds_copy: Path):
    with open_core(store_settings, lock=True, embedder=HashingEmbedder()) as news:
        first = news.index_paths([seeds_copy])
        again = news.index_paths([seeds_copy])
        assert (first.new, again.unchanged, again.passages) == (2, 2, 0)
        assert news.store.count() == news.stats().passages == first.passages
        answer = news.ask("Donbas Luhansk Donetsk", k=2)
        assert answer.answered and "Donetsk" in answer.hits[0].passage.text


def test_changed_article_replaces_passages(store_settings: Settings, seeds_copy: Path):
    with open_core(store_settings, lock=True, embedder=HashingEmbedder()) as news:
        news.index_paths([seeds_copy])
        (seeds_copy / "003_a43783d0b043d3ec.txt").write_text("Cuộc gặp bị hủy.", encoding="utf-8")
        report = news.index_paths([seeds_copy])
        assert report.changed == 1
        assert news.store.count() == news.stats().passages
        texts = news.store.all_texts()[1]
        assert "Cuộc gặp bị hủy." in texts
        assert not any("Donetsk" in t for t in texts)


def test_persists_across_reopen(store_settings: Settings):
    with open_core(store_settings, lock=True, embedder=HashingEmbedder()) as news:
        news.index_paths([SEEDS])
        count = news.store.count()
    with open_core(store_settings, embedder=HashingEmbedder()) as news:
        assert news.store.count() == count
        assert news.ask("Budapest", k=1, candidates=True).candidates


def test_server_mode_lets_two_writers_work_at_once(chroma_server_url: str, tmp_path: Path):
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        chroma_url=chroma_server_url,
        chroma_database="two-writers",
    )
    folders = []
    for n in range(2):
        folder = tmp_path / f"in{n}"
        folder.mkdir()
        for i in range(3):
            text = f"Writer {n} article {i}. Unique words w{n}x{i}."
            (folder / f"a{i}.txt").write_text(text, encoding="utf-8")
        folders.append(folder)
    roots = [Root(settings) for _ in folders]
    writers = [root.core(lock=True, embedder=HashingEmbedder()) for root in roots]
    errors: list[BaseException] = []

    def run(news: NewsIndex, folder: Path) -> None:
        try:
            news.index_paths([folder])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    pairs = zip(writers, folders, strict=True)
    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for root in roots:
        root.close()
    assert errors == []
    with open_core(settings, embedder=HashingEmbedder()) as news:
        assert news.stats().articles == 6
        assert news.store.count() == 6


def test_embedded_mode_keeps_one_writer(settings: Settings):
    with (
        open_core(settings, lock=True, embedder=HashingEmbedder()),
        pytest.raises(Exception, match="another newsbot process"),
        Root(settings) as second,
    ):
        second.core(lock=True, embedder=HashingEmbedder())


@pytest.mark.parametrize("url", ["ftp://x:1", "not a url", "http://127.0.0.1:9"])
def test_bad_or_unreachable_server_is_a_clear_error(tmp_path: Path, url: str):
    settings = Settings(_env_file=None, data_dir=tmp_path, chroma_url=url)
    with pytest.raises(StoreError, match="NEWSBOT_CHROMA_URL|cannot reach the Chroma server"):
        open_client(settings.storage)
