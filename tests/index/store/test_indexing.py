"""Indexing is idempotent, detects changes, stores repeats once, and finishes crashed runs."""

from pathlib import Path

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.errors import InputError
from index.news_index import NewsIndex
from tests.fakes import HashingEmbedder


def test_index_seeds_creates_articles_and_passages(fake_index: NewsIndex, seeds_copy: Path):
    report = fake_index.index_paths([seeds_copy])

    assert (report.new, report.failed) == (2, 0)
    stats = fake_index.stats()
    assert stats.articles == 2
    assert stats.passages == report.passages == fake_index.store.count()
    assert set(stats.languages) == {"hi", "vi"}


def test_indexing_again_embeds_nothing_and_changes_no_count(
    fake_index: NewsIndex, fake_embedder: HashingEmbedder, seeds_copy: Path
):
    fake_index.index_paths([seeds_copy])
    before = (fake_index.stats(), fake_index.store.ids())
    fake_embedder.calls.clear()

    report = fake_index.index_paths([seeds_copy])

    assert (report.new, report.changed, report.unchanged, report.passages) == (0, 0, 2, 0)
    assert fake_embedder.calls == []
    assert (fake_index.stats(), fake_index.store.ids()) == before


def test_changed_file_replaces_its_old_passages(fake_index: NewsIndex, seeds_copy: Path):
    fake_index.index_paths([seeds_copy])
    article = seeds_copy / "003_a43783d0b043d3ec.txt"
    old_ids = fake_index.store.ids()
    article.write_text(
        "date 2025-10-23 (VTC News) -\n\nCuộc gặp bị hủy. Hết chuyện.\n", encoding="utf-8"
    )

    report = fake_index.index_paths([seeds_copy])

    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    hits = fake_index.ask("Cuộc gặp bị hủy", k=3, candidates=True).candidates
    vi = [h for h in hits if h.article.lang == "vi"]
    assert [h.passage.text for h in vi] == ["Cuộc gặp bị hủy. Hết chuyện."]
    assert vi[0].article.published == "2025-10-23"
    assert fake_index.store.count() == fake_index.stats().passages
    assert len(fake_index.store.ids() - old_ids) == 0  # ids are stable: "<article>:<seq>"


def test_same_text_under_two_names_is_stored_once(fake_index: NewsIndex, seeds_copy: Path):
    (seeds_copy / "copy.txt").write_bytes((seeds_copy / "003_a43783d0b043d3ec.txt").read_bytes())

    report = fake_index.index_paths([seeds_copy])

    assert (report.new, report.duplicates) == (2, 1)
    assert fake_index.stats().articles == 2


def test_bad_files_are_reported_and_good_ones_indexed(fake_index: NewsIndex, seeds_copy: Path):
    (seeds_copy / "empty.txt").write_bytes(b"")
    (seeds_copy / "image.txt").write_bytes(b"\x89PNG\x00\x00binary")

    report = fake_index.index_paths([seeds_copy])

    assert report.new == 2
    reasons = sorted(f.reason for f in report.failures)
    assert len(reasons) == 2
    assert "empty" in reasons[0] and "binary" in reasons[1]


def test_failures_lose_nothing_already_indexed(fake_index: NewsIndex, seeds_copy: Path):
    fake_index.index_paths([seeds_copy])
    before = fake_index.stats()
    (seeds_copy / "003_a43783d0b043d3ec.txt").write_bytes(b"\x00\x01binary now")

    report = fake_index.index_paths([seeds_copy])

    assert report.failed == 1
    assert fake_index.stats() == before


def test_missing_path_is_an_error_before_anything_is_written(fake_index: NewsIndex, tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        fake_index.index_paths([tmp_path / "nope"])
    assert fake_index.stats().articles == 0


class ExplodingEmbedder(HashingEmbedder):
    """Fails on the n-th batch of passages, like a process killed half way."""

    def __init__(self, fail_on_call: int) -> None:
        super().__init__()
        self.fail_on_call = fail_on_call

    def embed_passages(self, texts, langs=None):
        if len(self.calls) + 1 == self.fail_on_call:
            self.calls.append(-1)
            raise RuntimeError("killed")
        return super().embed_passages(texts, langs)


def test_crash_half_way_then_rerun_completes_without_duplicates(settings, seeds_copy: Path):
    settings = settings.model_copy(update={"index_batch_size": 1})
    with open_core(settings, lock=True, embedder=ExplodingEmbedder(2)) as news:
        with pytest.raises(RuntimeError):
            news.index_paths([seeds_copy])
        assert news.stats().embedded_articles == 1  # the first article survived

    with open_core(settings, lock=True, embedder=HashingEmbedder()) as news:
        report = news.index_paths([seeds_copy])
        assert report.unchanged == 1 and report.new + report.changed == 1
        stats = news.stats()
        assert stats.articles == stats.embedded_articles == 2
        assert news.store.count() == stats.passages


def small_files(folder: Path, count: int) -> Path:
    """`count` one-paragraph articles, each about its own town (no two alike)."""
    folder.mkdir()
    for i in range(count):
        (folder / f"{i:03}.txt").write_text(
            f"Town{i} council report {i}\n\nThe council of Town{i} met on day {i} and voted "
            f"on the Town{i} budget. Residents of Town{i} welcomed plan number {i}."
        )
    return folder


def test_passages_of_many_articles_are_embedded_in_one_call(settings, tmp_path: Path):
    settings = settings.model_copy(update={"index_batch_size": 4})
    embedder = HashingEmbedder()
    with open_core(settings, lock=True, embedder=embedder) as news:
        report = news.index_paths([small_files(tmp_path / "many", 10)])
        stats = news.stats()
        articles = sorted(news.db.all_articles(), key=lambda a: a.source)
        found = news.store.passages_of([a.id for a in articles])
        counts = [len(found[a.id]) for a in articles]  # passages per article, in file order

    assert report.new == stats.articles == stats.embedded_articles == 10
    # One call per batch of 4, 4 and 2 articles, each with the passages of all its articles.
    assert embedder.calls == [sum(counts[0:4]), sum(counts[4:8]), sum(counts[8:10])]
    assert sum(embedder.calls) == report.passages == stats.passages


def test_a_crash_mid_batch_loses_nothing_and_alerts_once(settings, tmp_path: Path):
    """The embedder dies on its 2nd call: the 1st batch is done, the 2nd saved only."""
    settings = settings.model_copy(update={"index_batch_size": 4})
    folder = small_files(tmp_path / "many", 10)
    with open_core(settings, lock=True, embedder=ExplodingEmbedder(2)) as news:
        news.catalog.subscriptions.add(7, None, "en")  # every new article alerts chat 7
        with pytest.raises(RuntimeError):
            news.index_paths([folder])
        assert (news.stats().articles, news.stats().embedded_articles) == (8, 4)
        assert news.catalog.outbox.counts() == {"queued": 4}

    embedder = HashingEmbedder()
    with open_core(settings, lock=True, embedder=embedder) as news:
        report = news.index_paths([folder])
        assert (report.unchanged, report.changed, report.new) == (4, 4, 2)
        assert len(embedder.calls) == 2  # 4 finished from the crash + 2 new: batches of 4, 2
        stats = news.stats()
        assert stats.articles == stats.embedded_articles == 10
        assert news.store.count() == stats.passages
        assert news.check(repair=False).consistent
        # The 4 articles saved before the crash alert too: 10 alerts, each once.
        assert news.catalog.outbox.counts() == {"queued": 10}
        news.index_paths([folder])
        news.embed_missing()
        assert news.catalog.outbox.counts() == {"queued": 10}


def test_search_cites_the_article(fake_index: NewsIndex, seeds_copy: Path):
    fake_index.index_paths([seeds_copy])
    answer = fake_index.ask("Donbas Luhansk Donetsk", k=2)
    assert answer.answered
    top = answer.hits[0]
    assert "Donetsk" in top.passage.text
    assert "Donetsk" in top.best_sentence
    assert top.article.outlet == "VTC News" and top.article.published == "2025-10-22"


def test_warm_up_builds_the_lexical_index_before_the_first_question(
    settings: Settings, fake_embedder: HashingEmbedder, seeds_copy: Path
):
    hybrid = settings.model_copy(update={"retrieval": "hybrid"})
    with open_core(hybrid, lock=True, embedder=fake_embedder) as news:
        news.index_paths([seeds_copy])
        assert news.searcher._lexical is None
        news.warm_up()
        built = news.searcher._lexical
        assert built is not None
        news.ask("Donbas Luhansk Donetsk")
        assert news.searcher._lexical is built  # the question used it, nothing rebuilt


def test_an_answer_carries_its_candidates_only_when_asked(fake_index: NewsIndex, seeds_copy):
    """Fronts keep answers (the bot caches a thousand): the ranked candidates, with their
    articles' full texts, are for evaluation only."""
    fake_index.index_paths([seeds_copy])
    kept = fake_index.ask("Budapest summit", k=2)
    scored = fake_index.ask("Budapest summit", k=2, candidates=True)
    assert kept.hits and kept.candidates == ()
    assert len(scored.candidates) > len(kept.hits)
    assert [h.passage.id for h in kept.hits] == [h.passage.id for h in scored.hits]


def test_a_file_of_one_repeated_word_is_bounded_and_reported(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    """Issue 21: 2 MB of one word made 2,581 passages and held the writer for 302 s."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "word.txt").write_text("word " * 400_000, encoding="utf-8")  # 2 MB
    bound = settings.max_passages_per_article
    embedder = HashingEmbedder()
    with open_core(settings, lock=True, embedder=embedder) as news:
        report = news.index_paths([folder])
        stored = news.store.count()
    assert report.new == 1 and 1 <= stored <= bound
    assert report.passages == stored and report.repeats >= bound - stored
    assert report.cut_short == 1 and report.unread_chars > 1_900_000
    assert sum(embedder.calls) == stored  # only the kept passages are embedded
    summary = report.summary()
    assert f"1 article(s) cut at {bound} passages" in summary
    assert "repeated passages stored once" in summary
    assert "NEWSBOT_MAX_PASSAGES_PER_ARTICLE" in caplog.text and "not indexed" in caplog.text


def test_the_bound_is_a_setting(settings: Settings, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = " ".join(f"Paragraph {n} reports a different fact about the talks." for n in range(300))
    (folder / "long.txt").write_text(text, encoding="utf-8")
    bounded = settings.model_copy(update={"max_passages_per_article": 7})
    with open_core(bounded, lock=True, embedder=HashingEmbedder()) as news:
        report = news.index_paths([folder])
        assert news.store.count() == report.passages == 7
    assert report.cut_short == 1 and report.repeats == 0
