"""The sentence of a passage that best matches a query: what answers and alerts put in bold.

Photo captions, credits and bylines are never chosen while the passage has another sentence.
"""

from collections.abc import Sequence

import numpy as np

from index.embedding.embedder import Embedder
from index.embedding.query_encoder import QueryEncoder
from index.passages.sentences import is_caption_or_byline, split_sentences


def best_sentences(
    embedder: Embedder, query: np.ndarray, passages: Sequence[tuple[str, str]]
) -> list[str]:
    """For each (text, lang) passage, its sentence closest to `query`; one batch for all."""
    split = [split_sentences(text, lang) or [text] for text, lang in passages]
    flat = [s for sentences in split for s in sentences]
    if not flat:
        return []
    langs = [lang for sentences, (_, lang) in zip(split, passages, strict=True) for _ in sentences]
    scores = embedder.embed_passages(flat, langs) @ query
    best, start = [], 0
    for sentences in split:
        window = scores[start : start + len(sentences)].copy()
        for i, sentence in enumerate(sentences):
            if is_caption_or_byline(sentence) and len(sentences) > 1:
                window[i] = -np.inf
        best.append(sentences[int(np.argmax(window))])
        start += len(sentences)
    return best


class SentenceScorer:
    """Scores sentences against a question, the question's vector cached by the encoder:
    what an answer's page needs when it is opened, not before."""

    def __init__(self, embedder: Embedder, queries: QueryEncoder) -> None:
        self.embedder = embedder
        self.queries = queries

    def scores(self, question: str, sentences: Sequence[str], langs: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        query = self.queries.encode(question)
        return np.asarray(self.embedder.embed_passages(list(sentences), list(langs)) @ query)
