"""The light query path (index/embedding/onnx_embedder.py): after one load and export with
sentence-transformers, a model on its ONNX backend answers with the graph and the `tokenizers`
file alone, with the same tokens and vectors and the same vector space."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.root import open_core
from bot.settings import Settings
from index.embedding.bundled import BUNDLED, bundled_model_dir
from index.embedding.embedder import SentenceTransformerEmbedder, _load_cached, load_embedder
from index.embedding.onnx_embedder import LightTokenizer, OnnxEmbedder, _recipe_path
from tests.conftest import REPO, SEEDS

HEAVY = ("torch", "transformers", "sentence_transformers")
TEXTS = [
    "Why was the Budapest summit between Trump and Putin dropped?",
    "व्हाइट हाउस ने कहा कि ट्रम्प और पुतिन की मुलाकात की कोई योजना नहीं है।",
    "Giá vàng hôm nay tăng mạnh.",
    "tabs\tnew\nlines,  double  spaces, ﬁ ligature, ＦＵＬＬ width",
    "Heavy monsoon rains flooded villages along the southern coast overnight. " * 80,  # > 512
]


@pytest.fixture(scope="module")
def heavy(model_cache: Path) -> SentenceTransformerEmbedder:
    """The bundled model on onnx, loaded with sentence-transformers (it leaves the recipe)."""
    embedder = _load_cached(BUNDLED, "cpu", None, None, 160, "onnx", model_cache, light=False)
    assert isinstance(embedder, SentenceTransformerEmbedder) and embedder.backend == "onnx"
    return embedder


def test_after_one_load_the_default_backend_opens_without_sentence_transformers(
    heavy: SentenceTransformerEmbedder, model_cache: Path
):
    light = _load_cached(BUNDLED, "cpu", None, None, 160, "onnx", model_cache)
    assert isinstance(light, OnnxEmbedder)
    assert light.identity == heavy.identity  # one vector space, one collection
    assert light.passage_token_budget == heavy.passage_token_budget
    assert [light.count_tokens(t) for t in TEXTS] == [heavy.count_tokens(t) for t in TEXTS]
    cosines = np.sum(light.embed_passages(TEXTS) * heavy.embed_passages(TEXTS), axis=1)
    assert cosines.min() >= 0.9999
    cosines = np.sum(light.embed_queries(TEXTS) * heavy.embed_queries(TEXTS), axis=1)
    assert cosines.min() >= 0.9999


def test_the_tokenizers_file_gives_the_model_tokenizers_tokens_cut_at_its_length(
    heavy: SentenceTransformerEmbedder, model_cache: Path
):
    model = heavy._model
    assert model.max_seq_length is not None
    light = LightTokenizer(
        bundled_model_dir(model_cache) / "tokenizer.json",
        model.max_seq_length,
        model.tokenizer.pad_token_id,
        model.tokenizer.pad_token,
    )
    theirs = model.tokenizer(
        TEXTS, padding=True, truncation=True, max_length=model.max_seq_length, return_tensors="np"
    )
    ours = light(TEXTS)
    assert ours["input_ids"].shape[1] == model.max_seq_length  # the long text was cut
    for name in theirs:
        assert np.array_equal(theirs[name], ours[name]), name


def test_batched_by_length_each_text_gets_the_vector_it_gets_alone(model_cache: Path):
    """Texts of several scripts and lengths (one past 512 tokens), run two at a time in order
    of their token counts: each row is still its own text's vector."""
    light = _load_cached(BUNDLED, "cpu", None, None, 160, "onnx", model_cache)
    assert isinstance(light, OnnxEmbedder)
    texts = [*TEXTS, *reversed(TEXTS)]
    batched = light._runner.encode(texts, batch_size=2)
    alone = np.concatenate([light._runner.encode([text]) for text in texts])
    assert np.sum(batched * alone, axis=1).min() >= 0.9999


def test_a_changed_model_folder_finds_no_recipe(tmp_path: Path):
    """The recipe is keyed by the folder's files: a model rebuilt in place never reuses it."""
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "1_Pooling" / "config.json").write_text("{}")
    before = _recipe_path(tmp_path, folder, "onnx")
    assert _recipe_path(tmp_path, folder, "onnx") == before
    assert _recipe_path(tmp_path, folder, "onnx-int8") != before
    (folder / "1_Pooling" / "config.json").write_text('{"pooling": "cls"}')
    assert _recipe_path(tmp_path, folder, "onnx") != before


def test_answering_on_the_default_backend_imports_neither_torch_nor_transformers(
    heavy: SentenceTransformerEmbedder, settings: Settings, env_settings: Path
):
    with open_core(settings, lock=True, embedder=heavy) as news:
        news.index_paths([SEEDS])
    probe = (
        "import json, sys\n"
        "from bot.cli.main import main\n"
        "sys.argv = ['newsbot', 'ask', 'Why was the Budapest summit dropped?', '--json']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "from bot.settings import Settings\n"
        "from index.embedding.embedder import load_embedder\n"
        f"vectors = load_embedder(Settings().embedding).embed_queries({TEXTS!r})\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'heavy': heavy, 'vectors': vectors.tolist()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=os.environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer_line, probe_line = done.stdout.strip().splitlines()
    assert json.loads(answer_line)["hits"]
    result = json.loads(probe_line)
    assert result["heavy"] == []
    cosines = np.sum(np.array(result["vectors"]) * heavy.embed_queries(TEXTS), axis=1)
    assert cosines.min() >= 0.9999
    assert load_embedder(settings.embedding).identity == heavy.identity
