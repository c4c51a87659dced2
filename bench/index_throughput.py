"""Indexing throughput: articles/s, passages/s and peak memory, on NTREX news articles.

    python -m bench.index_throughput [--langs eng,hin,vie] [--model PATH]

Prints figures only. The model is the configured one (NEWSBOT_EMBEDDING_MODEL or --model).
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from bench.corpus import LANGS, write_ntrex_articles
from index.news_index import NewsIndex
from index.settings import IndexSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        articles = write_ntrex_articles(Path(tmp) / "in", langs=tuple(args.langs.split(",")))
        overrides = {"data_dir": Path(tmp) / "data"}
        if args.model:
            overrides["embedding_model"] = args.model
        settings = IndexSettings(**overrides)  # type: ignore[arg-type]
        with NewsIndex.open(settings, writer=True) as news:
            news.embedder.embed_passages(["warm up"])
            started = time.perf_counter()
            report = news.index_paths([Path(tmp) / "in"])
            elapsed = time.perf_counter() - started
            model = news.stats().model
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"index throughput · model {model} · cpus {os.cpu_count()} · {articles} articles")
    print(f"{report.summary()}")
    print(
        f"{elapsed:.1f}s · {report.new / elapsed:.1f} articles/s · "
        f"{report.passages / elapsed:.1f} passages/s · peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
