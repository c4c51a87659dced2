"""Digest periods: hours or days; a word meant as a period but not one is an error, never
the first word of a topic."""

import pytest

from index.alerts.subscriptions import parse_period
from index.errors import SubscriptionError


@pytest.mark.parametrize(
    ("word", "hours"), [("6h", 6), ("1d", 24), ("12H", 12), ("gold", None), ("2026", None)]
)
def test_a_period_or_a_topic_word(word: str, hours: int | None):
    assert parse_period(word) == hours


@pytest.mark.parametrize("word", ["2m", "30min", "6", "1w", "10s", "0h", "8d"])
def test_a_word_meant_as_a_period_is_a_clear_error(word: str):
    with pytest.raises(SubscriptionError) as raised:
        parse_period(word)
    assert raised.value.code == "bad_period"
