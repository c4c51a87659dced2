"""Commands that need only records answer from the catalog: no model library is imported."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.news_index import NewsIndex
from tests.conftest import GOLD, REPO, SUMMIT_EN, doc

# Runs one `newsbot` command, then says which heavy libraries the process imported.
PROBE = """
import atexit, json, sys
heavy = ("torch", "sentence_transformers", "transformers", "onnxruntime", "chromadb", "bm25s",
         "trafilatura", "telegram")
atexit.register(lambda: print("LOADED " + json.dumps([m for m in heavy if m in sys.modules]),
                              file=sys.stderr))
from bot.cli.main import main
sys.argv = ["newsbot", *sys.argv[1:]]
main()
"""


def run(data_dir: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    env = os.environ | {"NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_EMBEDDING_MODEL": "bundled"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("LOADED ")]
    return done, json.loads(line.removeprefix("LOADED "))


@pytest.fixture
def records(fake_index: NewsIndex, data_dir: Path) -> Path:
    fake_index.index_documents([doc(SUMMIT_EN), doc(GOLD)])
    fake_index.catalog.subscriptions.add(42, "summit", "en")
    fake_index.close()
    return data_dir


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("--help",), "sources"),
        (("sources", "list"), "no sources yet"),
        (("subscriptions", "list"), "#1 chat 42"),
        (("stats",), "articles:  2 (2 embedded"),
    ],
)
def test_record_commands_load_no_model_library(records: Path, args: tuple[str, ...], shown: str):
    done, loaded = run(records, *args)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout
    assert loaded == []


def test_stats_names_the_model_the_last_indexing_used(records: Path):
    done, _ = run(records, "stats", "--json")
    facts = json.loads(done.stdout)
    assert facts["model"] == "fake-hashing"
    assert (facts["articles"], facts["embedded_articles"]) == (2, 2)
    assert facts["passages"] > 0


def test_a_dry_check_reads_the_vectors_without_the_model(records: Path):
    done, loaded = run(records, "check", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "consistent: 2 articles" in done.stdout
    assert "chromadb" in loaded
    assert not {"torch", "sentence_transformers", "transformers"} & set(loaded)


def test_an_operator_subscribes_a_chat_while_the_bot_holds_the_writer_lock(
    fake_index: NewsIndex, data_dir: Path
):
    """Subscriptions are records: adding one needs no writer lock, so the bot may run."""
    done, loaded = run(data_dir, "subscriptions", "add", "7", "gold price")
    assert done.returncode == 0, done.stderr
    assert "subscription #1: chat 7 gold price" in done.stdout
    assert [s.topic for s in fake_index.catalog.subscriptions.all()] == ["gold price"]
    assert loaded == []
