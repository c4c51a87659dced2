"""Which articles tell the same story: the same news from several outlets or languages.

Two reports of one event, even by different outlets in different languages, retell some of
the same facts: a few of their passages say nearly the same thing. Two different stories on
one topic (two football matches, two Kavanaugh stories) share a topic, not such passages. So
the same-story signal is passage-level: the mean of the two most alike (passage, passage)
cosines of the two articles (`story_similarity`). The mean vector of a whole article is
mostly its topic and genre: measured with `bench/alert_threshold.py`, means separate
translations from different stories less well and have a longer tail of alike different
stories, and neither signal puts every retelling above every different story (README,
"Subscriptions and alerts").

Cosines run higher within one language than across languages, even for centred vectors; the
model's profile says by how much (`story_same_language_margin`), and a pair in one language
must clear the threshold by that margin.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.store.vectors import StoredPassage

_PAIRS = 2  # how many of the most alike passage pairs are averaged


@dataclass(frozen=True)
class ArticlePassages:
    """An article's language and its passage vectors (one normalised row per passage)."""

    lang: str
    vectors: np.ndarray


@dataclass(frozen=True)
class StoryRule:
    """When two articles are one story: `story_similarity` at least `min_similarity`, plus
    `same_language_margin` when both are in one language."""

    min_similarity: float
    same_language_margin: float = 0.0

    def same_story(self, a: ArticlePassages, b: ArticlePassages) -> bool:
        needed = self.min_similarity + (self.same_language_margin if a.lang == b.lang else 0.0)
        return story_similarity(a.vectors, b.vectors) >= needed


def story_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The mean of the two highest cosines between a passage of `a` and one of `b` (the one
    cosine when both have a single passage)."""
    cosines = np.sort((a @ b.T).ravel())[-_PAIRS:]
    return float(cosines.mean())


def article_passages(
    passages: Mapping[str, Sequence[tuple[StoredPassage, np.ndarray]]],
) -> dict[str, ArticlePassages]:
    """Each article's passages from its (passage, vector) pairs, as `VectorStore.passages_of`
    returns them; an article without passages has none."""
    return {
        article_id: ArticlePassages(pairs[0][0].lang, np.stack([v for _, v in pairs]))
        for article_id, pairs in passages.items()
        if pairs
    }


def group_stories(
    articles: Mapping[str, ArticlePassages], order: Sequence[str], rule: StoryRule
) -> list[list[str]]:
    """Groups of article ids, each led by the first of `order` in it (e.g. the best match).

    An article joins the first group whose leader tells the same story by `rule`; comparing
    with leaders only keeps groups from drifting through chains of near neighbours.
    """
    groups: list[list[str]] = []
    for article_id in order:
        article = articles[article_id]
        for group in groups:
            if rule.same_story(articles[group[0]], article):
                group.append(article_id)
                break
        else:
            groups.append([article_id])
    return groups
