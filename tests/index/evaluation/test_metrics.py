"""Metrics and fusion on hand-made cases whose answers are worked out by hand."""

import pytest

from index.evaluation.metrics import average_precision, hit_at, mean, recall_at, reciprocal_rank
from index.retrieval.fusion import reciprocal_rank_fusion


def test_hit_and_reciprocal_rank():
    ranked = [False, False, True, True]
    assert hit_at(ranked, 2) == 0.0
    assert hit_at(ranked, 3) == 1.0
    assert reciprocal_rank(ranked, 10) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, 2) == 0.0
    assert reciprocal_rank([], 10) == 0.0


def test_average_precision_as_in_lareqa():
    # Relevant {a, b}; ranks 1 and 3: (1/1 + 2/3) / 2.
    assert average_precision(["a", "x", "b", "y"], {"a", "b"}, 20) == pytest.approx((1 + 2 / 3) / 2)
    # Only one of two relevant found within k=2: (1/2) / 2.
    assert average_precision(["x", "a", "b"], {"a", "b"}, 2) == pytest.approx(0.25)
    assert average_precision(["x"], set(), 20) == 0.0


def test_recall_and_mean():
    assert recall_at(["a", "x", "b"], {"a", "b", "c"}, 2) == pytest.approx(1 / 3)
    assert mean([1.0, 0.0, 0.5]) == pytest.approx(0.5)
    assert mean([]) == 0.0


def test_reciprocal_rank_fusion_rewards_agreement():
    # b is second in both lists and beats a, which is first in one list only.
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["d", "b", "e"]])
    assert fused[0] == "b"
    assert set(fused) == {"a", "b", "c", "d", "e"}
    assert reciprocal_rank_fusion([["a", "b"], []]) == ["a", "b"]
