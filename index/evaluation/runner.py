"""Run a question set against the index and score it, overall and per question language.

A question file is JSON lines: {"id", "lang", "question", "relevant": [{"doc", "contains"}]}.
A returned passage is relevant when it comes from `doc` (matched against the article's file
name or URL) and its text contains `contains`. An empty `relevant` means nothing in the corpus
answers the question: the right answer is "nothing relevant found".
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from index.errors import InputError
from index.evaluation.metrics import hit_at, mean, reciprocal_rank
from index.models import Hit

if TYPE_CHECKING:
    from index.news_index import NewsIndex

MRR_DEPTH = 10


class RelevantSpan(BaseModel):
    doc: str
    contains: str


class EvalQuestion(BaseModel):
    id: str
    lang: str
    question: str
    relevant: list[RelevantSpan]


@dataclass(frozen=True)
class QuestionResult:
    question: EvalQuestion
    relevance: tuple[bool, ...]  # of the ranked candidates, best first
    answered: bool


@dataclass(frozen=True)
class Scores:
    """Metrics of a group of questions."""

    questions: int
    answerable: int
    hit_at_1: float
    hit_at_k: float
    mrr_at_10: float
    answered_when_answerable: float  # share not wrongly refused
    refused_when_unanswerable: float | None  # None when the group has no such question


def load_questions(path: Path) -> list[EvalQuestion]:
    """Parse and validate a question file, naming the line of any bad entry."""
    if not path.is_file():
        raise InputError(f"no such question file: {path}")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise InputError(
                f"{path}:{number}: not a question entry ({_first_line(exc)})"
            ) from None
    if not questions:
        raise InputError(f"{path} holds no questions")
    return questions


def is_relevant(hit: Hit, spans: Iterable[RelevantSpan]) -> bool:
    names = {PurePosixPath(hit.article.source).name, hit.article.source, hit.article.url or ""}
    return any(s.doc in names and s.contains in hit.passage.text for s in spans)


def run_questions(news: "NewsIndex", questions: list[EvalQuestion], k: int) -> list[QuestionResult]:
    results = []
    for q in questions:
        answer = news.ask(q.question, max(k, MRR_DEPTH), candidates=True)
        relevance = tuple(is_relevant(h, q.relevant) for h in answer.candidates)
        results.append(QuestionResult(q, relevance, answer.answered))
    return results


def score(results: list[QuestionResult], k: int) -> Scores:
    answerable = [r for r in results if r.question.relevant]
    unanswerable = [r for r in results if not r.question.relevant]
    return Scores(
        questions=len(results),
        answerable=len(answerable),
        hit_at_1=mean([hit_at(r.relevance, 1) for r in answerable]),
        hit_at_k=mean([hit_at(r.relevance, k) for r in answerable]),
        mrr_at_10=mean([reciprocal_rank(r.relevance, MRR_DEPTH) for r in answerable]),
        answered_when_answerable=mean([1.0 if r.answered else 0.0 for r in answerable]),
        refused_when_unanswerable=(
            mean([0.0 if r.answered else 1.0 for r in unanswerable]) if unanswerable else None
        ),
    )


def score_by_language(results: list[QuestionResult], k: int) -> dict[str, Scores]:
    """ "all" first, then each question language."""
    groups: dict[str, list[QuestionResult]] = {"all": results}
    for r in results:
        groups.setdefault(r.question.lang, []).append(r)
    return {name: score(group, k) for name, group in groups.items()}


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200]
