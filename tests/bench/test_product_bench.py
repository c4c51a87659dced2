"""bench.product scores what a reader is shown: the fast deterministic embedder on the seeds
and one NTREX document (the figures' arithmetic; the real model's figures are the bench's)."""

import json

import pytest

from bench import product
from bench.product import run
from bench.product_corpus import Question, Relevant, ntrex_articles, seed_articles
from tests.fakes import HashingEmbedder

HI, VI = "000_bcae2b8bd87c75f4.txt", "003_a43783d0b043d3ec.txt"
SEEDS = frozenset({HI, VI})


@pytest.fixture(scope="module")
def result() -> dict:
    macedonia = "rus-rt.com.91337.txt"
    articles = seed_articles() | {macedonia: ntrex_articles()[macedonia]}
    questions = [
        Question(
            "vi-1", "vi", "Moskva từ chối xem xét nhượng bộ đã làm đình trệ quá trình chuẩn bị",
            "test", SEEDS, (Relevant(VI, "Moskva từ chối xem xét nhượng bộ"),),
        ),
        Question("en-1", "en", "qqqq zzzz xxxx wwww", "test", frozenset(), ()),
        Question(
            "ru-1", "ru", "Республику Северная Македония", "dev",
            frozenset({"rt.com.91337", "reuters.218932"}),
            (Relevant(macedonia, "no such text in that document"),),
        ),
    ]  # fmt: skip
    return run(questions, "all", articles, HashingEmbedder())


def test_a_question_whose_passage_is_shown_first_is_a_hit(result: dict):
    vi = result["splits"]["test"]["vi"]
    assert vi["passage_hit@1"] == vi["article_hit@1"] == 1.0
    assert 0 < vi["precision"] <= 1.0  # the other seed and Macedonia may follow


def test_a_near_miss_that_shows_nothing_is_refused(result: dict):
    en = result["splits"]["test"]["en"]
    assert en["near_miss_outcomes"] == {"shown": 0, "nearest": 0, "nothing": 1}
    assert en["answer_or_refuse"] == 1.0 and en["passage_hit@1"] is None


def test_the_article_can_be_on_the_story_while_no_passage_is_relevant(result: dict):
    ru = result["splits"]["dev"]["ru"]
    assert ru["article_hit@1"] == 1.0 and ru["passage_hit@5"] == 0.0


def test_a_span_no_indexed_passage_holds_is_reported(result: dict):
    assert [s.split(":")[0] for s in result["unmatched_spans"]] == ["ru-1"]


def test_splits_and_timings_are_reported(result: dict):
    assert set(result["splits"]) == {"dev", "test", "all"}
    assert result["splits"]["all"]["all"]["questions"] == 3
    assert result["articles"] == 3 and result["indexed"] == {"new": 3, "failed": 0}
    assert result["latency_ms"]["p95"] >= result["latency_ms"]["p50"] > 0


def test_the_command_prints_a_table_per_split_or_json(
    result: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr(product, "run", lambda questions, split, data_dir=None: result)
    product.main(["--split", "all", "--verbose"])
    out = capsys.readouterr().out
    assert "dev split:" in out and "test split:" in out and "p95" in out
    assert "warning: no indexed passage holds the span ru-1" in out
    assert "vi-1    shown" in out or "vi-1    nearest" in out
    product.main(["--json"])
    assert json.loads(capsys.readouterr().out)["splits"] == result["splits"]
