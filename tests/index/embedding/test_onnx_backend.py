"""The ONNX backends against torch, with the real bundled model: same vectors, same rankings."""

from pathlib import Path

import numpy as np
import pytest

from bot.settings import Settings
from index.embedding.embedder import SentenceTransformerEmbedder, load_embedder

SENTENCES = [
    "The Budapest summit between Trump and Putin was dropped.",
    "व्हाइट हाउस ने कहा कि ट्रम्प और पुतिन की मुलाकात की कोई योजना नहीं है।",
    "Giá vàng hôm nay tăng mạnh.",
    "Gold prices climbed for a third day as investors looked for safety.",
    "Heavy monsoon rains flooded villages along the southern coast overnight.",
    "The central bank kept interest rates unchanged this month.",
    "Rescue teams moved thousands of people to schools on higher ground.",
    "Foreign ministers could not agree on an agenda for the meeting.",
    "Farmers protested in the capital and blocked roads with tractors.",
    "A new stadium opened downtown and fans queued for hours.",
]
QUESTIONS = ["Why was the summit cancelled?", "price of gold", "floods on the coast"]


def embedder(settings: Settings, backend: str) -> SentenceTransformerEmbedder:
    return load_embedder(settings.model_copy(update={"embedding_backend": backend}))


@pytest.fixture(scope="module")
def shared_settings(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Settings:
    data = tmp_path_factory.mktemp("onnx") / "data"
    return Settings(
        _env_file=None, data_dir=data, embedding_model="bundled", model_cache_dir=model_cache
    )


def top5(model: SentenceTransformerEmbedder) -> list[set[int]]:
    scores = model.embed_queries(QUESTIONS) @ model.embed_passages(SENTENCES).T
    return [set(np.argsort(-row)[:5].tolist()) for row in scores]


def test_onnx_gives_torchs_vectors_and_shares_its_index(shared_settings: Settings):
    torch_model, onnx_model = embedder(shared_settings, "torch"), embedder(shared_settings, "onnx")
    assert onnx_model.backend == "onnx"
    cosines = np.sum(
        torch_model.embed_passages(SENTENCES) * onnx_model.embed_passages(SENTENCES), 1
    )
    assert cosines.min() > 0.999
    assert onnx_model.identity == torch_model.identity


def test_int8_stays_close_and_ranks_alike_in_its_own_index(shared_settings: Settings):
    torch_model, int8 = embedder(shared_settings, "torch"), embedder(shared_settings, "onnx-int8")
    assert int8.backend == "onnx-int8"
    cosines = np.sum(torch_model.embed_passages(SENTENCES) * int8.embed_passages(SENTENCES), 1)
    assert cosines.min() > 0.95
    agreement = [len(a & b) for a, b in zip(top5(torch_model), top5(int8), strict=True)]
    assert min(agreement) >= 4
    assert int8.identity != torch_model.identity  # different vectors, different collection


def test_the_export_happens_once_and_is_reused(shared_settings: Settings):
    embedder(shared_settings, "onnx-int8")
    files = sorted((shared_settings.data_dir / "onnx").rglob("*.onnx"))
    assert [f.name for f in files] == ["model-int8.onnx", "model.onnx"]
    stamps = [f.stat().st_mtime_ns for f in files]
    from index.embedding.embedder import _load_cached

    _load_cached.cache_clear()  # a new process, as far as loading goes
    again = embedder(shared_settings, "onnx-int8")
    assert again.backend == "onnx-int8"
    assert [f.stat().st_mtime_ns for f in files] == stamps
    assert not list(Path(shared_settings.data_dir / "onnx").rglob("*.partial"))
