"""Deterministic stand-ins that ship beside the real things (no mocks).

HashingEmbedder is a real, if crude, embedding: hashed character trigrams of each word. Texts
that share words are close, so search logic can be tested in milliseconds and exactly.
"""

import hashlib
from collections.abc import Sequence

import numpy as np

from index.embedding.profile import ModelProfile, profile_for


class HashingEmbedder:
    """Bag of hashed character trigrams, L2-normalised; one token per word."""

    def __init__(self, dimension: int = 512, budget: int = 40) -> None:
        self.dimension = dimension
        self.budget = budget
        self.calls: list[int] = []  # batch sizes of embed_passages, to assert on work done

    @property
    def identity(self) -> str:
        return f"fake-hashing|{self.dimension}"

    @property
    def profile(self) -> ModelProfile:
        return profile_for("fake-hashing")

    @property
    def passage_token_budget(self) -> int:
        return self.budget

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed_passages(
        self, texts: Sequence[str], langs: Sequence[str] | None = None
    ) -> np.ndarray:
        self.calls.append(len(texts))
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                word = word.strip(".,!?;:\"'()«»“”।")
                padded = f"#{word}#"
                for i in range(max(1, len(padded) - 2)):
                    digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest()
                    out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
