"""The query path's one real cost, the question's embedding: cached, and batched under load.

Batching needs no timer. The first caller becomes the leader and encodes; callers who arrive
meanwhile queue up, and the leader encodes all of them in one call when it is done, then
hands back the lead when the queue is empty. Under no load a question is encoded at once;
under load, each encode call serves everyone who was waiting.
"""

import threading
from collections import OrderedDict
from concurrent.futures import Future

import numpy as np

from index.embedding import Embedder


class QueryEncoder:
    """Thread-safe `encode(question)` with an LRU cache and micro-batching."""

    def __init__(self, embedder: Embedder, cache_size: int = 2048) -> None:
        self.embedder = embedder
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._pending: list[tuple[str, Future[np.ndarray]]] = []
        self._busy = False
        self._lock = threading.Lock()

    def encode(self, question: str) -> np.ndarray:
        key = " ".join(question.split())
        future: Future[np.ndarray] = Future()
        with self._lock:
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return cached
            self._pending.append((key, future))
            leader = not self._busy
            self._busy = True
        if leader:
            self._drain()
        return future.result()

    @property
    def waiting(self) -> int:
        """Questions queued for the next encode call (for tests and metrics)."""
        with self._lock:
            return len(self._pending)

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._busy = False
                    return
            texts = list(dict.fromkeys(key for key, _ in batch))
            try:
                vectors = dict(zip(texts, self.embedder.embed_queries(texts), strict=True))
            except BaseException as exc:  # every waiter gets the failure, none hangs
                for _, future in batch:
                    future.set_exception(exc)
                continue
            with self._lock:
                for text, vector in vectors.items():
                    self._cache[text] = vector
                    self._cache.move_to_end(text)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            for key, future in batch:
                future.set_result(vectors[key])
