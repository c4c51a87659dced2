"""`newsbot eval` and the XQuAD-R bench on small slices, with the real offline model."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench import xquad_r
from bot.cli.main import app
from index.embedding.embedder import SentenceTransformerEmbedder
from tests.conftest import REPO, SEEDS

SHARED = REPO.parent / "shared" / "eval"
runner = CliRunner()


@pytest.fixture
def question_file(tmp_path: Path) -> Path:
    """Two answerable questions (one trivially lexical) and one with no answer."""
    rows = [
        {
            "id": "q1",
            "lang": "vi",
            "question": "khoảng 75% Donetsk",
            "relevant": [{"doc": "003_a43783d0b043d3ec.txt", "contains": "75% Donetsk"}],
        },
        {
            "id": "q2",
            "lang": "en",
            "question": "Budapest",
            "relevant": [{"doc": "nope.txt", "contains": "never"}],
        },
        {
            "id": "q3",
            "lang": "en",
            "question": "Who won the 2022 football World Cup?",
            "relevant": [],
        },
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_eval_scores_a_hand_made_set(env_settings, question_file: Path):
    assert runner.invoke(app, ["index", str(SEEDS)]).exit_code == 0
    result = runner.invoke(app, ["eval", str(question_file), "--json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    assert groups["all"]["questions"] == 3 and groups["all"]["answerable"] == 2
    assert groups["vi"]["hit_at_1"] == 1.0  # q1 is found first
    assert groups["all"]["hit_at_k"] == 0.5  # q2 can never be found
    assert groups["en"]["refused_when_unanswerable"] == 1.0
    assert groups["vi"]["refused_when_unanswerable"] is None


def test_eval_runs_the_vendored_seed_questions(env_settings):
    assert runner.invoke(app, ["index", str(SEEDS)]).exit_code == 0
    result = runner.invoke(app, ["eval", str(REPO / "bench" / "data" / "seed_questions.jsonl")])
    assert result.exit_code == 0, result.output
    assert "MRR@10" in result.stdout and "vi" in result.stdout


def test_eval_rejects_a_bad_question_file(env_settings, tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl:1" in result.stderr


def test_xquad_slice_metrics(real_embedder: SentenceTransformerEmbedder):
    pool = xquad_r.load_pool(SHARED / "xquad-r", ["en", "vi"], limit=100)
    assert len(pool.questions) == 200
    # Parallel data: every question has its answer sentence in both languages.
    assert all((q.qid, lang) in pool.answers for q in pool.questions for lang in ("en", "vi"))
    vectors = xquad_r.embed(pool, real_embedder)
    table = xquad_r.evaluate(
        xquad_r.Retriever(pool, vectors["centred"]), ["en", "vi"], list(xquad_r.MODES)
    )
    raw = xquad_r.evaluate(xquad_r.Retriever(pool, vectors["raw"]), ["en", "vi"], ["dense"])
    # Centring on the language is what makes the pooled (language-agnostic) ranking work.
    assert table["mAP@20 (pooled)"]["dense"] > raw["mAP@20 (pooled)"]["dense"] + 0.05
    assert set(table) == {"mAP@20 (pooled)", "R@5 en→en", "R@5 en→vi", "R@5 vi→en", "R@5 vi→vi"}
    for row in table.values():
        assert set(row) == set(xquad_r.MODES)
        assert all(0.0 <= v <= 1.0 for v in row.values())
    # Same-language English retrieval is easy for any model.
    assert table["R@5 en→en"]["dense"] > 0.8
    printed = xquad_r.format_table(table, list(xquad_r.MODES))
    assert printed.splitlines()[0].split() == ["metric", *xquad_r.MODES]
