"""These tests run on each record engine: SQLite (the default) and a real PostgreSQL; the
alert tests' index is the fast fake embedder, with the thresholds that suit it."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.news_index import NewsIndex
from tests.fakes import HashingEmbedder


@pytest.fixture
def settings(data_dir: Path, database_url: str | None) -> Settings:
    """The default settings, on each record engine (`database_url`, tests/conftest.py)."""
    return Settings(_env_file=None, data_dir=data_dir, database_url=database_url)


@pytest.fixture
def news(alert_settings: Settings) -> Iterator[NewsIndex]:
    with open_core(alert_settings, lock=True, embedder=HashingEmbedder(budget=60)) as opened:
        yield opened
