"""The ONNX backends against torch, with the real bundled model: same vectors, same rankings,
one export beside the model shared by every load, rebuilt when damaged."""

import logging
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bot.settings import Settings
from index.embedding.embedder import (
    SentenceTransformerEmbedder,
    _load_cached,
    backend_runner,
    load_embedder,
)
from index.embedding.onnx_backend import onnx_runner
from index.embedding.onnx_embedder import OnnxEmbedder

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


def embedder(settings: Settings, backend: str) -> SentenceTransformerEmbedder | OnnxEmbedder:
    return load_embedder(settings.model_copy(update={"embedding_backend": backend}).embedding)


@pytest.fixture(scope="module")
def shared_settings(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Settings:
    data = tmp_path_factory.mktemp("onnx") / "data"
    return Settings(
        _env_file=None, data_dir=data, embedding_model="bundled", model_cache_dir=model_cache
    )


def top5(model: SentenceTransformerEmbedder | OnnxEmbedder) -> list[set[int]]:
    scores = model.embed_queries(QUESTIONS) @ model.embed_passages(SENTENCES).T
    return [set(np.argsort(-row)[:5].tolist()) for row in scores]


def exports(cache: Path) -> dict[str, tuple[int, int]]:
    """Each exported graph in the model cache: (inode, mtime), to see what was rebuilt."""
    return {
        f.parent.name: (f.stat().st_ino, f.stat().st_mtime_ns)
        for f in cache.glob("onnx-*/model.onnx")
    }


def test_the_bundled_model_runs_on_onnx_by_default_and_torch_when_asked(
    shared_settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    assert load_embedder(shared_settings.embedding).backend == "onnx"
    monkeypatch.setenv("NEWSBOT_EMBEDDING_BACKEND", "torch")
    from_env = Settings(_env_file=None, embedding_model="bundled")
    assert load_embedder(from_env.embedding).backend == "torch"


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


def test_the_export_is_built_once_beside_the_model_and_reused(
    shared_settings: Settings, model_cache: Path
):
    embedder(shared_settings, "onnx-int8")
    built = exports(model_cache)
    assert len(built) == 2 and sum(name.endswith("-int8") for name in built) == 1
    assert not (shared_settings.data_dir / "onnx").exists()  # nothing per data dir
    _load_cached.cache_clear()  # a new process, as far as loading goes
    other_data_dir = shared_settings.model_copy(update={"data_dir": model_cache / "elsewhere"})
    assert embedder(other_data_dir, "onnx-int8").backend == "onnx-int8"
    assert embedder(other_data_dir, "onnx").backend == "onnx"
    assert exports(model_cache) == built
    assert not list(model_cache.glob(".building-onnx-*"))


def test_a_damaged_export_is_rebuilt_and_an_abandoned_one_removed(
    shared_settings: Settings, model_cache: Path, tmp_path: Path
):
    model = embedder(shared_settings, "onnx-int8")
    cache = tmp_path / "cache"
    cache.mkdir()
    for folder in model_cache.glob("onnx-*"):
        shutil.copytree(folder, cache / folder.name)
    before = exports(cache)
    (int8,) = [name for name in before if name.endswith("-int8")]
    graph = cache / int8 / "model.onnx"
    graph.write_bytes(graph.read_bytes()[: graph.stat().st_size // 2])  # a torn write
    abandoned = cache / f".building-onnx-{_pid_of_finished()}-x"  # a crash mid-export
    abandoned.mkdir()
    torch_model = embedder(shared_settings, "torch")
    runner = onnx_runner(torch_model._model, model.name, cache, quantized=True)
    after = exports(cache)
    assert after[int8] != before[int8]  # rebuilt
    assert {k: v for k, v in after.items() if k != int8} == {
        k: v for k, v in before.items() if k != int8
    }  # the intact fp32 graph reused
    assert runner.encode(SENTENCES[:2]).shape == (2, 384)
    assert not abandoned.exists()


def _pid_of_finished() -> int:
    """The pid of a process that has ended (a crashed exporter)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_failing_export_falls_back_to_torch_with_one_warning(
    shared_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    model = embedder(shared_settings, "torch")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="index.embedding.embedder"):
        assert backend_runner(model._model, model.name, "onnx", blocked / "cache") is None
    (record,) = [r for r in caplog.records if r.name == "index.embedding.embedder"]
    assert "the onnx backend failed" in record.getMessage() and "using torch" in record.getMessage()
