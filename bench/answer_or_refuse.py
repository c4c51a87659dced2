"""Answer or refuse, at scale, in several languages: is "nothing relevant found" right?

Built from XQuAD-R (48 Wikipedia articles, 240 paragraphs, the same 1,190 questions in each
language). The paragraphs of the even-numbered articles are indexed through newsbot's own
indexing (chunking, the configured model, Chroma), each paragraph in ONE language, the
languages taking turns, so most answers must cross a language. The odd-numbered articles are
absent: their questions are unanswerable (same genre, other topics). Every question is asked
in every language and decided as newsbot decides: answered when its best passage scores at
least the "answers" threshold (`close_score`; below it newsbot shows the nearest passages, or
nothing below `min_score`).

Questions are split in two halves by id: the threshold that maximises accuracy on the first
(dev) half is reported, and every figure is measured on the other (test) half, both at that
threshold and at the configured one (the model profile's, or NEWSBOT_MIN_SCORE).

    python -m bench.answer_or_refuse [--langs en,de,ru,zh,hi,vi] [--limit 400] [--articles test]

With the bundled model (fine-tuned on articles 0-15), measure with `--articles test`.

accuracy: answerable questions answered plus unanswerable ones refused, over all;
precision / recall of answering: of the questions answered, the share answerable / of the
answerable questions, the share answered; hit@5: answerable questions with a passage of their
paragraph among the first five.
"""

import argparse
import json
import os
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.xquad_r import ARTICLES
from bot.root import open_core
from bot.settings import Settings
from index.models import ExtractedDocument, SourceDocument
from index.news_index import NewsIndex
from index.store.indexer import article_id_for

XQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "xquad-r"
LANGS = "en,de,ru,zh,hi,vi"


@dataclass(frozen=True)
class Asked:
    lang: str
    answerable: bool
    dev: bool
    best: float  # the best passage's score
    hit5: bool  # a passage of the question's paragraph among the first five


def corpus(
    langs: list[str], articles: range = ARTICLES["all"]
) -> tuple[list[SourceDocument], list[tuple[str, str, str, int, bool]]]:
    """(documents to index, questions as (lang, id, text, paragraph, answerable)), of the
    articles in `articles` only."""
    data = {lang: json.loads((XQUAD / f"{lang}.json").read_text("utf-8"))["data"] for lang in langs}
    documents, questions = [], []
    number = 0
    for article, _ in enumerate(data[langs[0]]):
        if article not in articles:
            continue
        indexed = article % 2 == 0
        for p, _ in enumerate(data[langs[0]][article]["paragraphs"]):
            if indexed:
                lang = langs[number % len(langs)]
                paragraph = data[lang][article]["paragraphs"][p]
                documents.append(
                    SourceDocument(
                        key=f"xquad://{number}",
                        source="XQuAD-R",
                        document=ExtractedDocument(
                            text=paragraph["context"], title=f"paragraph {number}"
                        ),
                    )
                )
            for lang in langs:
                for qa in data[lang][article]["paragraphs"][p]["qas"]:
                    questions.append((lang, qa["id"], qa["question"], number, indexed))
            number += 1
    return documents, questions


def ask_all(news: NewsIndex, questions: list[tuple[str, str, str, int, bool]]) -> list[Asked]:
    """Each question's best score and hit@5, through the index's own query path."""
    vectors = news.embedder.embed_queries([text for _, _, text, _, _ in questions])
    asked = []
    for (lang, qid, _, paragraph, answerable), vector in zip(questions, vectors, strict=True):
        found = news.store.query(vector, 5)
        asked.append(
            Asked(
                lang=lang,
                answerable=answerable,
                dev=zlib.crc32(qid.encode()) % 2 == 0,
                best=max((c.score for c in found), default=-1.0),
                hit5=article_id_for(f"xquad://{paragraph}")
                in {c.passage.article_id for c in found},
            )
        )
    return asked


def figures(asked: list[Asked], threshold: float) -> dict[str, float]:
    answered = np.array([a.best >= threshold for a in asked])
    answerable = np.array([a.answerable for a in asked])
    right = answered == answerable
    both = answered & answerable
    return {
        "accuracy": float(right.mean()),
        "precision": float(both.sum() / max(1, answered.sum())),
        "recall": float(both.sum() / max(1, answerable.sum())),
        "hit@5": float(np.mean([a.hit5 for a in asked if a.answerable])),
        "questions": float(len(asked)),
    }


def best_threshold(asked: list[Asked]) -> float:
    """The threshold with the best mean accuracy over the languages (ties: the highest)."""
    langs = sorted({a.lang for a in asked})
    candidates = sorted({round(a.best, 3) for a in asked})

    def mean_accuracy(t: float) -> float:
        return float(np.mean([figures([a for a in asked if a.lang == g], t)["accuracy"]
                              for g in langs]))  # fmt: skip

    return max(candidates, key=lambda t: (mean_accuracy(t), t))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--langs", default=LANGS)
    parser.add_argument("--limit", type=int, default=None, help="questions per language")
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--articles",
        choices=sorted(ARTICLES),
        default="all",
        help="test: XQuAD-R articles 16-47 only, never trained on (bench/train_adapter.py)",
    )
    args = parser.parse_args(argv)
    langs = args.langs.split(",")
    documents, questions = corpus(langs, ARTICLES[args.articles])
    if args.limit:  # evenly spaced over the articles, the same questions in every language
        ids = sorted({q[1] for q in questions}, key=lambda i: [q[1] for q in questions].index(i))
        step = max(1, len(ids) // args.limit)
        kept = set(ids[::step][: args.limit])
        questions = [q for q in questions if q[1] in kept]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, object] = {"data_dir": Path(tmp) / "data"}
        if args.model:
            overrides["embedding_model"] = args.model
        settings = Settings(**overrides)  # type: ignore[arg-type]
        with open_core(settings, lock=True) as news:
            news.index_documents(documents)
            asked = ask_all(news, questions)
            configured = news.searcher.close_score
            model, passages = news.stats().model, news.store.count()
    dev = [a for a in asked if a.dev]
    test = [a for a in asked if not a.dev]
    chosen = best_threshold(dev)
    print(
        f"answer or refuse · model {model} · cpus {os.cpu_count()} · articles {args.articles} · "
        f"{len(documents)} paragraphs "
        f"({passages} passages) · {len(asked)} questions · {time.perf_counter() - started:.0f}s"
    )
    print("\naccuracy on the test half by threshold (all languages; worst language):")
    for t in np.arange(0.20, 0.46, 0.02):
        worst = min(figures([a for a in test if a.lang == g], t)["accuracy"] for g in langs)
        print(f"  {t:.2f}  {figures(test, t)['accuracy']:.3f}  {worst:.3f}")
    for label, threshold in (("configured", configured), ("best on dev", chosen)):
        print(f"\nthreshold {threshold:.3f} ({label}), test half:")
        print(f"{'lang':<6}{'accuracy':>10}{'precision':>11}{'recall':>8}{'hit@5':>8}{'n':>6}")
        for lang in ["all", *langs]:
            group = test if lang == "all" else [a for a in test if a.lang == lang]
            f = figures(group, threshold)
            print(
                f"{lang:<6}{f['accuracy']:>10.3f}{f['precision']:>11.3f}{f['recall']:>8.3f}"
                f"{f['hit@5']:>8.3f}{int(f['questions']):>6}"
            )


if __name__ == "__main__":
    main()
