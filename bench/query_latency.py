"""Query latency of `ask` (p50/p95) at 1k, 10k and 100k passages.

    python -m bench.query_latency [--sizes 1000,10000,100000] [--queries 50] [--mode auto]

The base corpus is NTREX-128 (real news, 9 languages) indexed with the configured model. Larger
sizes add synthetic variations: copies of real passages whose vectors get small Gaussian noise
(re-normalised) and whose articles are stored in SQLite like real ones, so every query pays
the real costs: question embedding (distinct questions, so no cache hits), Chroma's HNSW
search, SQLite look-ups, BM25 where the mode uses it, and best-sentence scoring. Only the base
(--base-articles real articles, about 500 passages) is embedded by the model; the copies cost
no model call, so 100k passages are built in minutes.

Columns: the first question after the store grew (it also builds the lexical index the name
bonus reads), p50 and p95 of the next ones (the warm path), and p50/p95 of the vector store's
query alone (Chroma's HNSW, 40 candidates), the part that grows with the store.
"""

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.corpus import write_ntrex_articles
from bot.root import open_core
from bot.settings import Settings
from index.models import Article, Passage
from index.news_index import NewsIndex


def grow(news: NewsIndex, target: int, rng: np.random.Generator) -> None:
    """Add synthetic passages (and their articles) until the store holds `target`: copies of
    the real passages, vectors moved by small Gaussian noise (re-normalised), each copy's
    articles saved in one transaction, its passages upserted 2,000 at a time. No model call."""
    ids, texts = news.store.all_texts()
    got = news.store._collection.get(ids=ids, include=["embeddings", "metadatas"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    articles = news.db.get_many(sorted({str(m["article_id"]) for m in got["metadatas"]}))
    copy = 0
    while news.store.count() < target:
        copy += 1
        need = min(len(ids), target - news.store.count())
        noisy = vectors[:need] + rng.normal(0, 0.05, vectors[:need].shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        copies: dict[str, Article] = {}
        passages = []
        for pid, text, meta in zip(ids[:need], texts[:need], got["metadatas"][:need], strict=True):
            original = articles[str(meta["article_id"])]
            article = copies.setdefault(
                original.id,
                replace(
                    original,
                    id=f"{original.id}-{copy}",
                    content_hash=f"{original.content_hash}-{copy}",
                ),
            )
            passages.append(
                Passage(id=f"{pid}-{copy}", article_id=article.id, seq=int(meta["seq"]), text=text)
            )
        news.db.save_many(copies.values(), new_ids=())
        for start in range(0, len(passages), 2000):
            news.store.upsert(passages[start : start + 2000], noisy[start : start + 2000], "und")


def measure(news: NewsIndex, questions: list[str]) -> tuple[float, float, float, float, float]:
    """(first query incl. the lexical index's build, p50, p95 of `ask`, p50, p95 of the
    vector store's query alone) in milliseconds."""
    timings = []
    for question in questions:
        started = time.perf_counter()
        news.ask(question, 5)
        timings.append((time.perf_counter() - started) * 1000)
    first, rest = timings[0], sorted(timings[1:])
    vectors = news.embedder.embed_queries(questions)
    store = []
    for vector in vectors:
        started = time.perf_counter()
        news.store.query(vector, 40)
        store.append((time.perf_counter() - started) * 1000)
    store.sort()
    return first, statistics.median(rest), pct95(rest), statistics.median(store), pct95(store)


def pct95(sorted_ms: list[float]) -> float:
    return sorted_ms[int(0.95 * (len(sorted_ms) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--mode", default="auto", choices=["auto", "dense", "lexical", "hybrid"])
    parser.add_argument("--base-articles", type=int, default=100, help="real NTREX articles")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    sizes = [int(s) for s in args.sizes.split(",")]
    questions = [
        f"What happened in story number {n} about the election and the economy?"
        for n in range(args.queries)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        write_ntrex_articles(Path(tmp) / "in")
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", retrieval=args.mode)
        with open_core(settings, lock=True) as news:
            files = sorted((Path(tmp) / "in").glob("*.txt"))
            rng.shuffle(files)  # languages mixed
            news.index_paths(files[: args.base_articles])
            base = news.store.count()
            print(
                f"query latency · model {news.stats().model} · cpus {os.cpu_count()} · "
                f"mode {news.searcher.mode} · NTREX base {base} passages · {args.queries} questions"
            )
            print(
                f"load {os.getloadavg()[0]:.1f}\n"
                f"{'passages':>9} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8}"
                f" {'store p50':>10} {'store p95':>10}"
            )
            for size in sizes:
                if size > news.store.count():
                    grow(news, size, rng)
                first, p50, p95, s50, s95 = measure(news, [f"{q} ({size})" for q in questions])
                note = "" if size <= base else " (synthetic beyond base)"
                print(
                    f"{news.store.count():>9} {first:>9.0f} {p50:>8.1f} {p95:>8.1f}"
                    f" {s50:>10.1f} {s95:>10.1f}{note}  load {os.getloadavg()[0]:.1f}"
                )


if __name__ == "__main__":
    main()
