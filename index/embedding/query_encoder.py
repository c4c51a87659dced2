"""The query path's one real cost, the question's embedding: cached, and batched under load.

Batching needs no timer. The first caller becomes the leader and encodes; callers who arrive
meanwhile queue up, and the leader encodes all of them in one call when it is done, then
hands back the lead when the queue is empty. Under no load a question is encoded at once;
under load, each encode call serves everyone who was waiting.

One question must never cost the others their answer: when a batch fails, its questions are
encoded again one by one, and only the one(s) that fail alone get the error.

An embedder whose centring can change (a collection that estimated a language's mean:
index/store/language_means.py) says so through `generation()`; the cache is then emptied, and
`epoch` tells the caches built on this one (best sentences) to empty theirs.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np

from index.embedding.embedder import Embedder


class QueryEncoder:
    """Thread-safe `encode(question)` with an LRU cache and micro-batching."""

    def __init__(self, embedder: Embedder, cache_size: int = 2048) -> None:
        self.embedder = embedder
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._pending: list[tuple[str, Future[np.ndarray]]] = []
        self._busy = False
        self._lock = threading.Lock()
        self._generation: Callable[[], object] | None = getattr(embedder, "generation", None)
        self._seen: object = None if self._generation is None else self._generation()
        self.epoch = 0  # bumped when cached vectors were centred otherwise than new ones

    def encode(self, question: str) -> np.ndarray:
        key = " ".join(question.split())
        future: Future[np.ndarray] = Future()
        generation = self._seen if self._generation is None else self._generation()
        with self._lock:
            if generation != self._seen:
                self._cache.clear()
                self._seen = generation
                self.epoch += 1
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
                vectors, failures = self._embed(texts)
            except BaseException as exc:  # interrupted: every waiter gets it, none hangs
                vectors, failures = {}, dict.fromkeys(texts, exc)
            for key, future in batch:
                if key in failures:
                    future.set_exception(failures[key])
            batch = [(key, future) for key, future in batch if key not in failures]
            with self._lock:
                for text, vector in vectors.items():
                    self._cache[text] = vector
                    self._cache.move_to_end(text)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            for key, future in batch:
                future.set_result(vectors[key])

    def _embed(self, texts: list[str]) -> tuple[dict[str, np.ndarray], dict[str, BaseException]]:
        """Vectors for `texts` in one call; if that fails, one call per text, so only the
        texts that fail alone fail (each with its own error)."""
        try:
            return dict(zip(texts, self.embedder.embed_queries(texts), strict=True)), {}
        except Exception as exc:
            if len(texts) == 1:
                return {}, {texts[0]: exc}
        vectors: dict[str, np.ndarray] = {}
        failures: dict[str, BaseException] = {}
        for text in texts:
            try:
                vectors[text] = self.embedder.embed_queries([text])[0]
            except Exception as exc:
                failures[text] = exc
        return vectors, failures
