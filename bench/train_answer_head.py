"""A learned "answers / does not" head against the cosine answer rule, on XQuAD-R's fixed split.

The answer rule (index/retrieval/search.py) answers when the best of (passage cosine + its best
sentence's cosine) / 2 over the top 5 passages reaches a threshold. This script asks whether
a small logistic head over features of the same vectors decides better.

Data (issue 20's split): XQuAD-R in en, de, ru, zh, hi, vi (/work/shared/eval/xquad-r).
Articles 0-15 (the files' order) train, 16-47 evaluate. Within each range, as
bench/answer_or_refuse.py builds it: the paragraphs of even articles are indexed, each in ONE
language, the languages taking turns (six rotations, so each paragraph appears in each
language once); the odd articles are absent, so their questions are unanswerable. Every
question in every language is asked of every rotation. A paragraph is one passage; its
sentences are scored as the pages score them; all vectors are the bundled model's, centred as
newsbot centres them.

Features of a question: the rule's score, the best passage's cosine, its best sentence's,
the second passage's, the margin, the mean of the top 5; and, for the "vector" head, the
elementwise products of the question's vector with the best passage's and best sentence's
(2 x 384). Both heads are L2 logistic regressions (scikit-learn, features standardised), C
chosen among `CS` by 4-fold cross-validation grouped by training article; the rule's
threshold is the best on the training data ("best test threshold": the best on the test data
itself, an upper bound for any threshold). Left-out languages: for each language L the
threshold and the heads are fitted on the training articles without L (neither L's questions
nor L's passages), and measured on the test articles' questions in L.

    NEWSBOT_MODEL_CACHE_DIR=/work/cache/models HF_HUB_OFFLINE=1 NEWSBOT_BENCH_CACHE=/tmp/vectors \\
        nice -n 10 python -m bench.train_answer_head

Prints data, split, time and answer-or-refuse accuracy (answerable answered plus unanswerable
refused, over all) per question language. Nothing is written: see docs/adapter.md.
"""

import argparse
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.xquad_r import ARTICLES, DEFAULT_DIR, Pool, cached_raw, load_pool
from index.embedding.embedder import load_embedder
from index.embedding.language_space import LanguageSpace
from index.settings import IndexSettings

LANGS = ["en", "de", "ru", "zh", "hi", "vi"]
TOP = 5
CS = (0.001, 0.01, 0.1, 1.0)  # the heads' regularisation, chosen on the training articles


@dataclass
class Data:
    """One article range: centred vectors and what belongs to what."""

    pool: Pool
    paragraphs: np.ndarray  # (langs, paragraphs, dim) centred paragraph vectors
    sentences: np.ndarray  # (sentences, dim) centred
    questions: np.ndarray  # (questions, dim) centred
    article: np.ndarray  # article position of each paragraph number
    by_paragraph: dict[tuple[str, int], np.ndarray]  # (lang, paragraph) -> sentence rows


def contexts(articles: range, lang: str) -> tuple[list[str], list[int]]:
    data = json.loads((DEFAULT_DIR / f"{lang}.json").read_text(encoding="utf-8"))["data"]
    texts, positions = [], []
    for position, article in enumerate(data):
        if position in articles:
            for paragraph in article["paragraphs"]:
                texts.append(paragraph["context"])
                positions.append(position)
    return texts, positions


def paragraph_raw(embedder, articles: range) -> np.ndarray:
    folder = os.environ.get("NEWSBOT_BENCH_CACHE")
    texts = [contexts(articles, lang)[0] for lang in LANGS]
    flat = [t for group in texts for t in group]
    key = hashlib.sha1("\n".join([embedder.identity, *flat]).encode()).hexdigest()[:16]
    path = Path(folder) / f"xquad-paragraphs-{key}.npy" if folder else None
    if path and path.exists():
        return np.load(path)
    raw = embedder.raw_passages(flat).reshape(len(LANGS), len(texts[0]), -1)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, raw)
    return raw


def load(embedder, space: LanguageSpace, articles: range) -> Data:
    pool = load_pool(DEFAULT_DIR, LANGS, None, articles)
    raw_s, raw_q = cached_raw(pool, embedder)
    raw_p = paragraph_raw(embedder, articles)
    paragraphs = np.stack(
        [space.centre_passages(raw_p[i], [lang] * raw_p.shape[1]) for i, lang in enumerate(LANGS)]
    )
    sentences = space.centre_passages(raw_s, [s.lang for s in pool.sentences])
    by: dict[tuple[str, int], list[int]] = {}
    for row, s in enumerate(pool.sentences):
        by.setdefault((s.lang, s.paragraph), []).append(row)
    return Data(
        pool,
        paragraphs,
        sentences,
        space.centre_queries(raw_q),
        np.array(contexts(articles, "en")[1]) - articles.start,
        {k: np.array(v) for k, v in by.items()},
    )


def examples(data: Data, langs: list[str], question_langs: list[str]):
    """Features, labels and question languages, over every rotation of `langs` among the
    indexed paragraphs and every question in `question_langs`."""
    indexed = np.flatnonzero(data.article % 2 == 0)
    qrows = [i for i, q in enumerate(data.pool.questions) if q.lang in question_langs]
    articles = np.array([data.article[data.pool.questions[i].paragraph] for i in qrows])
    labels = articles % 2 == 0
    qlangs = np.array([data.pool.questions[i].lang for i in qrows])
    queries = data.questions[qrows]
    scalars, vectors, all_labels, all_langs, groups = [], [], [], [], []
    for rotation in range(len(langs)):
        passage_lang = [langs[(n + rotation) % len(langs)] for n in range(len(indexed))]
        lang_rows = [LANGS.index(lang) for lang in passage_lang]
        passages = data.paragraphs[lang_rows, indexed]  # (indexed, dim)
        scores = queries @ passages.T
        top = np.argsort(-scores, axis=1)[:, :TOP]
        feats, prods = [], []
        for row, q in enumerate(queries):
            best_rule, best = -1.0, (0, 0.0, 0.0, 0)
            for p in top[row]:
                rows = data.by_paragraph[(passage_lang[p], int(indexed[p]))]
                sims = data.sentences[rows] @ q
                s = int(rows[int(np.argmax(sims))])
                rule = (scores[row, p] + sims.max()) / 2
                if rule > best_rule:
                    best_rule, best = rule, (p, scores[row, p], float(sims.max()), s)
            ranked = scores[row, top[row]]
            feats.append(
                [best_rule, best[1], best[2], ranked[0], ranked[0] - ranked[1], ranked.mean()]
            )
            prods.append(np.concatenate([q * passages[best[0]], q * data.sentences[best[3]]]))
        scalars.append(np.array(feats))
        vectors.append(np.array(prods))
        all_labels.append(labels)
        all_langs.append(qlangs)
        groups.append(articles)
    return (
        np.concatenate(scalars),
        np.concatenate(vectors),
        np.concatenate(all_labels),
        np.concatenate(all_langs),
        np.concatenate(groups),
    )


def best_threshold(score: np.ndarray, labels: np.ndarray) -> float:
    grid = np.round(np.arange(0.10, 0.80, 0.0025), 4)
    accuracy = [np.mean((score >= t) == labels) for t in grid]
    return float(grid[int(np.argmax(accuracy))])


def fit(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray
) -> tuple[LogisticRegression, np.ndarray, np.ndarray, float]:
    """L2 logistic regression; C chosen by 4-fold cross-validation over training articles."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mu) / sd
    folds = list(GroupKFold(n_splits=4).split(z, y, groups))
    best_c, best = 1.0, -1.0
    for c in CS:
        score = np.mean(
            [
                LogisticRegression(C=c, max_iter=2000).fit(z[a], y[a]).score(z[b], y[b])
                for a, b in folds
            ]
        )
        if score > best:
            best_c, best = c, float(score)
    return LogisticRegression(C=best_c, max_iter=2000).fit(z, y), mu, sd, best_c


def accuracy_by_lang(decided: np.ndarray, labels: np.ndarray, langs: np.ndarray) -> dict:
    out = {
        lang: float(np.mean(decided[langs == lang] == labels[langs == lang]))
        for lang in LANGS
        if (langs == lang).any()
    }
    out["all"] = float(np.mean(decided == labels))
    return out


def compare(train, test) -> dict[str, dict]:
    """Rule threshold, scalar head and vector head fitted on `train`, measured on `test`."""
    (xs, xv, y, _, groups), (ts, tv, ty, tl, _) = train, test
    out = {}
    threshold = best_threshold(xs[:, 0], y)
    out[f"rule >= {threshold:.3f}"] = accuracy_by_lang(ts[:, 0] >= threshold, ty, tl)
    out["rule, best test threshold"] = accuracy_by_lang(
        ts[:, 0] >= best_threshold(ts[:, 0], ty), ty, tl
    )
    for name, x, t in (
        ("scalar head", xs, ts),
        ("vector head", np.hstack([xs, xv]), np.hstack([ts, tv])),
    ):
        model, mu, sd, c = fit(x, y, groups)
        out[f"{name} (C {c:g})"] = accuracy_by_lang(
            model.predict((t - mu) / sd).astype(bool), ty, tl
        )
    return out


def show(title: str, table: dict[str, dict]) -> None:
    print(f"\n{title}")
    columns = list(next(iter(table.values())))
    print(f"{'':<30}" + "".join(f"{c:>7}" for c in columns))
    for name, row in table.items():
        print(f"{name:<30}" + "".join(f"{row[c]:>7.3f}" for c in columns))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="bundled")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    embedder = load_embedder(IndexSettings(embedding_model=args.model).embedding)
    space = embedder.space
    assert space is not None, "the model is not centred"
    train, test = load(embedder, space, ARTICLES["train"]), load(embedder, space, ARTICLES["test"])
    embedded = time.perf_counter() - started
    print(
        f"answer head · model {embedder.identity.split('|')[0]} · cpus {os.cpu_count()} · "
        f"load {os.getloadavg()[0]:.2f} · XQuAD-R {','.join(LANGS)} · train articles 0-15 "
        f"({len(train.pool.questions)} questions, {train.paragraphs.shape[1]} paragraphs per "
        f"language), test 16-47 ({len(test.pool.questions)}, {test.paragraphs.shape[1]}) · "
        f"vectors {embedded:.0f}s"
    )
    fitted = time.perf_counter()
    held = compare(examples(train, LANGS, LANGS), examples(test, LANGS, LANGS))
    show("test articles 16-47, every language (answer-or-refuse accuracy)", held)
    left: dict[str, dict] = {}
    for lang in LANGS:
        others = [g for g in LANGS if g != lang]
        table = compare(examples(train, others, others), examples(test, LANGS, [lang]))
        for name, row in table.items():
            left.setdefault(name.split(" >=")[0].split(" (C")[0], {})[lang] = row[lang]
    for row in left.values():
        row["mean"] = float(np.mean(list(row.values())))
    show(
        "left out of training (fitted without L's questions and passages; test articles, "
        "L's questions)",
        left,
    )
    print(
        f"\nfitting and measuring {time.perf_counter() - fitted:.0f}s · "
        f"total {time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
