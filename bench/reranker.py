"""What the optional cross-encoder reranker costs per question, and what it changes.

    python -m bench.reranker --model cross-encoder/mmarco-mMiniLMv2-L12-H384-v1 \
        [--questions bench/data/seed_questions.jsonl] [--candidates 20]
    python -m bench.reranker --untrained     # cost only: no trained cross-encoder here

Indexes the seed articles in a temporary data dir with the configured embedding model, then
asks every question without and with the reranker: p50/p95 latency of `ask`, and hit@1,
hit@5 and MRR@10 from the same evaluation as `newsbot eval`. `--untrained` builds a
cross-encoder from the bundled multilingual-e5-small with an untrained head: its latency is
that of any 12-layer, 384-wide cross-encoder (mmarco-mMiniLMv2-L12-H384's size), its ranking
is noise, so its quality is not printed.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bot.root import open_core
from bot.settings import Settings
from index.embedding.bundled import bundled_model_dir
from index.evaluation.runner import load_questions, run_questions, score
from index.news_index import NewsIndex

REPO = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = REPO / "bench" / "data" / "seed_questions.jsonl"


def untrained_cross_encoder(folder: Path) -> str:
    """The bundled e5-small with a fresh one-output head, saved as a cross-encoder."""
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    source = str(bundled_model_dir(Settings().model_cache_dir))
    config = AutoConfig.from_pretrained(source, num_labels=1)
    AutoModelForSequenceClassification.from_pretrained(source, config=config).save_pretrained(
        folder
    )
    AutoTokenizer.from_pretrained(source).save_pretrained(folder)
    return str(folder)


def latencies(news: NewsIndex, questions: list[str], repeat: int) -> list[float]:
    times = []
    for round_ in range(repeat):
        for q in questions:
            started = time.perf_counter()
            news.ask(f"{q} ({round_})", 5)  # distinct text: no query-cache hits
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", help="cross-encoder hub id or local path")
    parser.add_argument("--untrained", action="store_true", help="cost only, see above")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.model and not args.untrained:
        parser.error("give --model or --untrained")
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or untrained_cross_encoder(Path(tmp) / "cross-encoder")
        base = Settings(_env_file=None, data_dir=Path(tmp) / "data")
        with open_core(base, lock=True) as news:
            news.index_paths([REPO / "seeds"])
            embedding_model = news.stats().model
        name = "untrained head on the bundled e5-small (cost only)" if args.untrained else model
        print(
            f"reranker bench · cpus {os.cpu_count()} · embedding model {embedding_model} · "
            f"reranker {name} · "
            f"{len(questions)} questions x {args.repeat} · rerank {args.candidates}"
        )
        print(f"{'':<10} {'p50 ms':>8} {'p95 ms':>8} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7}")
        for label, reranker in (("without", None), ("with", model)):
            settings = base.model_copy(
                update={"reranker_model": reranker, "rerank_candidates": args.candidates}
            )
            with open_core(settings) as news:
                if reranker and news.searcher.reranker is None:
                    raise SystemExit(f"the reranker {reranker!r} could not be loaded")
                times = latencies(news, [q.question for q in questions], args.repeat)
                scores = score(run_questions(news, questions, 5), 5)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1]
            quality = (
                f"{scores.hit_at_1:>6.2f} {scores.hit_at_k:>6.2f} {scores.mrr_at_10:>7.2f}"
                if not (args.untrained and reranker)
                else f"{'-':>6} {'-':>6} {'-':>7}"
            )
            print(f"{label:<10} {p50:>8.1f} {p95:>8.1f} {quality}")


if __name__ == "__main__":
    main()
