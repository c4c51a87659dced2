"""The optional cross-encoder reorders the relevant passages, and only reorders them.

No trained cross-encoder installs from PyPI, so the test builds one: a small random BERT with
the bundled model's tokenizer and a one-output head, saved twice, the second time with the
head negated. Its judgement is arbitrary, but exact: the negated model must give the reverse
order.
"""

from pathlib import Path

import pytest
import torch

from bot.root import open_core
from bot.settings import Settings
from index.embedding.bundled import bundled_model_dir
from index.embedding.embedder import SentenceTransformerEmbedder
from index.retrieval.reranker import load_reranker
from tests.conftest import SEEDS

QUESTION = "Trump Putin summit Budapest Hungary"


@pytest.fixture(scope="module")
def cross_encoders(
    tmp_path_factory: pytest.TempPathFactory, model_cache: Path
) -> tuple[Path, Path]:
    """Two cross-encoder folders whose scores are mirror images: sigmoid(x), sigmoid(-x)."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    tokenizer = AutoTokenizer.from_pretrained(bundled_model_dir(model_cache))
    torch.manual_seed(7)
    config = BertConfig(  # type: ignore[call-arg]  # num_labels: a PretrainedConfig keyword
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
    )
    model = BertForSequenceClassification(config)
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
    with open_core(settings.model_copy(update=changes), lock=True, embedder=embedder) as news:
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
    assert load_reranker(missing.reranking) is None
    assert "could not be loaded" in caplog.text and "NEWSBOT_RERANKER_MODEL" in caplog.text
