"""Repeated questions are not re-encoded; concurrent ones share encode calls."""

import threading
import time

import numpy as np
import pytest

from index.embedding.query_encoder import QueryEncoder
from tests.fakes import HashingEmbedder


class GatedEmbedder(HashingEmbedder):
    """Records each embed_queries batch; the first call waits until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.query_batches: list[list[str]] = []
        self.entered = threading.Event()
        self.gate = threading.Event()

    def embed_queries(self, texts):
        self.query_batches.append(list(texts))
        self.entered.set()
        assert self.gate.wait(30)
        return super().embed_queries(texts)


def _wait_until(condition, seconds: float = 30.0) -> None:
    """Readiness wait with a deadline (threads reaching a point), not a timing assumption."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "threads never got there"
        time.sleep(0.001)


def test_repeated_question_hits_the_cache():
    embedder = GatedEmbedder()
    embedder.gate.set()
    encoder = QueryEncoder(embedder)
    first = encoder.encode("Why was the summit dropped?")
    second = encoder.encode("  Why was the   summit dropped? ")
    assert np.array_equal(first, second)
    assert len(embedder.query_batches) == 1


def test_concurrent_questions_are_batched_into_one_call():
    embedder = GatedEmbedder()
    encoder = QueryEncoder(embedder)
    questions = [f"question {n}" for n in range(8)]
    results: dict[str, np.ndarray] = {}

    def ask(q: str) -> None:
        results[q] = encoder.encode(q)

    leader = threading.Thread(target=ask, args=(questions[0],))
    leader.start()
    assert embedder.entered.wait(30)  # the leader is inside its encode call
    followers = [threading.Thread(target=ask, args=(q,)) for q in questions[1:]]
    for thread in followers:
        thread.start()
    _wait_until(lambda: encoder.waiting == len(followers))
    embedder.gate.set()
    for thread in [leader, *followers]:
        thread.join(30)

    assert [len(batch) for batch in embedder.query_batches] == [1, 7]
    for q in questions:
        assert np.allclose(results[q], HashingEmbedder().embed_queries([q])[0])


def test_a_failing_encode_fails_every_waiter_and_recovers():
    class Broken(HashingEmbedder):
        fail = True

        def embed_queries(self, texts):
            if self.fail:
                raise RuntimeError("model crashed")
            return super().embed_queries(texts)

    embedder = Broken()
    encoder = QueryEncoder(embedder)
    with pytest.raises(RuntimeError, match="model crashed"):
        encoder.encode("a")
    embedder.fail = False
    assert encoder.encode("a").shape == (512,)


def test_cache_is_bounded():
    encoder = QueryEncoder(HashingEmbedder(), cache_size=3)
    for n in range(10):
        encoder.encode(f"q{n}")
    assert len(encoder._cache) == 3


class PoisonedEmbedder(GatedEmbedder):
    """Fails any call whose texts include a lone surrogate, as a real tokenizer does."""

    def embed_queries(self, texts):
        self.query_batches.append(list(texts))
        self.entered.set()
        assert self.gate.wait(30)
        for text in texts:
            text.encode("utf-8")  # UnicodeEncodeError on "\ud800"
        return HashingEmbedder.embed_queries(self, texts)


def test_a_poisoned_question_fails_alone_and_its_batch_is_answered():
    embedder = PoisonedEmbedder()
    encoder = QueryEncoder(embedder)
    questions = ["first question", "gold price", "bad \ud800 bytes", "summit", "rain", "storm"]
    results: dict[str, np.ndarray | BaseException] = {}

    def ask(q: str) -> None:
        try:
            results[q] = encoder.encode(q)
        except Exception as exc:
            results[q] = exc

    leader = threading.Thread(target=ask, args=(questions[0],))
    leader.start()
    assert embedder.entered.wait(30)
    followers = [threading.Thread(target=ask, args=(q,)) for q in questions[1:]]
    for thread in followers:
        thread.start()
    _wait_until(lambda: encoder.waiting == len(followers))
    embedder.gate.set()
    for thread in [leader, *followers]:
        thread.join(30)

    assert len(embedder.query_batches[1]) == 5  # the five arrived together, in one call
    assert isinstance(results["bad \ud800 bytes"], UnicodeEncodeError)
    for q in questions:
        if q != "bad \ud800 bytes":
            vector = results[q]
            assert isinstance(vector, np.ndarray)
            assert np.allclose(vector, HashingEmbedder().embed_queries([q])[0])
    assert encoder.encode("gold price").shape == (512,)  # cached, no new call
    assert len(embedder.query_batches) == 2 + 5
