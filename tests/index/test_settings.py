"""The variables stay flat; each component gets its own group of them."""

from typing import get_type_hints

import pytest
from pydantic import BaseModel

from bot.settings import Settings
from index.settings import IndexSettings


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


def groups() -> dict[str, type[BaseModel]]:
    """Every group of settings (the core's and the bot's): property name -> its model."""
    found = {}
    for name, member in [*vars(IndexSettings).items(), *vars(Settings).items()]:
        if isinstance(member, property) and member.fget is not None:
            returned = get_type_hints(member.fget).get("return")
            if isinstance(returned, type) and issubclass(returned, BaseModel):
                found[name] = returned
    return found


def test_each_setting_has_one_default_on_its_flat_variable():
    """A group is made from the flat variables and has no default of its own, so no default
    is written twice (one had drifted: the user agent)."""
    found = groups()
    assert {"fetching", "embedding", "writing", "questions", "chats", "delivery"} <= set(found)
    with_defaults = {
        f"{group.__name__}.{field}"
        for group in found.values()
        for field, info in group.model_fields.items()
        if not info.is_required()
    }
    assert with_defaults == set()
    settings = Settings(_env_file=None)
    for name in found:  # each group builds from the defaults alone
        getattr(settings, name)
    assert settings.fetching.user_agent == settings.user_agent
