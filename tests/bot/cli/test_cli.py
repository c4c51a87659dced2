"""The `newsbot` command line as a user types it: index, ask, --json, stats, bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.conftest import REPO, SEEDS
from tests.news_server import Route, rss

runner = CliRunner()
QUESTION = "Why was the Budapest summit dropped?"


def newsbot(*args: str):
    return runner.invoke(app, list(args))


def test_index_prints_a_summary(env_settings: Path):
    result = newsbot("index", str(SEEDS))
    assert result.exit_code == 0
    assert "2 new, 0 changed, 0 unchanged" in result.stdout


def test_index_of_a_degenerate_file_reports_the_bound(
    env_settings: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("NEWSBOT_MAX_PASSAGES_PER_ARTICLE", "30")
    word = tmp_path / "word.txt"
    word.write_text("word " * 200_000, encoding="utf-8")  # 1 MB of one word
    result = newsbot("index", str(word))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "1 new" in out and "1 passages embedded" in out
    assert "1 article(s) cut at 30 passages (NEWSBOT_MAX_PASSAGES_PER_ARTICLE)" in out
    assert "29 repeated passages stored once" in out
    assert json.loads(newsbot("stats", "--json").stdout)["passages"] == 1


def test_ask_prints_cited_passages(indexed: Path):
    result = newsbot("ask", QUESTION)
    assert result.exit_code == 0, result.output
    assert "VTC News" in result.stdout and "22 Oct 2025" in result.stdout
    assert str(SEEDS) not in result.stdout  # a local file is named by its file name
    assert "lang: vi" in " ".join(result.stdout.split())  # rich wraps at the terminal width
    assert "score" in result.stdout


def test_ask_json_has_the_stable_shape(indexed: Path):
    result = newsbot("ask", "--json", "--k", "3", QUESTION)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) >= {"question", "hits", "answered"}
    assert payload["question"] == QUESTION
    assert payload["answered"] in (True, False) and payload["hits"]
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
    stories = [h["story"] for h in payload["hits"]]  # story by story, the best first
    assert stories == sorted(stories) and stories[0] == 1
    assert isinstance(payload["answer_score"], float)
    articles = payload["articles"]  # the same passages, one block per story, as the bot shows
    assert len({a["article_id"] for a in articles}) == len(articles) == len(set(stories))
    cited = {a["article_id"] for a in articles}
    for article in articles:
        assert 1 <= len(article["passages"]) <= 2 and article["weak"] in (True, False)
        cited |= {s["article_id"] for s in article["siblings"]}
        for passage in article["passages"]:
            assert passage["best_sentence"] in passage["text"]
            assert len(passage["snippet"]) <= 320
            cited.add(passage["article"]["article_id"])  # each passage cites its own article
    assert {h["article_id"] for h in payload["hits"]} <= cited


def test_unanswerable_question_says_nothing_relevant(indexed: Path):
    result = newsbot("ask", "--json", "Who won the 2022 football World Cup?")
    assert json.loads(result.stdout) == {
        "question": "Who won the 2022 football World Cup?",
        "answered": False,
        "answer_score": 0.0,
        "hits": [],
        "articles": [],
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
    command = [sys.executable, "-m", "bot.cli.main"]
    indexing = subprocess.run(
        [*command, "index", str(SEEDS)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert indexing.returncode == 0, indexing.stderr
    asking = subprocess.run(
        [*command, "ask", "--json", QUESTION], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert asking.returncode == 0, asking.stderr
    payload = json.loads(asking.stdout)
    assert payload["hits"] and payload["hits"][0]["lang"] in {"hi", "vi"}
    assert "DEBUG" not in asking.stderr  # bm25s sets its own logger to DEBUG at import


def test_second_writer_is_refused_and_nothing_changes(indexed: Path):
    from index.store.writer_lock import WriterLock

    with WriterLock(indexed, purpose="newsbot run"):
        result = newsbot("index", str(SEEDS))
    assert result.exit_code == 1
    assert "another newsbot process is writing" in result.stderr
    assert "newsbot run" in result.stderr


def test_ask_with_bytes_that_are_not_utf8_is_a_clear_error(env_settings: Path):
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    asking = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "ask", b"summit \xff\xfe"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert asking.returncode == 1
    assert "not valid UTF-8" in asking.stderr and "Traceback" not in asking.stderr


def test_outside_text_is_never_read_as_console_markup(env_settings: Path, tmp_path: Path, site):
    evil = "[/red] Evil [/] feed"
    site.routes["/evil.xml"] = Route(
        rss(evil, [("[bold]Budapest summit[/x] dropped", site.url("/news/summit"), "Summary.")]),
        content_type="application/rss+xml",
    )
    folder = tmp_path / "[/x] news"  # a folder "[" holding "x] news"
    (folder / "[").mkdir(parents=True)
    (folder / "good.txt").write_text("The Budapest summit was dropped on Tuesday, officials said.")
    (folder / "[/] empty.txt").write_text("")
    env = {"NEWSBOT_ALLOW_PRIVATE_URLS": "true"}

    added = runner.invoke(app, ["sources", "add", site.url("/evil.xml")], env=env)
    indexed = newsbot("index", str(folder))
    listed, stats = newsbot("sources", "list"), newsbot("stats")
    asked = newsbot("ask", "[/] Budapest summit [/red]")

    for result in (added, listed, stats, asked):
        assert result.exit_code == 0 and result.exception is None, result.output
    assert indexed.exit_code == 1 and isinstance(indexed.exception, SystemExit)
    assert "1 new" in indexed.stdout and "[/] empty.txt" in indexed.stderr
    assert evil in listed.stdout and "good.txt 1" in " ".join(stats.stdout.split())
    assert "[/] Budapest summit [/red]" in asked.stdout or "[bold]Budapest" in asked.stdout


@pytest.mark.parametrize(
    "args",
    [["ask", "q"], ["stats"], ["index", "x"], ["eval", "q.jsonl"], ["sources", "list"],
     ["subscriptions", "list"], ["check"], ["reindex"], ["run"]],
    ids=lambda args: "-".join(args[:2]),
)  # fmt: skip
def test_a_bad_setting_is_one_line_naming_its_variable(env_settings: Path, args: list[str]):
    result = runner.invoke(app, args, env={"NEWSBOT_CHUNK_TOKENS": "lots"})

    assert result.exit_code == 2
    assert result.stderr.startswith("newsbot: error: NEWSBOT_CHUNK_TOKENS: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
