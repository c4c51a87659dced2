"""How many passages real articles make, and what a degenerate document costs to index.

    python -m bench.passages_per_article [--model bundled] [--degenerate-mb 2]

Prints the distribution of passages per article (NTREX-128 documents in 9 languages, and the
seeds) with the configured model's tokenizer and passage budget: the grounds for the default
of NEWSBOT_MAX_PASSAGES_PER_ARTICLE. Then indexes one file of a single repeated word (the
case of issue 21: 2 MB, 2,581 passages, 302 s) and one of as many distinct sentences, and
prints the time and the report line of each. Figures only; nothing is asserted.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.corpus import LANGS, write_ntrex_articles
from bot.root import open_core
from bot.settings import Settings
from index.passages.chunking import chunk_text
from index.passages.language import detect_language

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--degenerate-mb", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_ntrex_articles(root / "in", langs=LANGS)
        overrides: dict[str, object] = {"data_dir": root / "data"}
        if args.model:
            overrides["embedding_model"] = args.model
        settings = Settings(**overrides)  # type: ignore[arg-type]
        with open_core(settings, lock=True) as news:
            embedder = news.embedder
            budget = embedder.passage_token_budget
            files = sorted((root / "in").glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
            counts, chars = [], []
            for path in files:
                text = path.read_text(encoding="utf-8")
                lang = detect_language(text)
                counts.append(len(chunk_text(text, lang, embedder.count_tokens, budget)))
                chars.append(len(text))
            print(f"model {news.stats().model}, passage budget {budget} tokens")
            print(f"{len(counts)} articles (NTREX-128 x {len(LANGS)} languages + seeds)")
            print(
                f"characters per article: median {statistics.median(chars):,.0f}, "
                f"max {max(chars):,}"
            )
            q = statistics.quantiles(counts, n=100)
            print(
                f"passages per article: median {statistics.median(counts):.0f}, p90 {q[89]:.0f}, "
                f"p99 {q[98]:.0f}, max {max(counts)}; chars per passage "
                f"{sum(chars) / sum(counts):,.0f}"
            )
            print(
                f"default bound {settings.max_passages_per_article} passages ~ "
                f"{settings.max_passages_per_article * sum(chars) / sum(counts):,.0f} characters"
            )

            size = int(args.degenerate_mb * 1_000_000)
            words = ("word " * (size // 5 + 1))[:size]
            distinct = " ".join(
                f"Report {n} says the talks moved on point {n * 7 % 1000}."
                for n in range(size // 40)
            )[:size]
            for label, text in (("one repeated word", words), ("distinct sentences", distinct)):
                folder = root / label.replace(" ", "-")
                folder.mkdir()
                (folder / "big.txt").write_text(text, encoding="utf-8")
                started = time.perf_counter()
                report = news.index_paths([folder])
                elapsed = time.perf_counter() - started
                print(f"{len(text):,} characters of {label}: indexed in {elapsed:.1f} s")
                print(f"  {report.summary()}")


if __name__ == "__main__":
    main()
