"""The real sentence-transformers path, prompts, and the loud offline fallback."""

import logging

import numpy as np
import pytest

from bot.settings import Settings
from index.embedding import (
    FALLBACK_MODEL_NAME,
    SentenceTransformerEmbedder,
    _default_prompts,
    load_embedder,
)
from index.news_index import NewsIndex
from index.store import collection_name
from tests.conftest import SEEDS


def test_real_model_embeds_normalised_vectors(real_embedder: SentenceTransformerEmbedder):
    vectors = real_embedder.embed_passages(["The summit was cancelled.", "Le sommet est annulé."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert real_embedder.notice is None


def test_related_sentences_score_higher_than_unrelated(real_embedder: SentenceTransformerEmbedder):
    query = real_embedder.embed_queries(["Why was the summit cancelled?"])[0]
    passages = real_embedder.embed_passages(
        ["The White House called off the summit with Putin.", "Gold prices rose on Friday."]
    )
    related, unrelated = passages @ query
    assert related > unrelated + 0.2


def test_unloadable_model_falls_back_loudly(tmp_path, caplog: pytest.LogCaptureFixture):
    settings = Settings(
        _env_file=None, data_dir=tmp_path, embedding_model="no-such-org/no-such-model"
    )
    with caplog.at_level(logging.WARNING, logger="index.embedding"):
        embedder = load_embedder(settings)

    assert embedder.name == FALLBACK_MODEL_NAME
    assert embedder.notice is not None
    warning = caplog.text
    assert "no-such-org/no-such-model" in warning
    assert "English-only" in warning and "reindex --full" in warning
    assert embedder.embed_queries(["hello"]).shape == (1, 384)


class _Config:
    def __init__(self, prompts):
        self.prompts = prompts


@pytest.mark.parametrize(
    ("name", "prompts", "expected"),
    [
        ("intfloat/multilingual-e5-small", {}, ("query: ", "passage: ")),
        ("intfloat/multilingual-e5-small", {"query": "", "document": ""}, ("query: ", "passage: ")),
        ("BAAI/bge-m3", {}, ("", "")),
        ("some/model", {"query": "Q: ", "document": "D: "}, ("Q: ", "D: ")),
        ("some/model", {"query": "Q: ", "passage": "P: "}, ("Q: ", "P: ")),
    ],
)
def test_prompts_come_from_the_model_or_known_families(name, prompts, expected):
    assert _default_prompts(name, _Config(prompts)) == expected


def test_two_models_never_share_a_collection(settings, real_embedder, fake_embedder):
    assert collection_name(real_embedder.identity) != collection_name(fake_embedder.identity)
    with NewsIndex.open(settings, writer=True, embedder=fake_embedder) as news:
        news.index_paths([SEEDS])
    with NewsIndex.open(settings, writer=True, embedder=real_embedder) as news:
        with pytest.raises(Exception, match="reindex --full"):
            news.ask("summit")
        report = news.embed_missing()
        assert report.changed == 2
        assert news.ask("Budapest summit Trump Putin").candidates
        assert news.stats().other_models == ["fake-hashing"]
