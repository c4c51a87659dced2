"""The read path: a question -> the most relevant passages, each with its best sentence.

Scores are cosine similarities. Below a per-model threshold nothing counts as relevant and
the honest answer is "nothing relevant found" rather than the least bad noise.
"""

import threading
from collections.abc import Sequence

import numpy as np

from index.article_db import ArticleDB
from index.best_sentence import best_sentences
from index.embedding import Embedder
from index.errors import QuestionError
from index.fusion import cascade, reciprocal_rank_fusion
from index.lexical import LexicalIndex
from index.model_profile import Mode, ModelProfile
from index.models import Answer, Hit
from index.query_encoder import QueryEncoder
from index.reranker import Reranker
from index.store import StoredPassage, VectorStore
from index.story_folding import fold_stories
from index.story_groups import article_vectors

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
            "Ask it in a sentence or two."
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
        mode: Mode = "hybrid",
        transliterate: bool = True,
        story_min_similarity: float | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.db = db
        self.store = store
        self.embedder = embedder
        self.min_score = embedder.profile.min_score if min_score is None else min_score
        self.mode = mode
        self.transliterate = transliterate
        self.story_min_similarity = story_min_similarity  # None: every article on its own
        self.reranker = reranker  # None: the retrieval order stands
        self.queries = QueryEncoder(embedder)
        self._lexical: tuple[tuple[int, int], LexicalIndex] | None = None
        self._lexical_lock = threading.Lock()
        self._article_vectors: tuple[tuple[int, int], dict[str, np.ndarray]] = ((-1, -1), {})

    def search(self, question: str, k: int) -> Answer:
        query = self.queries.encode(question)
        candidates = _distinct(self._candidates(question, query, k * _CANDIDATE_FACTOR))
        articles = self.db.get_many(sorted({c.passage.article_id for c in candidates}))
        candidates = [c for c in candidates if c.passage.article_id in articles]
        ranked = [c for c in candidates if c.score >= self.min_score]
        siblings: dict[str, list[str]] = {}
        if self.story_min_similarity is not None:
            folded = fold_stories(ranked, self._vectors_of_articles, self.story_min_similarity)
            ranked, siblings = folded.candidates, folded.siblings  # siblings: among `articles`
        if self.reranker is not None:
            ranked = self._reranked(question, ranked)
        shown = ranked[:k]
        # Sentences are embedded for the passages shown only: for every candidate this was
        # most of a query's time (hundreds of sentences).
        sentences = self._best_sentences(query, shown)
        best = dict(zip([c.passage.id for c in shown], sentences, strict=True))
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
            for c in ordered
        )
        relevant = hits[: len(shown)]
        return Answer(
            question=question,
            hits=relevant,
            answered=bool(relevant),
            min_score=self.min_score,
            candidates=hits,
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

    def _vectors_of_articles(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Each article's mean passage vector, kept until the store changes."""
        stamp = (self.store.count(), self.store.writes)
        cached_stamp, cache = self._article_vectors
        if cached_stamp != stamp:
            cache = {}
            self._article_vectors = (stamp, cache)
        missing = [a for a in article_ids if a not in cache]
        cache.update(article_vectors(self.store.passages_of(missing)))
        return {a: cache[a] for a in article_ids if a in cache}

    def _best_sentences(self, query: np.ndarray, candidates: list[StoredPassage]) -> list[str]:
        passages = [(c.passage.text, c.lang) for c in candidates]
        return best_sentences(self.embedder, query, passages)


def _distinct(candidates: list[StoredPassage]) -> list[StoredPassage]:
    """Drop passages that nearly repeat a better one (the same wire story twice)."""
    kept: list[StoredPassage] = []
    kept_words: list[set[str]] = []
    for cand in candidates:
        words = set(cand.passage.text.lower().split())
        if any(_jaccard(words, other) >= _NEAR_DUPLICATE for other in kept_words):
            continue
        kept.append(cand)
        kept_words.append(words)
    return kept


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
