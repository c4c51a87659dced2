"""The read path: a question -> the most relevant passages, each with its best sentence.

Scores are cosine similarities (of language-centred vectors for a multilingual model). Two
measured thresholds of the model's profile decide what a reader is told: from `close_score`
a passage answers the question; from `min_score` it is shown, under "no passage answers this
closely", as the nearest there is; below, the honest answer is "nothing relevant found"
rather than the least bad noise.
"""

import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from index.embedding.embedder import Embedder
from index.embedding.profile import Mode, ModelProfile
from index.embedding.query_encoder import QueryEncoder
from index.errors import QuestionError
from index.models import Answer, Article, Hit, Passage
from index.retrieval.best_sentence import SentenceScorer, plain_sentences, scored_best
from index.retrieval.evidence import ignores_a_name, named_passages, numbers, stated_names, without
from index.retrieval.fusion import cascade, reciprocal_rank_fusion
from index.retrieval.lexical import LexicalIndex
from index.retrieval.reranker import Reranker
from index.retrieval.story_folding import (
    PASSAGES_PER_STORY,
    Story,
    cut_stories,
    fold_stories,
    lead_with,
    trim_story,
)
from index.retrieval.story_groups import ArticlePassages, StoryRule, article_passages
from index.store.article_db import ArticleDB
from index.store.vectors import StoredPassage, VectorStore

_CANDIDATE_FACTOR = 4
_NEAR_DUPLICATE = 0.9
ANSWER_PASSAGES = 5  # the answer rule looks at this many of the best passages shown
JUDGED_PASSAGES = 8  # passages whose sentences are scored: the best two stories' first four


def resolve_mode(mode: str, profile: ModelProfile) -> Mode:
    """`auto` is what was measured best for the model's family (README "Quality")."""
    if mode == "auto":
        return profile.retrieval
    return mode  # type: ignore[return-value]


def clean_question(question: str, max_chars: int) -> str:
    """The question stripped, or a QuestionError a person understands."""
    text = " ".join(question.split())
    if not text:
        raise QuestionError(
            'the question is empty: ask something, e.g. "Why was the Budapest summit dropped?"'
        )
    if len(text) > max_chars:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Ask it in a sentence or two.",
            "question_too_long",
            length=len(text),
            limit=max_chars,
        )
    return text


class Searcher:
    """Answers questions from one vector store, citing articles from the database.

    Candidates come from the dense channel, the BM25 channel, or both fused by reciprocal
    rank; whatever found them, every candidate is scored by cosine similarity to the question,
    and that score alone decides what is relevant enough to show.
    """

    def __init__(
        self,
        db: ArticleDB,
        store: VectorStore,
        embedder: Embedder,
        min_score: float | None = None,
        close_score: float | None = None,
        mode: Mode = "hybrid",
        transliterate: bool = True,
        story_min_similarity: float | None = None,
        reranker: Reranker | None = None,
        split: Callable[[Passage, Article], list[str]] = plain_sentences,
        *,
        queries: QueryEncoder,
        sentences: SentenceScorer,
    ) -> None:
        self.db = db
        self.store = store
        self.embedder = embedder
        profile = embedder.profile
        self.min_score = profile.min_score if min_score is None else min_score
        self.close_score = profile.close_score if close_score is None else close_score
        self.story_margin = profile.story_margin
        self.weak_margin = profile.weak_margin
        self.name_bonus = profile.name_bonus
        self.mode = mode
        self.transliterate = transliterate
        self.story_min_similarity = story_min_similarity  # None: every article on its own
        self.story_rule = (
            None
            if story_min_similarity is None
            else StoryRule(story_min_similarity, profile.story_same_language_margin)
        )
        self.reranker = reranker  # None: the retrieval order stands
        self.queries = queries  # one question cache for search, sentences and alerts
        self.sentences = sentences
        self.split = split  # how a front splits a passage's sentences (the cache's keys)
        self._lexical: tuple[tuple[int, int], LexicalIndex] | None = None
        self._lexical_lock = threading.Lock()
        self._article_passages: tuple[tuple[int, int], dict[str, ArticlePassages]] = (
            (-1, -1),
            {},
        )

    def search(
        self, question: str, k: int, sentences: bool = True, *, with_candidates: bool = False
    ) -> Answer:
        """The `k` best passages, story by story; `sentences=False` leaves their best
        sentences empty, for a front that picks them a page at a time
        (index/answers/pages.py); `with_candidates` adds every ranked candidate (evaluation
        scores them; answers kept by a front do not carry them)."""
        query = self.queries.encode(question)
        found = self._candidates(question, query, k * _CANDIDATE_FACTOR)
        named = self._named(question, query, found)
        bonus = self.name_bonus

        def rank(c: StoredPassage) -> float:
            return c.score + (bonus if c.passage.id in named else 0.0)

        if self.mode == "dense":
            found.sort(key=rank, reverse=True)
        candidates, copies = _distinct(found, across_articles=self.story_rule is not None)
        articles = self.db.get_many(
            sorted(
                {c.passage.article_id for c in candidates} | {a for v in copies.values() for a in v}
            )
        )
        candidates = [c for c in candidates if c.passage.article_id in articles]
        ranked = [c for c in candidates if rank(c) >= self.min_score or c.passage.id in named]
        hidden: set[str] = set()
        for cand in ranked:  # a passage repeated by another outlet: one story, named once
            if cand.passage.article_id not in hidden:
                hidden.update(copies.get(cand.passage.article_id, ()))
        ranked = [c for c in ranked if c.passage.article_id not in hidden]
        stories = fold_stories(ranked, self._passages_of_articles, self.story_rule, rank)
        if self.story_rule is not None:  # unfolded, every article stands alone, uncut
            stories = cut_stories(stories, self.story_margin, rank)
        asked = numbers(question)
        # A story none of whose articles holds the question's numbers cannot answer it, nor
        # one that does not answer to a name the question states.
        missing = {
            s.articles[0]: bool(asked)
            and not any(
                asked <= numbers(articles[a].text) for a in (*s.articles, *_copies(s, copies))
            )
            for s in stories
        }
        for lead in self._ignoring_a_name(question, query, stories, copies):
            missing[lead] = True
        # The answer rule: the best of (passage cosine + its best sentence's cosine) / 2 over
        # the top passages, plus the name bonus. Sentences are scored for the first passages
        # of the best stories, through the cache the answer's pages use (the page costs no
        # second model call for them); the rule looks at the best ANSWER_PASSAGES of them.
        judged = [
            (story.articles[0], c)
            for story in stories
            for c in story.candidates[:PASSAGES_PER_STORY]
        ][:JUDGED_PASSAGES]
        scored = scored_best(
            self.sentences, question, self._split([c for _, c in judged], articles)
        )
        merit = {
            c.passage.id: (c.score + sentence) / 2 + (bonus if c.passage.id in named else 0.0)
            for (_, c), (_, sentence) in zip(judged, scored, strict=True)
        }
        counted = sorted((c for lead, c in judged if not missing[lead]), key=rank, reverse=True)
        answer_score = max((merit[c.passage.id] for c in counted[:ANSWER_PASSAGES]), default=0.0)
        best = {
            c.passage.id: sentence for (_, c), (sentence, _) in zip(judged, scored, strict=True)
        }
        # Each article's passage that answers best first; the story's lead is the passage that
        # says most what the question asks, the name bonus aside (it chose the story): its
        # cosine, or the mean with its best sentence when that sentence matches better.
        said = {
            c.passage.id: max(c.score, (c.score + sentence) / 2)
            for (_, c), (_, sentence) in zip(judged, scored, strict=True)
        }
        stories = [_by_merit(story, merit) for story in stories]
        stories = [lead_with(s, lambda c: said.get(c.passage.id, c.score)) for s in stories]
        if self.story_rule is not None:
            stories = [trim_story(story, self.story_margin, rank) for story in stories]
        if self.reranker is not None:  # the cross-encoder's order stands, in and across stories
            stories = self._reranked_stories(question, stories)
        placed = [(n, c) for n, story in enumerate(stories) for c in story.candidates][:k]
        shown = [c for _, c in placed]
        if sentences:
            rest = [c for c in shown if c.passage.id not in best]
            picked = scored_best(self.sentences, question, self._split(rest, articles))
            best.update({c.passage.id: p for c, (p, _) in zip(rest, picked, strict=True)})
        top = max((story.best for story in stories), default=0.0)
        weak = [
            n > 0 and (story.best < top - self.weak_margin or missing[story.articles[0]])
            for n, story in enumerate(stories)
        ]

        def hit(n: int | None, c: StoredPassage) -> Hit:
            story = stories[n] if n is not None else None
            others = (
                [a for a in (*story.articles, *_copies(story, copies)) if a != c.passage.article_id]
                if story is not None
                else copies.get(c.passage.article_id, [])
            )
            return Hit(
                passage=c.passage,
                article=articles[c.passage.article_id],
                score=c.score,
                best_sentence=best.get(c.passage.id, "") if sentences else "",
                siblings=tuple(articles[a] for a in others if a in articles),
                story=n if n is not None else -1,
                weak=weak[n] if n is not None else True,
            )

        hits = tuple(hit(n, c) for n, c in placed)
        extra: tuple[Hit, ...] = ()
        if with_candidates:  # then the rest as retrieved (evaluation reads them)
            seen = {c.passage.id for c in shown}
            extra = tuple(hit(None, c) for c in candidates if c.passage.id not in seen)
        return Answer(
            question=question,
            hits=hits,
            answered=answer_score >= self.close_score,
            min_score=self.min_score,
            close_score=self.close_score,
            candidates=hits + extra if with_candidates else (),
            answer_score=answer_score,
        )

    def _ignoring_a_name(
        self,
        question: str,
        query: np.ndarray,
        stories: Sequence[Story],
        copies: dict[str, list[str]],
    ) -> list[str]:
        """The lead articles of the stories that do not answer to a name the question states
        (evidence.ignores_a_name); one model call for all the question's names."""
        names = stated_names(question)
        if not names or not stories:
            return []
        asked_without = self.embedder.embed_queries([without(question, n) for n in names])
        ignoring = []
        for story in stories:
            held = self._passages_of_articles([*story.articles, *_copies(story, copies)])
            vectors = [p.vectors for p in held.values()]
            if vectors and ignores_a_name(np.concatenate(vectors), query, asked_without):
                ignoring.append(story.articles[0])
        return ignoring

    def _named(self, question: str, query: np.ndarray, found: list[StoredPassage]) -> set[str]:
        """The passages that name a rare name of the question; those dense search did not
        find join `found`."""
        if self.name_bonus <= 0 or not self.store.count():
            return set()
        named = named_passages(question, self.lexical_index())
        known = {c.passage.id for c in found}
        found.extend(self.store.fetch(sorted(named - known), query))
        return named

    def _split(
        self, candidates: Sequence[StoredPassage], articles: Mapping[str, Article]
    ) -> list[tuple[list[str], str]]:
        """Each candidate's sentences, split as the answer's pages split them, and language."""
        pairs = [(c.passage, articles[c.passage.article_id]) for c in candidates]
        return [(self.split(p, a), a.lang) for p, a in pairs]

    def _candidates(self, question: str, query: np.ndarray, n: int) -> list[StoredPassage]:
        """Ranked candidates of the configured mode, each with its cosine score."""
        dense = self.store.query(query, n)
        if self.mode == "dense":
            return dense
        lexical = [pid for pid, _ in self.lexical_index().search(question, n)]
        dense_ids = [c.passage.id for c in dense]
        if self.mode == "lexical":  # BM25 first; dense fills in where no word is shared
            ranked = cascade(lexical, dense_ids)[:n]
        else:
            ranked = reciprocal_rank_fusion([dense_ids, lexical])[:n]
        known = {c.passage.id: c for c in dense}
        fetched = {
            c.passage.id: c for c in self.store.fetch([i for i in ranked if i not in known], query)
        }
        return [known.get(i) or fetched[i] for i in ranked if i in known or i in fetched]

    def lexical_index(self) -> LexicalIndex:
        """BM25 over the store's passages, rebuilt when the store has changed."""
        with self._lexical_lock:
            stamp = (self.store.count(), self.store.writes)
            ranked = self.mode != "dense"  # dense asks only which passages name a word
            if (
                self._lexical is None
                or self._lexical[0] != stamp
                or (ranked and not self._lexical[1].ranked)
            ):
                ids, texts = self.store.all_texts()
                self._lexical = (stamp, LexicalIndex(ids, texts, self.transliterate, ranked))
            return self._lexical[1]

    def _reranked_stories(self, question: str, stories: list[Story]) -> list[Story]:
        """The stories' passages in the cross-encoder's order, stories by their best."""
        order = self._reranked(question, [c for s in stories for c in s.candidates])
        where = {c.passage.id: n for n, c in enumerate(order)}
        resorted = (
            Story(s.articles, sorted(s.candidates, key=lambda c: where[c.passage.id]), s.best)
            for s in stories
        )
        return sorted(resorted, key=lambda s: where[s.candidates[0].passage.id])

    def _reranked(self, question: str, candidates: list[StoredPassage]) -> list[StoredPassage]:
        """The best relevant candidates in the cross-encoder's order, the rest after them."""
        assert self.reranker is not None
        head, tail = candidates[: self.reranker.candidates], candidates[self.reranker.candidates :]
        order = self.reranker.order(question, [c.passage.text for c in head])
        return [head[i] for i in order] + tail

    def _passages_of_articles(self, article_ids: Sequence[str]) -> dict[str, ArticlePassages]:
        """Each article's passage vectors, kept until the store changes."""
        stamp = (self.store.count(), self.store.writes)
        cached_stamp, cache = self._article_passages
        if cached_stamp != stamp:
            cache = {}
            self._article_passages = (stamp, cache)
        missing = [a for a in article_ids if a not in cache]
        cache.update(article_passages(self.store.passages_of(missing)))
        return {a: cache[a] for a in article_ids if a in cache}


def _distinct(
    candidates: list[StoredPassage], across_articles: bool
) -> tuple[list[StoredPassage], dict[str, list[str]]]:
    """Drop passages that nearly repeat a better one: an article's overlapping chunks, and,
    `across_articles`, the same wire story republished. Returns the kept passages and, for
    each kept article, the other articles whose passages repeated it (its siblings)."""
    kept: list[StoredPassage] = []
    kept_words: list[set[str]] = []
    copies: dict[str, list[str]] = {}
    for cand in candidates:
        words = set(cand.passage.text.lower().split())
        article = cand.passage.article_id
        twin = next(
            (
                other
                for other, other_words in zip(kept, kept_words, strict=True)
                if (across_articles or other.passage.article_id == article)
                and _jaccard(words, other_words) >= _NEAR_DUPLICATE
            ),
            None,
        )
        if twin is None:
            kept.append(cand)
            kept_words.append(words)
        elif twin.passage.article_id != article:
            named = copies.setdefault(twin.passage.article_id, [])
            if article not in named:
                named.append(article)
    return kept, copies


def _by_merit(story: Story, merit: dict[str, float]) -> Story:
    """The story with each article's passages in its slots reordered by merit (the answer
    rule's score), where known: the passage of a sibling that answers best comes first."""
    slots: dict[str, list[StoredPassage]] = {}
    for cand in story.candidates:
        slots.setdefault(cand.passage.article_id, []).append(cand)
    for article, cands in slots.items():
        known = sorted(
            (c for c in cands if c.passage.id in merit),
            key=lambda c: merit[c.passage.id],
            reverse=True,
        )
        slots[article] = known + [c for c in cands if c.passage.id not in merit]
    taken = {a: iter(c) for a, c in slots.items()}
    reordered = [next(taken[c.passage.article_id]) for c in story.candidates]
    return Story(story.articles, reordered, story.best)


def _copies(story: Story, copies: dict[str, list[str]]) -> list[str]:
    """The articles that republished one of the story's (named in its "also in")."""
    return [a for lead in story.articles for a in copies.get(lead, []) if a not in story.articles]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
