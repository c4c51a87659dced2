"""The alert tests' index: the fast fake embedder, with the thresholds that suit it."""

from collections.abc import Iterator

import pytest

from bot.settings import Settings
from index.news_index import NewsIndex
from tests.fakes import HashingEmbedder


@pytest.fixture
def news(alert_settings: Settings) -> Iterator[NewsIndex]:
    with NewsIndex.open(alert_settings, writer=True, embedder=HashingEmbedder(budget=60)) as opened:
        yield opened
