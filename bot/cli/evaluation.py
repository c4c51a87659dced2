"""`newsbot eval`: retrieval quality of the current index on a question set."""

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from index.evaluation.runner import Scores, load_questions, run_questions, score_by_language


def eval_command(
    questions_file: Annotated[
        Path, typer.Argument(help="JSON lines: id, lang, question, relevant")
    ],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="hit@k cut-off")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Score the index on a question set: hit@1, hit@k, MRR@10, honest refusals; per language."""
    from bot.cli.common import open_root, reporting_errors

    with reporting_errors(), open_root() as root:  # the settings first: a bad one says so
        questions = load_questions(questions_file)
        news = root.core()
        groups = score_by_language(run_questions(news, questions, k), k)
        model, thresholds = news.stats().model, news.thresholds()
        mode, threshold, close = thresholds.mode, thresholds.min_score, thresholds.close_score
    if as_json:
        payload = {
            "model": model,
            "retrieval": mode,
            "min_score": threshold,
            "close_score": close,
            "k": k,
            "groups": {name: dataclasses.asdict(s) for name, s in groups.items()},
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    title = f"{model} · {mode} · shown from {threshold:.2f}, answers from {close:.2f}"
    Console().print(_table(groups, k, escape(title)))


def _table(groups: dict[str, Scores], k: int, title: str) -> Table:
    table = Table(title=title)
    for column in (
        "questions",
        "hit@1",
        f"hit@{k}",
        "MRR@10",
        "answered (answerable)",
        "refused (unanswerable)",
    ):
        table.add_column(column, justify="right")
    table.add_column("lang", justify="left")
    for name, s in groups.items():
        refused = (
            "–" if s.refused_when_unanswerable is None else f"{s.refused_when_unanswerable:.2f}"
        )
        table.add_row(
            str(s.questions),
            f"{s.hit_at_1:.2f}",
            f"{s.hit_at_k:.2f}",
            f"{s.mrr_at_10:.2f}",
            f"{s.answered_when_answerable:.2f}",
            refused,
            escape(name),
        )
    return table
