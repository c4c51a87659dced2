"""These tests run on each record engine: SQLite (the default) and a real PostgreSQL."""

from pathlib import Path

import pytest

from bot.settings import Settings


@pytest.fixture
def settings(data_dir: Path, database_url: str | None) -> Settings:
    """The default settings, on each record engine (`database_url`, tests/conftest.py)."""
    return Settings(_env_file=None, data_dir=data_dir, database_url=database_url)
