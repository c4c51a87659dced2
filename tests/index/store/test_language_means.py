"""A language without background text is centred on its own mean once the index holds enough
of its passages: estimated from the stored vectors, recorded with the collection."""

from collections.abc import Sequence

import numpy as np
import pytest

from bot.root import open_core
from bot.settings import Settings
from index.embedding.language_space import MIN_PASSAGES_FOR_MEAN, LanguageSpace, _normalise
from index.embedding.onnx_embedder import CentredEmbedding
from index.models import ExtractedDocument, SourceDocument
from index.news_index import NewsIndex
from index.store import language_means
from index.store.vectors import VectorStore
from tests.fakes import HashingEmbedder

ENGLISH = (
    "the government said on monday that the new agreement on trade would be signed next week "
    "by the ministers of both countries after long talks in the capital"
)
ITALIAN = (
    "il la di che e un una per non con sono questo quella governo città anni dopo prima della "
    "nel sulla paese ministro presidente accordo lavoro mercato notizie giorno settimana "
    "secondo hanno stato dove quando molto anche ancora tutti perché"
)


class CentredHashing(CentredEmbedding, HashingEmbedder):
    """The hashing fake's vectors as raw vectors, centred on an English-only background."""

    def __init__(self) -> None:
        HashingEmbedder.__init__(self)
        mean = self._embed([ENGLISH, ENGLISH.upper() + " news"]).mean(axis=0)
        self.space = LanguageSpace(("en",), mean[None, :], mean[None, :] * 0.9, "test-centred")

    @property
    def identity(self) -> str:
        return f"{HashingEmbedder.identity.fget(self)}|centred"  # type: ignore[attr-defined]

    def raw_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def raw_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


def _italian(count: int, seed: int) -> list[SourceDocument]:
    """`count` Italian articles of about eight passages each (the fake's 40-token budget)."""
    rng = np.random.default_rng(seed)
    documents = []
    for n in range(count):
        sentences = [" ".join(rng.choice(ITALIAN.split(), 9)).capitalize() + "." for _ in range(16)]
        documents.append(
            SourceDocument(
                key=f"it-{seed}-{n}",
                source=f"it-{seed}-{n}.txt",
                document=ExtractedDocument(
                    text=" ".join(sentences),
                    title=f"Notizie {seed} {n}",
                ),
            )
        )
    return documents


def _english() -> list[SourceDocument]:
    return [
        SourceDocument(
            key="en-0",
            source="en-0.txt",
            document=ExtractedDocument(text=ENGLISH.capitalize() + ".", title="Trade"),
        )
    ]


def _stored(news: NewsIndex, lang: str) -> tuple[list[str], np.ndarray, list[dict]]:
    return news.store.vectors_of(language_means.labels(lang))


def _raw(news: NewsIndex, ids: list[str]) -> np.ndarray:
    texts = dict(zip(*news.store.all_texts(), strict=True))
    return news.model.raw_passages([texts[i] for i in ids])  # type: ignore[attr-defined]


@pytest.fixture
def model() -> CentredHashing:
    return CentredHashing()


def test_a_language_gets_its_own_mean_after_enough_passages_not_before(
    settings: Settings, model: CentredHashing
):
    with open_core(settings, lock=True, embedder=model) as news:
        name, identity = news.store.name, news.embedder.identity
        news.index_documents(_english() + _italian(20, seed=1))
        ids, before, _ = _stored(news, "it")
        assert 100 < len(ids) < MIN_PASSAGES_FOR_MEAN
        assert news.means is not None and news.means.recorded() == {}
        fallback = _normalise(_raw(news, ids) - model.space.passage_means[0])
        assert np.allclose(before, fallback, atol=1e-5)  # the mean of the background's means

        news.index_documents(_italian(10, seed=2))
        ids, after, marks = _stored(news, "it")
        assert len(ids) >= MIN_PASSAGES_FOR_MEAN
        recorded = news.means.recorded()
        assert list(recorded) == ["it"] and recorded["it"]["done"]
        assert recorded["it"]["passages"] == len(ids)
        raw = _raw(news, ids)
        assert np.allclose(after, _normalise(raw - raw.mean(axis=0)), atol=1e-4)
        assert news.means.space().langs == ("en", "it")
        # the same collection and identity: nothing to rebuild, nothing mixed
        assert (news.store.name, news.embedder.identity) == (name, identity)
        english_ids, english, _ = _stored(news, "en")
        assert np.allclose(
            english, _normalise(_raw(news, english_ids) - model.space.passage_means[0]), atol=1e-5
        )


def test_later_passages_and_other_processes_use_the_estimate(
    settings: Settings, model: CentredHashing
):
    with open_core(settings, lock=True, embedder=model) as news:
        news.index_documents(_italian(30, seed=1))
        assert news.means is not None
        mean = news.means.space().passage_means[-1]
        news.index_documents(_italian(2, seed=3))
        ids, stored, _ = _stored(news, "it")
        assert np.allclose(stored, _normalise(_raw(news, ids) - mean), atol=1e-4)
        assert news.means.recorded()["it"]["passages"] < len(ids)  # estimated once, kept
    with open_core(settings, embedder=CentredHashing()) as reader:
        assert reader.means is not None and reader.means.space().langs == ("en", "it")
        text = "il governo firma un accordo"
        raw = reader.model.raw_passages([text])  # type: ignore[attr-defined]
        assert np.allclose(reader.embedder.embed_passages([text], ["it"]), _normalise(raw - mean))
        question = "quando il governo firma accordo"  # questions: the background's means only
        expected = model.space.centre_queries(model.raw_queries([question]))
        assert np.allclose(reader.searcher.queries.encode(question), expected[0])


def test_a_reader_open_before_the_estimate_rescores_sentences_with_it(
    settings: Settings, model: CentredHashing
):
    sentence, question = "il governo firma un accordo.", "quando il governo firma accordo"
    with open_core(settings, lock=True, embedder=model) as news:
        news.index_documents(_italian(20, seed=1))
        with open_core(settings, embedder=CentredHashing()) as reader:
            early = reader.sentence_scorer.scores(question, [sentence], ["it"])
            news.index_documents(_italian(10, seed=2))
            late = reader.sentence_scorer.scores(question, [sentence], ["it"])
            assert reader.searcher.queries.epoch == 1
            assert reader.means is not None and reader.means.space().langs == ("en", "it")
            mean = reader.means.space().passage_means[-1]
            raw = model.raw_passages([sentence])
            query = model.space.centre_queries(model.raw_queries([question]))[0]
            assert np.allclose(late, _normalise(raw - mean) @ query, atol=1e-5)
            assert not np.allclose(early, late)


class FailingOnce(VectorStore):
    """The real store, whose first re-centring write fails part way (a crash)."""

    failed = False

    def revector(self, ids: Sequence[str], vectors: np.ndarray, mark: dict) -> None:
        if not FailingOnce.failed:
            FailingOnce.failed = True
            super().revector(ids[:50], vectors[:50], mark)
            raise OSError("crash")
        super().revector(ids, vectors, mark)


def test_an_interrupted_recentring_is_finished_by_the_next_writer(
    settings: Settings, model: CentredHashing
):
    FailingOnce.failed = False  # a class flag: each engine's run crashes once
    with open_core(settings, lock=True, embedder=model) as news:
        news.index_documents(_italian(20, seed=1))
        news.store.__class__ = FailingOnce
        with pytest.raises(OSError, match="crash"):
            news.index_documents(_italian(10, seed=2))
        assert news.means is not None
        assert not news.means.recorded()["it"]["done"]
    with open_core(settings, lock=True, embedder=CentredHashing()) as news:
        assert news.means is not None and news.means.recorded()["it"]["done"]
        ids, stored, marks = _stored(news, "it")
        mean = news.means.space().passage_means[-1]
        recorded = news.means.recorded()["it"]
        assert {m.get(language_means.MARK) for m in marks} == {recorded["stamp"]}
        raw = _raw(news, ids)
        assert np.allclose(stored, _normalise(raw - mean), atol=1e-4)


def test_a_full_rebuild_estimates_again_in_its_new_collection(
    settings: Settings, model: CentredHashing
):
    with open_core(settings, lock=True, embedder=model) as news:
        news.index_documents(_italian(30, seed=1))
        old = news.store.name
        news.rebuild()
        assert news.store.name != old
        assert news.means is not None and "it" in news.means.recorded()
        assert news.means.space().langs == ("en", "it")
        ids, stored, _ = _stored(news, "it")
        raw = _raw(news, ids)
        assert np.allclose(
            stored, _normalise(raw - news.means.space().passage_means[-1]), atol=1e-4
        )
