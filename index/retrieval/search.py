"""The read path: a question -> the most relevant passages, each with its best sentence.

Scores are cosine similarities (of language-centred vectors for a multilingual model). Two
measured thresholds of the model's profile decide what a reader is told: from `close_score`
a passage answers the question; from `min_score` it is shown, under "no passage answers this
closely", as the nearest there is; below, the honest answer is "nothing relevant found"
rather than the least bad noise.
"""

import threading
from collections.abc import Sequence

import numpy as np

from index.embedding.embedder import Embedder
from index.embedding.profile import Mode, ModelProfile
from index.embedding.query_encoder import QueryEncoder
from index.errors import QuestionError
from index.models import Answer, Hit
from index.retrieval.best_sentence import best_sentences
from index.retrieval.fusion import cascade, reciprocal_rank_fusion
from index.retrieval.lexical import LexicalIndex
from index.retrieval.reranker import Reranker
from index.retrieval.story_folding import fold_stories
from index.retrieval.story_groups import ArticlePassages, StoryRule, article_passages
from index.store.article_db import ArticleDB
from index.store.vectors import StoredPassage, VectorStore

_CANDIDATE_FACTOR = 4
_NEAR_DUPLICATE = 0.9


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
    ) -> None:
        self.db = db
        self.store = store
        self.embedder = embedder
        profile = embedder.profile
        self.min_score = profile.min_score if min_score is None else min_score
        self.close_score = profile.close_score if close_score is None else close_score
        self.mode = mode
        self.transliterate = transliterate
        self.story_min_similarity = story_min_similarity  # None: every article on its own
        self.story_rule = (
            None
            if story_min_similarity is None
            else StoryRule(story_min_similarity, profile.story_same_language_margin)
        )
        self.reranker = reranker  # None: the retrieval order stands
        self.queries = QueryEncoder(embedder)
        self._lexical: tuple[tuple[int, int], LexicalIndex] | None = None
        self._lexical_lock = threading.Lock()
        self._article_passages: tuple[tuple[int, int], dict[str, ArticlePassages]] = (
            (-1, -1),
            {},
        )

    def search(
        self, question: str, k: int, sentences: bool = True, *, with_candidates: bool = False
    ) -> Answer:
        """The `k` best passages; `sentences=False` leaves their best sentences empty, for a
        front that picks them a page at a time (index/answers/pages.py); `with_candidates`
        adds every ranked candidate (evaluation scores them; answers kept by a front do not
        carry them)."""
        query = self.queries.encode(question)
        folding = self.story_min_similarity is not None
        candidates, copies = _distinct(
            self._candidates(question, query, k * _CANDIDATE_FACTOR), across_articles=folding
        )
        articles = self.db.get_many(
            sorted(
                {c.passage.article_id for c in candidates} | {a for v in copies.values() for a in v}
            )
        )
        candidates = [c for c in candidates if c.passage.article_id in articles]
        ranked = [c for c in candidates if c.score >= self.min_score]
        siblings: dict[str, list[str]] = {}
        if self.story_rule is not None:
            folded = fold_stories(ranked, self._passages_of_articles, self.story_rule)
            ranked, siblings = folded.candidates, folded.siblings  # siblings: among `articles`
        if copies:  # a passage repeated by another outlet: one story, named once
            for lead, republished in copies.items():
                named = siblings.setdefault(lead, [])
                named.extend(a for a in republished if a in articles and a not in named)
            hidden: set[str] = set()
            for cand in ranked:  # best first: a lead hides its siblings' own passages
                if cand.passage.article_id not in hidden:
                    hidden.update(siblings.get(cand.passage.article_id, ()))
            ranked = [c for c in ranked if c.passage.article_id not in hidden]
        if self.reranker is not None:
            ranked = self._reranked(question, ranked)
        shown = ranked[:k]
        # Sentences are embedded for the passages shown only: for every candidate this was
        # most of a query's time (hundreds of sentences).
        chosen = self._best_sentences(query, shown) if sentences else [""] * len(shown)
        best = dict(zip([c.passage.id for c in shown], chosen, strict=True))
        # The final order: what is shown, then the rest as retrieved (evaluation reads it).
        placed = {c.passage.id for c in ranked}
        ordered = ranked + [c for c in candidates if c.passage.id not in placed]
        hits = tuple(
            Hit(
                passage=c.passage,
                article=articles[c.passage.article_id],
                score=c.score,
                best_sentence=best.get(c.passage.id, ""),
                siblings=tuple(articles[a] for a in siblings.get(c.passage.article_id, ())),
            )
            for c in (ordered if with_candidates else shown)
        )
        relevant = hits[: len(shown)]
        return Answer(
            question=question,
            hits=relevant,
            answered=any(h.score >= self.close_score for h in relevant),
            min_score=self.min_score,
            close_score=self.close_score,
            candidates=hits if with_candidates else (),
        )

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
            if self._lexical is None or self._lexical[0] != stamp:
                ids, texts = self.store.all_texts()
                self._lexical = (stamp, LexicalIndex(ids, texts, self.transliterate))
            return self._lexical[1]

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

    def _best_sentences(self, query: np.ndarray, candidates: list[StoredPassage]) -> list[str]:
        passages = [(c.passage.text, c.lang) for c in candidates]
        return best_sentences(self.embedder, query, passages)


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


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
