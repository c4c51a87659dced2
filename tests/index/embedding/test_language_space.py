"""The bundled model's language statistics ship with the package (index/data/
language_statistics.json): read without computing, checked by hash, equal to a fresh
computation on the real model (`python -m bench.language_stats --write` regenerates them)."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.embedding.embedder import SentenceTransformerEmbedder
from index.embedding.language_space import (
    SHIPPED_FILE,
    compute_language_space,
    load_language_space,
    read_shipped,
    shipped_key,
)
from index.embedding.onnx_embedder import OnnxEmbedder, vector_identity

# The shipped means are computed on torch (bench/language_stats.py); the default backend runs
# the ONNX export, whose vectors agree with torch's to a cosine of 0.999 or better per text
# (ONNX_MIN_AGREEMENT; 1.0000 measured for this model). Each mean averages 96 unit vectors, so
# its components stay within about 1e-3 of torch's; a changed model moves them by 1e-2 or more.
MEAN_TOLERANCE = 1e-3


def raw_identity(embedder: SentenceTransformerEmbedder | OnnxEmbedder) -> str:
    dimension = embedder.embed_queries(["x"]).shape[1]
    return vector_identity(embedder.name, embedder.passage_prompt, dimension, "onnx", None)


def refuse(texts: object) -> np.ndarray:
    raise AssertionError("the shipped statistics must not be computed again")


def test_the_bundled_models_statistics_are_shipped_and_not_computed(
    real_embedder: SentenceTransformerEmbedder | OnnxEmbedder, tmp_path: Path
):
    identity = raw_identity(real_embedder)
    space = load_language_space(identity, refuse, refuse, tmp_path)
    assert real_embedder.space is not None and space.tag == real_embedder.space.tag
    assert np.array_equal(space.passage_means, real_embedder.space.passage_means)
    assert not list(tmp_path.iterdir())  # nothing cached: nothing computed


def test_damaged_shipped_statistics_are_not_used(
    real_embedder: SentenceTransformerEmbedder | OnnxEmbedder, tmp_path: Path
):
    key = shipped_key(raw_identity(real_embedder))
    damaged = tmp_path / SHIPPED_FILE.name
    shipped = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    shipped["query_means"][0][0] += 0.01
    damaged.write_text(json.dumps(shipped), encoding="utf-8")
    assert read_shipped(key, damaged) is None
    shutil.copyfile(SHIPPED_FILE, damaged)
    assert read_shipped(key, damaged) is not None
    assert read_shipped(shipped_key("another model|passage: |384"), damaged) is None


@pytest.mark.parametrize("kind", ["passage_means", "query_means"])
def test_the_shipped_statistics_match_a_fresh_computation_on_the_real_model(
    real_embedder: SentenceTransformerEmbedder | OnnxEmbedder, kind: str, fresh_space: dict
):
    shipped = read_shipped(shipped_key(raw_identity(real_embedder)))
    assert shipped is not None, (
        "no statistics for this model: python -m bench.language_stats --write"
    )
    assert shipped.langs == fresh_space["langs"]
    difference = np.abs(getattr(shipped, kind) - fresh_space[kind]).max()
    assert difference <= MEAN_TOLERANCE


@pytest.fixture(scope="module")
def fresh_space(real_embedder: SentenceTransformerEmbedder | OnnxEmbedder) -> dict:
    space = compute_language_space(
        raw_identity(real_embedder), real_embedder.raw_passages, real_embedder.raw_queries
    )
    return {
        "langs": space.langs,
        "passage_means": space.passage_means,
        "query_means": space.query_means,
    }
