"""A vector store that lost what the article database says it holds is named with its fix
(`newsbot check`, or `--rebuild` for a damaged one): never answered as "nothing relevant"."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.errors import StoreError
from index.store.vectors import _forget_client as forget_client
from tests.bot.cli.test_cli_catalog import PROBE
from tests.bot.cli.test_cli_recovery import QUESTION, assert_clear_error, damage, newsbot
from tests.conftest import REPO, SEEDS
from tests.fakes import HashingEmbedder


@pytest.fixture
def records(env_settings: Path) -> Path:
    with open_core(Settings(), lock=True, embedder=HashingEmbedder()) as news:
        news.index_paths([SEEDS])
    return env_settings


def lose_vectors(data_dir: Path, how: str) -> None:
    chroma = data_dir / "chroma"
    if how == "deleted":
        shutil.rmtree(chroma)
        forget_client(chroma)  # as a new process would: this one's chromadb remembers it
    elif how == "emptied":  # the store opens fine but holds none of the passages
        with open_core(Settings(), lock=True, embedder=HashingEmbedder()) as news:
            news.store.delete_ids(sorted(news.store.ids()))
    else:
        damage(chroma / "chroma.sqlite3", "truncated")


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_stats_names_lost_vectors_with_the_fix_and_exits_non_zero(records: Path, how: str):
    lose_vectors(records, how)
    result = newsbot("stats")
    assert "articles:  2 (2 embedded" in result.stdout  # the records are still shown
    assert_clear_error(result, "holds 0 of the", "newsbot check")


def test_stats_with_a_truncated_vector_store_names_the_rebuild(records: Path):
    lose_vectors(records, "truncated")
    result = newsbot("stats")
    assert "articles:  2 (2 embedded" in result.stdout
    assert_clear_error(result, str(records / "chroma"), "newsbot check --rebuild")


@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_stats_tells_without_loading_chroma_or_the_model(records: Path, how: str):
    lose_vectors(records, how)
    env = {"NEWSBOT_DATA_DIR": str(records), "NEWSBOT_EMBEDDING_MODEL": "bundled"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "stats"],
        cwd=REPO,
        env=os.environ | env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "newsbot check" in done.stderr
    assert "LOADED []" in done.stderr


def test_stats_of_an_intact_store_says_nothing_more(records: Path):
    result = newsbot("stats")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_ask_names_lost_vectors_instead_of_nothing_found(records: Path, how: str):
    lose_vectors(records, how)
    with (
        open_core(Settings(), embedder=HashingEmbedder()) as news,
        pytest.raises(StoreError) as raised,
    ):
        news.ask(QUESTION)
    assert raised.value.code == "store_drift"
    assert "newsbot check" in str(raised.value)


def test_stats_while_another_process_writes_the_vectors_is_not_an_alarm(records: Path):
    chroma = sqlite3.connect(records / "chroma" / "chroma.sqlite3", isolation_level=None)
    try:
        chroma.execute("BEGIN EXCLUSIVE")  # a writer mid-transaction, as the bot's indexing
        result = newsbot("stats")
    finally:
        chroma.execute("ROLLBACK")
        chroma.close()
    assert result.exit_code == 0, result.output
    assert "articles:  2 (2 embedded" in result.stdout
