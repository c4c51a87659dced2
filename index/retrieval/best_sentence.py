"""The sentence of a passage that best matches a query: what answers and alerts put in bold."""

from collections.abc import Sequence

import numpy as np

from index.embedding.embedder import Embedder
from index.passages.sentences import split_sentences


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
        window = scores[start : start + len(sentences)]
        best.append(sentences[int(np.argmax(window))])
        start += len(sentences)
    return best
