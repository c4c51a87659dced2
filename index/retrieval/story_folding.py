"""Stories, not articles: rank the stories a question finds, each with its best passages from
any of its articles.

The same wire story republished by three outlets, or a report and its translation, would
otherwise fill an answer with the same news three times, or, folded into its best-ranked
article, hide the sibling that holds the answer (a Hindi question whose answer only the
Vietnamese report gives). So candidates are grouped into stories (story_groups.py); a story
ranks by its best passage; its passages are each of its articles' best first, then each one's
second, and so on; a story or passage far below the best is cut (`cut_stories`).

What ranks a story and what leads inside it are two questions: a passage that names the
question's rare name ranks its story higher (the name says "this story"), but inside the story
the passage that says most what the question asks leads (`lead_with`), and no passage is cut
for being below a name-lifted one (`trim_story` keeps the lead).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from index.retrieval.story_groups import ArticlePassages, StoryRule, group_stories
from index.store.vectors import StoredPassage

PASSAGES_PER_STORY = 4  # a block shows 2 snippets, chosen from these


@dataclass(frozen=True)
class Story:
    """One story's candidates, in the order a block shows them, and its articles, best first
    (`articles[0]` leads; articles without a passage shown are its "also in")."""

    articles: list[str]
    candidates: list[StoredPassage]
    best: float  # the ranking score of its best passage


def fold_stories(
    candidates: Sequence[StoredPassage],
    article_passages: Callable[[Sequence[str]], Mapping[str, ArticlePassages]],
    rule: StoryRule | None,
    rank: Callable[[StoredPassage], float] = lambda c: c.score,
) -> list[Story]:
    """`candidates` (best first) as stories, in the order of their best candidate; `rank` is
    what `Story.best` holds.

    `article_passages` gives the passage vectors of each article id it can; an article
    without them stands alone, as every article does without a `rule`.
    """
    order = list(dict.fromkeys(c.passage.article_id for c in candidates))
    articles = article_passages(order) if rule is not None and len(order) > 1 else {}
    known = [a for a in order if a in articles]
    groups = group_stories(articles, known, rule) if rule is not None else []
    grouped = {a for g in groups for a in g}
    groups += [[a] for a in order if a not in grouped]
    by_article: dict[str, list[StoredPassage]] = {}
    for cand in candidates:
        by_article.setdefault(cand.passage.article_id, []).append(cand)
    position = {id(c): n for n, c in enumerate(candidates)}
    stories = []
    for group in groups:
        rounds = [by_article[a] for a in group]  # each article's best, then its second, ...
        ordered = [c for n in range(max(map(len, rounds))) for c in _round(rounds, n, position)]
        lead = [c.passage.article_id for c in _round(rounds, 0, position)]
        first = position[id(ordered[0])]
        best = max(rank(c) for c in ordered)
        stories.append((first, Story(lead, ordered, best)))
    return [story for _, story in sorted(stories, key=lambda s: s[0])]


def _round(
    rounds: list[list[StoredPassage]], n: int, position: dict[int, int]
) -> list[StoredPassage]:
    """The `n`-th best passage of each article that has one, best first."""
    return sorted((c[n] for c in rounds if len(c) > n), key=lambda c: position[id(c)])


def cut_stories(
    stories: Sequence[Story], margin: float, rank: Callable[[StoredPassage], float]
) -> list[Story]:
    """Only what is near the best: the stories whose best is within `margin` of the best
    story's (whatever their order)."""
    top = max((story.best for story in stories), default=0.0)
    return [story for story in stories if story.best >= top - margin]


def lead_with(story: Story, lead: Callable[[StoredPassage], float]) -> Story:
    """The story with its passage that `lead` scores highest first, the others in order."""
    if not story.candidates:
        return story
    top = max(story.candidates, key=lead)
    rest = [c for c in story.candidates if c is not top]
    return Story(story.articles, [top, *rest], story.best)


def trim_story(story: Story, margin: float, rank: Callable[[StoredPassage], float]) -> Story:
    """The story's lead passage and each of its articles' best (never cut: a sibling's best may
    sit far below a same-language passage and hold the answer, and the lead may sit below a
    passage the name bonus lifted), and its other passages within `margin` of its best; in
    their order, at most PASSAGES_PER_STORY."""
    heads = {id(c): c for c in story.candidates[:1]}
    for cand in story.candidates:  # each article's first is its best
        if all(h.passage.article_id != cand.passage.article_id for h in heads.values()):
            heads[id(cand)] = cand
    near = [c for c in story.candidates if id(c) in heads or rank(c) >= story.best - margin]
    return Story(story.articles, near[:PASSAGES_PER_STORY], story.best)
