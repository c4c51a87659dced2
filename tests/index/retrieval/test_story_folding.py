"""One story, one entry: republished and retold articles fold into the best-ranked one."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.cli.answer_text import answer_json
from bot.settings import Settings
from index.embedding.embedder import SentenceTransformerEmbedder
from index.models import Passage
from index.news_index import NewsIndex
from index.retrieval.story_folding import fold_stories
from index.store.vectors import StoredPassage
from tests.conftest import HINDI_SEED, VIETNAMESE_SEED


def _candidate(article_id: str, seq: int) -> StoredPassage:
    passage = Passage(id=f"{article_id}:{seq}", article_id=article_id, seq=seq, text="t")
    return StoredPassage(passage, "en", 0.5)


def test_articles_alike_fold_into_the_best_ranked_one():
    unit = {"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [0.995, 0.0998]}
    vectors = {k: np.asarray(v, dtype=np.float32) for k, v in unit.items()}

    def lookup(ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {i: vectors[i] for i in ids if i in vectors}

    ranked = [_candidate("a", 0), _candidate("c", 0), _candidate("b", 0), _candidate("a", 1)]
    folded = fold_stories(ranked + [_candidate("unknown", 0)], lookup, 0.99)
    assert [c.passage.id for c in folded.candidates] == ["a:0", "b:0", "a:1", "unknown:0"]
    assert folded.siblings == {"a": ["c"]}
    assert fold_stories(ranked, lookup, 0.999).siblings == {}


def _republished(folder: Path) -> None:
    """The Vietnamese seed, and the same report republished by another outlet, lightly edited."""
    text = VIETNAMESE_SEED.read_text(encoding="utf-8")
    (folder / "vtc.txt").write_text(text, encoding="utf-8")
    copy = text.replace("(VTC News)", "(Báo Mới)").replace("Reuters dẫn lời", "Theo Reuters,")
    (folder / "baomoi.txt").write_text(copy, encoding="utf-8")
    (folder / "hindi.txt").write_text(HINDI_SEED.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_republished_report_is_one_hit_naming_its_sibling(
    settings: Settings, real_embedder: SentenceTransformerEmbedder, tmp_path: Path
):
    folder = tmp_path / "news"
    folder.mkdir()
    _republished(folder)
    with NewsIndex.open(settings, writer=True, embedder=real_embedder) as news:
        news.index_paths([folder])
        answer = news.ask("Donbas Luhansk Donetsk", k=5)
    assert answer.hits
    outlets = {h.article.outlet for h in answer.hits}
    assert len(outlets & {"VTC News", "Báo Mới"}) == 1, outlets
    top = answer.hits[0]
    assert [s.outlet for s in top.siblings] == list({"VTC News", "Báo Mới"} - outlets)
    assert all(s.lang == "vi" for h in answer.hits for s in h.siblings)  # Hindi stays apart
    assert answer_json(answer)["hits"][0]["siblings"][0]["source"] in {"VTC News", "Báo Mới"}


def test_folding_can_be_turned_off(
    settings: Settings, real_embedder: SentenceTransformerEmbedder, tmp_path: Path
):
    folder = tmp_path / "news"
    folder.mkdir()
    _republished(folder)
    unfolded = settings.model_copy(update={"fold_stories": False})
    with NewsIndex.open(unfolded, writer=True, embedder=real_embedder) as news:
        news.index_paths([folder])
        answer = news.ask("Donbas Luhansk Donetsk", k=5)
    assert answer.hits
    assert not any(h.siblings for h in answer.hits)
    assert {"VTC News", "Báo Mới"} <= {h.article.outlet for h in answer.hits}
