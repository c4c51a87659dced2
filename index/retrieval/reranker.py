"""An optional second opinion on the order of the passages shown: a cross-encoder.

A bi-encoder compares two vectors computed apart; a cross-encoder reads the question and the
passage together, which ranks better and costs one model pass per passage. So it reorders
only the few relevant candidates of a question, and never decides relevance: the cosine
threshold still does, so "nothing relevant found" means the same with or without it.
"""

import functools
import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index.embedding.embedder import load_hub_model
from index.settings import RerankSettings

if TYPE_CHECKING:  # heavy; imported when a reranker is configured
    from sentence_transformers import CrossEncoder

log = logging.getLogger(__name__)


class Reranker:
    """Scores (question, passage) pairs with a sentence-transformers CrossEncoder."""

    def __init__(self, model: "CrossEncoder", candidates: int) -> None:
        self.model = model
        self.candidates = candidates  # how many of the best relevant passages it reorders
        self._lock = threading.Lock()  # one forward pass at a time: torch uses every core

    def scores(self, question: str, passages: Sequence[str]) -> list[float]:
        """One score per passage, higher is better (the model's own scale)."""
        if not passages:
            return []
        with self._lock:
            raw = self.model.predict(
                [(question, p) for p in passages], show_progress_bar=False, convert_to_numpy=True
            )
        return [float(x) for x in raw.reshape(len(passages), -1)[:, 0]]

    def order(self, question: str, passages: Sequence[str]) -> list[int]:
        """Indexes of `passages`, best first; ties keep the order they came in."""
        scores = self.scores(question, passages)
        return sorted(range(len(passages)), key=lambda i: -scores[i])


def load_reranker(settings: RerankSettings) -> Reranker | None:
    """The configured cross-encoder, or None: off, or it cannot be loaded (said loudly)."""
    if not settings.model:
        return None
    return _load_cached(settings.model, settings.device, settings.candidates)


@functools.lru_cache(maxsize=2)
def _load_cached(name: str, device: str, candidates: int) -> Reranker | None:
    from sentence_transformers import CrossEncoder

    try:
        model = load_hub_model(CrossEncoder, name, device)
    except Exception as exc:  # a missing reranker must not take the answers down with it
        log.warning(
            "reranker %r could not be loaded (%s); answers keep the retrieval order. "
            "Fix: a local copy with NEWSBOT_RERANKER_MODEL=/path/to/model, or unset it.",
            name,
            str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__,
        )
        return None
    return Reranker(model, candidates)
