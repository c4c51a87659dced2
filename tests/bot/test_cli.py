"""The `newsbot` command line as a user types it: index, ask, --json, stats, bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import REPO, SEEDS

runner = CliRunner()
QUESTION = "Why was the Budapest summit dropped?"


def newsbot(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def indexed(env_settings: Path) -> Path:
    result = newsbot("index", str(SEEDS))
    assert result.exit_code == 0, result.output
    return env_settings


def test_index_prints_a_summary(env_settings: Path):
    result = newsbot("index", str(SEEDS))
    assert result.exit_code == 0
    assert "2 new, 0 changed, 0 unchanged" in result.stdout


def test_ask_prints_cited_passages(indexed: Path):
    result = newsbot("ask", QUESTION)
    assert result.exit_code == 0, result.output
    assert "VTC News" in result.stdout and "2025-10-22" in result.stdout
    assert "lang: vi" in " ".join(result.stdout.split())  # rich wraps at the terminal width
    assert "score" in result.stdout


def test_ask_json_has_the_stable_shape(indexed: Path):
    result = newsbot("ask", "--json", "--k", "3", QUESTION)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) >= {"question", "hits", "answered"}
    assert payload["question"] == QUESTION
    assert payload["answered"] is True
    assert 1 <= len(payload["hits"]) <= 3
    for hit in payload["hits"]:
        assert set(hit) >= {
            "article_id",
            "title",
            "source",
            "url",
            "published",
            "lang",
            "score",
            "text",
            "best_sentence",
        }
        assert hit["best_sentence"] in hit["text"]
    scores = [h["score"] for h in payload["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_unanswerable_question_says_nothing_relevant(indexed: Path):
    result = newsbot("ask", "--json", "Who won the 2022 football World Cup?")
    assert json.loads(result.stdout) == {
        "question": "Who won the 2022 football World Cup?",
        "answered": False,
        "hits": [],
    }
    assert "Nothing relevant found" in newsbot("ask", "Who won the 2022 football World Cup?").stdout


def test_stats_reports_what_is_indexed(indexed: Path):
    facts = json.loads(newsbot("stats", "--json").stdout)
    assert facts["articles"] == 2 and facts["passages"] > 2
    assert facts["languages"] == {"hi": 1, "vi": 1} or set(facts["languages"]) == {"hi", "vi"}
    assert "VTC News" in facts["sources"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "question is empty"),
        (["ask", "   "], "question is empty"),
        (["ask", "x" * 10_000], "10,000 characters"),
        (["index", "/no/such/folder"], "no such file or folder"),
    ],
)
def test_bad_input_is_a_clear_error_with_nonzero_exit(indexed: Path, args, message):
    before = json.loads(newsbot("stats", "--json").stdout)
    result = newsbot(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(newsbot("stats", "--json").stdout) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (bytes(range(128, 256)) * 50, "encoding")],
)
def test_unreadable_file_fails_alone(indexed: Path, tmp_path: Path, content: bytes, message: str):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = newsbot("index", str(bad), str(SEEDS))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "0 new, 0 changed, 2 unchanged, 0 duplicate, 1 failed" in result.stdout


def test_index_persists_across_process_restart(env_settings: Path):
    """Index in one process, ask in another: what was written is on disk."""
    command = [sys.executable, "-m", "bot.cli"]
    indexing = subprocess.run(
        [*command, "index", str(SEEDS)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert indexing.returncode == 0, indexing.stderr
    asking = subprocess.run(
        [*command, "ask", "--json", QUESTION], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert asking.returncode == 0, asking.stderr
    payload = json.loads(asking.stdout)
    assert payload["answered"] and payload["hits"][0]["lang"] in {"hi", "vi"}


def test_second_writer_is_refused_and_nothing_changes(indexed: Path):
    from index.writer_lock import WriterLock

    with WriterLock(indexed, purpose="newsbot run"):
        result = newsbot("index", str(SEEDS))
    assert result.exit_code == 1
    assert "another newsbot process is writing" in result.stderr
    assert "newsbot run" in result.stderr
