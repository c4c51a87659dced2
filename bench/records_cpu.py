"""CPU time of the records' commonest operations on SQLite, to compare two versions of newsbot.

    python -m bench.records_cpu [--runs 3]

Saves 960 articles of ~2 KB in batches of 32, each batch marked embedded (the indexer's two
writes), then reads 300 of them one by one (`get`); prints the median CPU time (this process,
user + system) of the writes and per read. CPU rather than wall time: the writes' fsyncs and
a busy machine's waits are not the code's cost. Run it from each checkout to compare.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from index.models import Article
from index.store.article_db import ArticleDB


def once() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = ArticleDB(Path(folder) / "newsbot.sqlite3")
        articles = [
            Article(
                id=f"a{i}",
                source="s",
                url=None,
                title=f"t{i}",
                published=None,
                lang="en",
                content_hash=f"h{i}",
                text="word " * 400,
                outlet=None,
                source_id=None,
            )
            for i in range(960)
        ]
        start = time.process_time()
        for first in range(0, len(articles), 32):
            batch = articles[first : first + 32]
            db.save_many(batch, [a.id for a in batch])
            db.mark_embedded_many("collection", [(a, 3) for a in batch])
        writes = time.process_time() - start
        start = time.process_time()
        for article in articles[:300]:
            db.get(article.id)
        reads = (time.process_time() - start) / 300
        db.close()
    return writes, reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = [once() for _ in range(parser.parse_args().runs)]
    print(
        f"960 articles saved + marked embedded (batches of 32): "
        f"{statistics.median(r[0] for r in runs):.2f} s CPU; "
        f"get(): {statistics.median(r[1] for r in runs) * 1000:.2f} ms CPU"
    )


if __name__ == "__main__":
    main()
