"""A model's vectors centred as one collection centres them.

A centred model (`CentredEmbedding`) centres on the means of its background text. A collection
may add means estimated from its own passages for languages the background lacks
(index/store/language_means.py); its passages, their sentences and the questions asked of it
must then all be centred with them. `CollectionEmbedder` is the model seen through such a
collection's `Centring`: the same identity (the estimates belong to the collection, whose name
the identity gives), the model's raw vectors, the collection's space.
"""

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from index.embedding.embedder import Embedder
from index.embedding.language_space import LanguageSpace
from index.embedding.profile import ModelProfile
from index.passages.language import detect_language


class RawModel(Embedder, Protocol):
    """A model that also gives its raw (not centred) vectors (`CentredEmbedding`)."""

    def raw_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def raw_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class Centring(Protocol):
    """A collection's language space, and a way to see another process's change of it."""

    def space(self) -> LanguageSpace: ...

    def refresh(self) -> None: ...


class CollectionEmbedder:
    """`model`'s raw vectors centred in `centring`'s space (an `Embedder`)."""

    def __init__(self, model: RawModel, centring: Centring) -> None:
        self.model = model
        self.centring = centring

    @property
    def identity(self) -> str:
        return self.model.identity

    @property
    def profile(self) -> ModelProfile:
        return self.model.profile

    @property
    def passage_token_budget(self) -> int:
        return self.model.passage_token_budget

    @property
    def backend(self) -> str:
        """The model's backend (torch, onnx, onnx-int8), for figures that name it."""
        return str(getattr(self.model, "backend", "torch"))

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def generation(self) -> tuple[str, ...]:
        """Names the space now (after reading the collection's record again): vectors
        centred under another generation must not be mixed with new ones."""
        self.centring.refresh()
        return tuple(self.centring.space().langs)

    def embed_passages(
        self, texts: Sequence[str], langs: Sequence[str] | None = None
    ) -> np.ndarray:
        vectors = self.model.raw_passages(texts)
        if langs is None:
            langs = [detect_language(text) for text in texts]
        return self.centring.space().centre_passages(vectors, langs)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.centring.space().centre_queries(self.model.raw_queries(texts))
