"""The variables stay flat; each component gets its own group of them."""

import pytest

from bot.settings import Settings


def test_each_group_holds_its_variables(monkeypatch: pytest.MonkeyPatch, tmp_path):
    for name, value in {
        "DATA_DIR": str(tmp_path),
        "EMBEDDING_MODEL": "bundled",
        "EMBEDDING_BACKEND": "torch",
        "RERANKER_MODEL": "/models/xenc",
        "RERANK_CANDIDATES": "7",
        "INDEX_BATCH_SIZE": "4",
        "CHUNK_OVERLAP_SENTENCES": "2",
        "CHROMA_URL": "http://127.0.0.1:8000",
        "FETCH_TIMEOUT_SECONDS": "3",
        "LLM_PASSAGES": "2",
    }.items():
        monkeypatch.setenv(f"NEWSBOT_{name}", value)
    settings = Settings(_env_file=None)

    assert (settings.embedding.model, settings.embedding.backend) == ("bundled", "torch")
    assert (settings.reranking.model, settings.reranking.candidates) == ("/models/xenc", 7)
    assert (settings.indexing.batch_size, settings.indexing.overlap_sentences) == (4, 2)
    assert settings.storage.chroma_url == "http://127.0.0.1:8000"
    assert settings.storage.chroma_path == tmp_path / "chroma"
    assert settings.fetching.timeout_seconds == 3.0
    assert settings.writing.passages == 2
    with pytest.raises(ValueError):  # a group is read-only, like the settings
        settings.indexing.batch_size = 8  # type: ignore[misc]
