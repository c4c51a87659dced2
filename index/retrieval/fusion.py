"""Reciprocal rank fusion: merge ranked lists without comparing their incomparable scores.

Cormack et al. (2009): score(d) = sum over lists of 1 / (k + rank(d)), k = 60.
"""

from collections.abc import Hashable, Sequence
from typing import TypeVar

RRF_K = 60
T = TypeVar("T", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[T]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[T]:
    """Items of all rankings, best fused first; ties keep first-seen order.

    `weights` scale each ranking's votes (weighted RRF), for a channel known to be weaker.
    """
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])


def cascade(primary: Sequence[T], fallback: Sequence[T]) -> list[T]:
    """`primary`'s ranking, then what only `fallback` found: a channel backed by another."""
    seen = set(primary)
    return [*primary, *(item for item in fallback if item not in seen)]
