"""The optional cross-encoder reorders the relevant passages, and only reorders them.

No trained cross-encoder installs from PyPI, so the test builds one: all-MiniLM-L6-v2 (the
offline model) with a one-output head, saved twice, the second time with the head negated.
Its judgement is arbitrary, but exact: the negated model must give the reverse order.
"""

from pathlib import Path

import pytest
import torch

from bot.settings import Settings
from index.embedding import SentenceTransformerEmbedder, fallback_model_path
from index.news_index import NewsIndex
from index.reranker import load_reranker
from tests.conftest import SEEDS

QUESTION = "Trump Putin summit Budapest Hungary"


@pytest.fixture(scope="module")
def cross_encoders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two cross-encoder folders whose scores are mirror images: sigmoid(x), sigmoid(-x)."""
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    source = str(fallback_model_path())
    hf_logging.set_verbosity_error()  # the new head is "newly initialized": that is the point
    torch.manual_seed(7)
    config = AutoConfig.from_pretrained(source, num_labels=1)
    model = AutoModelForSequenceClassification.from_pretrained(source, config=config)
    tokenizer = AutoTokenizer.from_pretrained(source)
    folders = []
    for name, sign in (("forward", 1.0), ("reverse", -1.0)):
        with torch.no_grad():
            model.classifier.weight.mul_(sign)
            model.classifier.bias.mul_(sign)
        folder = tmp_path_factory.mktemp(name)
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        folders.append(folder)
    return folders[0], folders[1]


def _ask(settings: Settings, embedder: SentenceTransformerEmbedder, **changes: object):
    with NewsIndex.open(
        settings.model_copy(update=changes), writer=True, embedder=embedder
    ) as news:
        if not news.stats().articles:
            news.index_paths([SEEDS])
        return news.ask(QUESTION, k=40), news.searcher.reranker


def test_reranking_reorders_the_relevant_passages_and_keeps_the_set(
    settings: Settings,
    real_embedder: SentenceTransformerEmbedder,
    cross_encoders: tuple[Path, Path],
):
    forward, reverse = cross_encoders
    plain, none = _ask(settings, real_embedder)
    ranked, reranker = _ask(settings, real_embedder, reranker_model=str(forward))
    mirrored, _ = _ask(settings, real_embedder, reranker_model=str(reverse))

    assert none is None and reranker is not None
    ids = [h.passage.id for h in ranked.hits]
    assert len(ids) >= 3
    assert sorted(ids) == sorted(h.passage.id for h in plain.hits)  # relevance is unchanged
    assert [h.passage.id for h in mirrored.hits] == ids[::-1]
    scores = reranker.scores(QUESTION, [h.passage.text for h in ranked.hits])
    assert scores == sorted(scores, reverse=True)


def test_a_reranker_that_cannot_be_loaded_leaves_answers_in_retrieval_order(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    missing = settings.model_copy(update={"reranker_model": str(tmp_path / "no-such-model")})
    assert load_reranker(missing) is None
    assert "could not be loaded" in caplog.text and "NEWSBOT_RERANKER_MODEL" in caplog.text
