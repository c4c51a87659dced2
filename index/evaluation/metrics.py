"""Retrieval metrics, as pure functions over ranked lists of booleans or ids.

`ranked` is the list a system returned, best first; `relevant` says which items count.
"""

from collections.abc import Hashable, Sequence, Set


def hit_at(ranked_relevance: Sequence[bool], k: int) -> float:
    """1.0 when a relevant item is among the first k, else 0.0."""
    return 1.0 if any(ranked_relevance[:k]) else 0.0


def reciprocal_rank(ranked_relevance: Sequence[bool], k: int) -> float:
    """1/rank of the first relevant item within the first k (MRR@k once averaged)."""
    for rank, relevant in enumerate(ranked_relevance[:k], start=1):
        if relevant:
            return 1.0 / rank
    return 0.0


def average_precision(ranked: Sequence[Hashable], relevant: Set[Hashable], k: int) -> float:
    """AP@k as in LAReQA: precision at each relevant hit, divided by min(|relevant|, k)."""
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            found += 1
            total += found / rank
    return total / min(len(relevant), k)


def recall_at(ranked: Sequence[Hashable], relevant: set[Hashable], k: int) -> float:
    """Share of the relevant items found in the first k."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
