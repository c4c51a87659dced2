"""The first run's slow steps (model export, language statistics) show on stderr, one line
each, and never in `--json` output. A tiny random model of the e5 family (its name says so)
keeps the steps quick: exported to ONNX and given statistics on its first use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.common import STEP_LABELS
from index.embedding.bundled import bundled_model_dir
from tests.conftest import REPO, SEEDS


@pytest.fixture(scope="module")
def tiny_e5(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A 1-layer, 16-wide BERT with the bundled vocabulary, mean pooling and e5's prompts."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import AutoTokenizer, BertConfig, BertModel

    folder = tmp_path_factory.mktemp("models") / "tiny-e5"
    tokenizer = AutoTokenizer.from_pretrained(bundled_model_dir(model_cache))
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=514,
        pad_token_id=tokenizer.pad_token_id,
    )
    BertModel(config).save_pretrained(folder / "hf")
    tokenizer.save_pretrained(folder / "hf")
    model = SentenceTransformer(
        modules=[
            Transformer(str(folder / "hf"), max_seq_length=512),
            Pooling(16, "mean"),
            Normalize(),
        ],
        prompts={"query": "query: ", "passage": "passage: "},
        device="cpu",
    )
    model.save(str(folder))
    return folder


def newsbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)


def test_the_first_runs_steps_go_to_stderr_once_and_never_into_json(
    tiny_e5: Path, env_settings: Path, tmp_path: Path
):
    env = os.environ | {
        "NEWSBOT_EMBEDDING_MODEL": str(tiny_e5),
        "NEWSBOT_EMBEDDING_BACKEND": "onnx",
        "NEWSBOT_MODEL_CACHE_DIR": str(tmp_path / "first-cache"),
    }
    indexed = newsbot(env, "index", str(SEEDS))
    assert indexed.returncode == 0, indexed.stderr
    env["NEWSBOT_MODEL_CACHE_DIR"] = str(tmp_path / "another-cache")  # a first run again
    asked = newsbot(env, "ask", "Why was the Budapest summit dropped?", "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["question"]  # stdout: the one JSON object, nothing else
    for step in ("onnx-export", "language-statistics"):
        assert asked.stderr.count(STEP_LABELS[step]) == 1, asked.stderr
        assert STEP_LABELS[step] not in asked.stdout
    again = newsbot(env, "ask", "Why was the Budapest summit dropped?", "--json")
    assert not any(label in again.stderr for label in STEP_LABELS.values())  # done once
    assert json.loads(again.stdout)["question"]
