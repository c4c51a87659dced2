"""The sentence of a passage that best matches a query: what answers and alerts put in bold.

Photo captions, credits and bylines are never chosen while the passage has another sentence.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from index.embedding.embedder import Embedder
from index.embedding.query_encoder import QueryEncoder
from index.models import Article, Passage
from index.passages.sentences import caption_flags, split_sentences, strip_credit


def best_sentences(
    embedder: Embedder, query: np.ndarray, passages: Sequence[tuple[str, str]]
) -> list[str]:
    """For each (text, lang) passage, its sentence closest to `query`; one batch for all."""
    split = [split_sentences(text, lang) or [text] for text, lang in passages]
    flat = [s for sentences in split for s in sentences]
    if not flat:
        return []
    langs = [lang for sentences, (_, lang) in zip(split, passages, strict=True) for _ in sentences]
    return _pick(split, embedder.embed_passages(flat, langs) @ query)


def _pick(split: list[list[str]], scores: np.ndarray) -> list[str]:
    """Each passage's best-scoring sentence that is not a caption (when it has another)."""
    best, start = [], 0
    for sentences in split:
        window = scores[start : start + len(sentences)].copy()
        flags = caption_flags(sentences)
        if not all(flags):
            window[np.array(flags, dtype=bool)] = -np.inf
        best.append(strip_credit(sentences[int(np.argmax(window))]))
        start += len(sentences)
    return best


def scored_best(
    scorer: "SentenceScorer",
    question: str,
    passages: Sequence[tuple[list[str], str]],
) -> list[tuple[str, float]]:
    """For each passage, given as (its sentences, lang), its best sentence (not a caption
    while it has another) and that sentence's score, through `scorer`, whose cache then
    serves the answer's pages; one model call for all."""
    flat = [s for sentences, _ in passages for s in sentences]
    langs = [lang for sentences, lang in passages for _ in sentences]
    scores = scorer.scores(question, flat, langs)
    best, start = [], 0
    for sentences, _ in passages:
        if not sentences:
            best.append(("", 0.0))
            continue
        window = scores[start : start + len(sentences)].astype(np.float64)
        flags = caption_flags(sentences)
        if not all(flags):
            window[np.array(flags, dtype=bool)] = -np.inf
        i = int(np.argmax(window))
        best.append((strip_credit(sentences[i]), float(window[i])))
        start += len(sentences)
    return best


def plain_sentences(passage: Passage, article: Article) -> list[str]:
    """A passage's sentences, as the search splits them when no front says otherwise."""
    return split_sentences(passage.text, article.lang) or [passage.text]


class SentenceScorer:
    """Scores sentences against a question: what an answer's page needs when it is opened,
    not before. The question's vector is cached by the query encoder, and each sentence's
    vector here (it does not depend on the question), so an article shown before costs no
    model call; least recently used out past `cache_size` sentences."""

    def __init__(self, embedder: Embedder, queries: QueryEncoder, cache_size: int = 20_000) -> None:
        self.embedder = embedder
        self.queries = queries
        self.cache_size = cache_size
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._epoch = queries.epoch

    def scores(self, question: str, sentences: Sequence[str], langs: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        query = self.queries.encode(question)
        keys = list(zip(sentences, langs, strict=True))
        with self._lock:
            if self._epoch != self.queries.epoch:  # the centring changed: vectors are stale
                self._vectors.clear()
                self._epoch = self.queries.epoch
            known = {k: self._vectors[k] for k in keys if k in self._vectors}
            for k in known:
                self._vectors.move_to_end(k)
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        if missing:
            vectors = self.embedder.embed_passages([s for s, _ in missing], [g for _, g in missing])
            fresh = dict(zip(missing, vectors, strict=True))
            known.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > self.cache_size:
                    self._vectors.popitem(last=False)
        return np.array([float(known[k] @ query) for k in keys], dtype=np.float32)

    def best(self, question: str, passages: Sequence[tuple[str, str]]) -> list[str]:
        """For each (text, lang) passage, its sentence closest to `question`, as
        `best_sentences` picks it, from the cached vectors where it can."""
        split = [split_sentences(text, lang) or [text] for text, lang in passages]
        flat = [s for sentences in split for s in sentences]
        langs = [
            lang for sentences, (_, lang) in zip(split, passages, strict=True) for _ in sentences
        ]
        return _pick(split, self.scores(question, flat, langs)) if flat else []
