"""Centring on a language's mean: near labels, and means estimated from the index itself."""

import numpy as np
import pytest

from index.embedding.language_space import LanguageSpace, _normalise, canonical_language

DIM = 16


def _space() -> LanguageSpace:
    rng = np.random.default_rng(0)
    passages = rng.normal(size=(2, DIM)).astype(np.float32)
    return LanguageSpace(("de", "zh"), passages, passages + 0.5, "test")


def _passages(centre: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (centre + rng.normal(scale=0.1, size=(count, DIM))).astype(np.float32)


@pytest.mark.parametrize(
    ("label", "lang"), [("wuu", "zh"), ("yue", "zh"), ("zh", "zh"), ("ta", "ta")]
)
def test_a_near_label_is_read_as_its_language(label: str, lang: str):
    assert canonical_language(label) == lang


def test_chinese_labelled_wuu_is_centred_on_the_chinese_mean():
    space = _space()
    vectors = _passages(np.ones(DIM), 3)
    assert np.allclose(
        space.centre_passages(vectors, ["wuu"] * 3), space.centre_passages(vectors, ["zh"] * 3)
    )
    assert not np.allclose(
        space.centre_passages(vectors, ["ta"] * 3), space.centre_passages(vectors, ["zh"] * 3)
    )


def test_a_language_with_enough_passages_is_centred_on_its_own_mean():
    space = _space()
    tamil = _passages(np.full(DIM, 3.0), 50)
    estimated = space.with_estimated_means(tamil, ["ta"] * 50, min_passages=40)
    assert estimated.langs == ("de", "zh", "ta")
    expected = _normalise(tamil - tamil.mean(axis=0))
    assert np.allclose(estimated.centre_passages(tamil, ["ta"] * 50), expected, atol=1e-5)
    # questions stay centred on the background's question means (measured better)
    question = tamil.mean(axis=0, keepdims=True) + 0.5
    assert np.allclose(estimated.centre_queries(question), space.centre_queries(question))


def test_too_few_passages_keep_the_mean_of_the_background_means():
    space = _space()
    tamil = _passages(np.full(DIM, 3.0), 10)
    assert space.with_estimated_means(tamil, ["ta"] * 10, min_passages=40) is space
    fallback = _normalise(tamil - space.passage_means.mean(axis=0))
    assert np.allclose(space.centre_passages(tamil, ["ta"] * 10), fallback, atol=1e-5)


def test_estimates_never_replace_a_background_mean_nor_change_the_fallback():
    space = _space()
    vectors = np.concatenate([_passages(np.full(DIM, 3.0), 50), _passages(np.full(DIM, -2.0), 50)])
    langs = ["ta"] * 50 + ["wuu"] * 50  # "wuu" is Chinese, which has a background mean
    estimated = space.with_estimated_means(vectors, langs, min_passages=40)
    assert estimated.langs == ("de", "zh", "ta")
    assert np.allclose(estimated.passage_means[:2], space.passage_means)
    other = _passages(np.zeros(DIM), 2)
    assert np.allclose(
        estimated.centre_passages(other, ["sw", "sw"]), space.centre_passages(other, ["sw", "sw"])
    )


@pytest.mark.parametrize("lang", ["de", "ta"])  # its own mean, and the fallback
def test_raw_vectors_come_back_from_centred_ones(lang: str):
    space = _space()
    rng = np.random.default_rng(3)
    raw = _normalise(rng.normal(size=(20, DIM)) + space.passage_means.mean(axis=0))
    space = LanguageSpace(
        space.langs, _normalise(space.passage_means) * 0.6, space.query_means, "t"
    )
    back = space.raw_passages(space.centre_passages(raw, [lang] * 20), [lang] * 20)
    assert np.allclose(back, raw, atol=1e-5)


def test_the_real_models_raw_vectors_come_back_from_centred_ones(real_embedder):
    space = real_embedder.space
    texts = ["Il governo ha firmato l'accordo.", "Die Regierung unterzeichnete.", "Hello there"]
    langs = ["it", "de", "en"]
    raw = real_embedder.raw_passages(texts)
    back = space.raw_passages(space.centre_passages(raw, langs), langs)
    assert np.allclose(back, raw, atol=1e-4)
