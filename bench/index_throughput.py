"""Indexing throughput: articles/s, passages/s and peak memory, on NTREX news articles.

    python -m bench.index_throughput [--langs eng,hin,vie] [--model PATH] [--backend onnx]

Prints figures only: wall and CPU time (user + system, what load inflates least), the passages'
mean length in the model's tokens and tokens/s, peak RSS. The model and backend are the
configured ones (NEWSBOT_EMBEDDING_MODEL, NEWSBOT_EMBEDDING_BACKEND, default `auto`) unless
given.
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from bench.corpus import LANGS, write_ntrex_articles
from bot.root import open_core
from bot.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--model", default=None)
    parser.add_argument("--backend", default=None, choices=["auto", "torch", "onnx", "onnx-int8"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        articles = write_ntrex_articles(Path(tmp) / "in", langs=tuple(args.langs.split(",")))
        overrides = {"data_dir": Path(tmp) / "data"}
        if args.model:
            overrides["embedding_model"] = args.model
        if args.backend:
            overrides["embedding_backend"] = args.backend
        settings = Settings(**overrides)  # type: ignore[arg-type]
        with open_core(settings, lock=True) as news:
            news.embedder.embed_passages(["warm up"])
            started, cpu_started = time.perf_counter(), time.process_time()
            report = news.index_paths([Path(tmp) / "in"])
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            model = news.stats().model
            backend = getattr(news.embedder, "backend", "?")
            _, texts = news.store.all_texts()
            tokens = sum(news.embedder.count_tokens(text) for text in texts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"index throughput · model {model} · backend {backend} · cpus {os.cpu_count()} · "
        f"{articles} articles · load {os.getloadavg()[0]:.1f}"
    )
    print(f"{report.summary()}")
    print(
        f"{elapsed:.1f}s · {report.new / elapsed:.1f} articles/s · "
        f"{report.passages / elapsed:.1f} passages/s · peak RSS {peak_mb:.0f} MB"
    )
    print(
        f"{tokens / max(len(texts), 1):.0f} tokens a passage on average · "
        f"{tokens / elapsed:.0f} tokens/s · {cpu:.1f} CPU s ({report.passages / cpu:.1f} "
        "passages a CPU-second)"
    )


if __name__ == "__main__":
    main()
