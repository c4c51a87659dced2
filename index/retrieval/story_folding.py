"""One story, one entry: fold the articles that retell a better-ranked one into its siblings.

The same wire story republished by three outlets, or a report and its translation, would
otherwise fill an answer with the same news three times. The best-ranked article of each
story stays; the others are named beside it as sibling sources, their passages dropped.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from index.retrieval.story_groups import ArticlePassages, StoryRule, group_stories
from index.store.vectors import StoredPassage


@dataclass(frozen=True)
class FoldedCandidates:
    """Candidates of the story leaders only, and each leader's siblings, best first."""

    candidates: list[StoredPassage]
    siblings: dict[str, list[str]]


def fold_stories(
    candidates: Sequence[StoredPassage],
    article_passages: Callable[[Sequence[str]], Mapping[str, ArticlePassages]],
    rule: StoryRule,
) -> FoldedCandidates:
    """Keep the candidates of each story's best-ranked article; name the others as siblings.

    `article_passages` gives the passage vectors of each article id it can; an article
    without them stands alone.
    """
    order = list(dict.fromkeys(c.passage.article_id for c in candidates))
    if len(order) < 2:
        return FoldedCandidates(list(candidates), {})
    articles = article_passages(order)
    known = [a for a in order if a in articles]
    siblings: dict[str, list[str]] = {}
    folded: set[str] = set()
    for group in group_stories(articles, known, rule):
        if len(group) > 1:
            siblings[group[0]] = group[1:]
            folded.update(group[1:])
    kept = [c for c in candidates if c.passage.article_id not in folded]
    return FoldedCandidates(kept, siblings)
