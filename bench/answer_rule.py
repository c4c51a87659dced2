"""Calibrate the answer rule on news: the product benchmark's corpus and its DEV questions.

A question is answered when its answer score (the best of (passage cosine + its best
sentence's cosine) / 2 over the top passages, plus the name bonus; index/retrieval/search.py)
reaches the profile's `close_score`. For each name bonus tried, every dev question is asked
once as the bot asks it; then each threshold is scored: answer-or-refuse accuracy (answerable
answered, near misses not), overall and per question language, and article hit@1 (the first
story block on the question's story). The threshold printed is the middle of the best run
of thresholds. Report figures with `bench.product --split test`, never these.

    NEWSBOT_MODEL_CACHE_DIR=/work/cache/models HF_HUB_OFFLINE=1 \\
        python -m bench.answer_rule [--data-dir DIR] [--bonus 0 0.05 0.1]

`--data-dir` reuses an index of the product corpus (else one is built in a temp dir, minutes).
"""

import argparse
import tempfile
from pathlib import Path, PurePosixPath

import numpy as np

from bench.product_corpus import Question, corpus_articles, load_questions, story_of
from bot.root import open_core
from bot.settings import Settings
from index.answers.pages import group_hits
from index.news_index import NewsIndex

THRESHOLDS = np.round(np.arange(0.20, 0.46, 0.005), 3)


def ask(news: NewsIndex, questions: list[Question], k: int) -> list[tuple[Question, float, bool]]:
    """(question, answer score, first story on the question's story) per question."""
    rows = []
    for q in questions:
        answer = news.ask(q.question, k, sentences=False)
        blocks = [PurePosixPath(hits[0].article.source).name for hits in group_hits(answer.hits)]
        on_story = bool(blocks) and story_of(blocks[0]) in q.story
        rows.append((q, answer.answer_score, on_story))
    return rows


def sweep(rows: list[tuple[Question, float, bool]]) -> tuple[float, float]:
    """Print accuracy per threshold; return the chosen threshold and its accuracy."""
    accuracy = np.array(
        [np.mean([(s >= t) == q.answerable for q, s, _ in rows]) for t in THRESHOLDS]
    )
    top = accuracy.max()
    best = np.flatnonzero(accuracy == top)
    run = best[: np.argmax(np.diff(np.append(best, best[-1] + 2)) > 1) + 1]  # first run
    chosen = float(THRESHOLDS[run[len(run) // 2]])
    for t, a in zip(THRESHOLDS, accuracy, strict=True):
        if abs(t - chosen) <= 0.05:
            print(f"    close_score {t:.3f}: answer-or-refuse {a:.3f}")
    langs = sorted({q.lang for q, _, _ in rows})
    per = {
        lang: np.mean([(s >= chosen) == q.answerable for q, s, _ in rows if q.lang == lang])
        for lang in langs
    }
    print("    per language at", chosen, " ".join(f"{g} {v:.2f}" for g, v in per.items()))
    hit1 = np.mean([on for q, _, on in rows if q.answerable])
    answerable = [s for q, s, _ in rows if q.answerable]
    misses = [s for q, s, _ in rows if not q.answerable]
    print(
        f"    article hit@1 {hit1:.3f}; answerable scores median {np.median(answerable):.3f} "
        f"min {min(answerable):.3f}; near misses median {np.median(misses):.3f} "
        f"max {max(misses):.3f}"
    )
    return chosen, float(top)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--bonus", type=float, nargs="+", default=[0.0, 0.05, 0.1])
    parser.add_argument("--k", type=int, default=15, help="passages asked for (the bot's)")
    args = parser.parse_args(argv)
    questions = load_questions(split="dev")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        settings = Settings(_env_file=None, data_dir=data_dir)
        with open_core(settings, lock=args.data_dir is None) as news:
            if args.data_dir is None:
                corpus = Path(tmp) / "corpus"
                corpus.mkdir()
                for name, text in corpus_articles().items():
                    (corpus / name).write_text(text, encoding="utf-8")
                news.index_paths([corpus])
            news.warm_up()
            print(f"{len(questions)} dev questions, {news.db.count()} articles")
            for bonus in args.bonus:
                news.searcher.name_bonus = bonus
                print(f"name_bonus {bonus}:")
                chosen, top = sweep(ask(news, questions, args.k))
                print(f"  -> close_score {chosen:.3f} (answer-or-refuse {top:.3f})")


if __name__ == "__main__":
    main()
