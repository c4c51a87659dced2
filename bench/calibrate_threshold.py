"""Choose the "nothing relevant" threshold of a model from a question set.

For each question the best candidate's cosine score decides answered/refused. The chosen
threshold maximises correct decisions: answerable questions answered plus unanswerable ones
refused (ties: the highest such threshold, to show as little noise as possible).

    NEWSBOT_DATA_DIR=... python -m bench.calibrate_threshold bench/data/seed_questions.jsonl
"""

import argparse
import math
import os
from pathlib import Path

from bot.root import open_core
from bot.settings import Settings
from index.evaluation.runner import load_questions


def sweep(best_scores: list[tuple[float, bool]]) -> tuple[float, int, list[tuple[float, int]]]:
    """(threshold, correct decisions, curve) over candidate thresholds just below each score."""
    candidates = sorted({math.floor(score * 100) / 100 for score, _ in best_scores} | {0.0, 1.0})
    curve = [
        (t, sum((score >= t) == answerable for score, answerable in best_scores))
        for t in candidates
    ]
    best = max(curve, key=lambda point: (point[1], point[0]))
    return best[0], best[1], curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("questions", type=Path)
    args = parser.parse_args()
    questions = load_questions(args.questions)
    with open_core(Settings()) as news:
        scored = []
        for q in questions:
            answer = news.ask(q.question, 10, candidates=True)
            top = max((h.score for h in answer.candidates), default=0.0)
            scored.append((top, bool(q.relevant)))
            print(
                f"{q.id:<8} {q.lang}  best {top:.3f}  {'answerable' if q.relevant else 'no answer'}"
            )
        model = news.stats().model
    threshold, correct, curve = sweep(scored)
    print(f"model {model} · cpus {os.cpu_count()} · mode {news.searcher.mode}")
    print("threshold  correct decisions")
    for t, n in curve:
        print(f"{t:9.2f}  {n}/{len(scored)}{'  <- chosen' if t == threshold else ''}")


if __name__ == "__main__":
    main()
