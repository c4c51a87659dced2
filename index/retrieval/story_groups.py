"""Which articles tell the same story: the same news from several outlets or languages.

An article is represented by the mean of its passage vectors; two articles whose means are
close enough are one story. With a multilingual model this groups translations and rewrites
across languages; with the English-only fallback it mostly groups articles in one language.
"""

from collections.abc import Mapping, Sequence

import numpy as np


def article_vector(passage_vectors: Sequence[np.ndarray]) -> np.ndarray:
    """The normalised mean of an article's passage vectors."""
    mean = np.mean(np.stack(passage_vectors), axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


def article_vectors(
    passages: Mapping[str, Sequence[tuple[object, np.ndarray]]],
) -> dict[str, np.ndarray]:
    """Each article's vector from its (passage, vector) pairs, as `VectorStore.passages_of`
    returns them; an article without passages has none."""
    return {aid: article_vector([v for _, v in pairs]) for aid, pairs in passages.items() if pairs}


def group_stories(
    vectors: Mapping[str, np.ndarray], order: Sequence[str], min_similarity: float
) -> list[list[str]]:
    """Groups of article ids, each led by the first of `order` in it (e.g. the best match).

    An article joins the first group whose leader it resembles at least `min_similarity`;
    comparing with leaders only keeps groups from drifting through chains of near neighbours.
    """
    groups: list[list[str]] = []
    for article_id in order:
        vector = vectors[article_id]
        for group in groups:
            if float(vectors[group[0]] @ vector) >= min_similarity:
                group.append(article_id)
                break
        else:
            groups.append([article_id])
    return groups
