"""Measure the two thresholds of alerts for a model, and print the best choice for each.

1. Topic match (NEWSBOT_ALERT_MIN_SCORE): XQuAD-R questions play subscription topics and
   paragraphs play new articles (scored like newsbot does: the best passage's cosine, a
   sentence standing for a passage). A pair matches when the question is about the paragraph,
   in any language. The threshold with the best F1 is printed, with precision and recall.
2. Same story (NEWSBOT_STORY_MIN_SIMILARITY): NTREX-128 documents, each in several languages.
   Two articles are one story when they are the same document; the mean-vector cosine
   threshold with the best F1 is printed, for pairs within a language and across languages.

    python -m bench.alert_threshold [--langs en,vi] [--limit 100] [--model PATH_OR_ID]
"""

import argparse
import itertools
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.corpus import NTREX
from bench.xquad_r import load_pool
from bot.settings import Settings
from index.embedding.embedder import load_embedder
from index.retrieval.story_groups import article_vector

XQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "xquad-r"
NTREX_LANGS = {"en": "newstest2019-src.eng.txt", "vi": "newstest2019-ref.vie.txt",
               "hi": "newstest2019-ref.hin.txt", "ru": "newstest2019-ref.rus.txt",
               "de": "newstest2019-ref.deu.txt", "zh": "newstest2019-ref.zho-CN.txt"}  # fmt: skip


def best_f1(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float, float, float]:
    """(threshold, f1, precision, recall) maximising F1 over every distinct score."""
    order = np.argsort(-scores)
    ranked, hits = scores[order], labels[order].astype(np.float64)
    true_pos = np.cumsum(hits)
    precision = true_pos / np.arange(1, len(hits) + 1)
    recall = true_pos / max(1.0, hits.sum())
    total = np.maximum(precision + recall, 1e-12)
    f1 = 2 * precision * recall / total
    best = int(np.argmax(f1))
    return float(ranked[best]), float(f1[best]), float(precision[best]), float(recall[best])


def topic_pairs(
    embedder, langs: Sequence[str], limit: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    pool = load_pool(XQUAD, list(langs), limit)
    sentences = embedder.embed_passages(
        [s.text for s in pool.sentences], [s.lang for s in pool.sentences]
    )
    questions = embedder.embed_queries([q.text for q in pool.questions])
    paragraphs: dict[tuple[str, int], list[int]] = {}
    for i, sentence in enumerate(pool.sentences):
        paragraphs.setdefault((sentence.lang, sentence.paragraph), []).append(i)
    similarity = questions @ sentences.T
    scores, labels, kinds = [], [], []
    for qi, question in enumerate(pool.questions):
        for (lang, number), rows in paragraphs.items():
            scores.append(float(similarity[qi, rows].max()))
            labels.append(number == question.paragraph)
            kinds.append(f"{question.lang}->{lang}")
    return np.array(scores), np.array(labels), kinds


def story_pairs(embedder, langs: Sequence[str], docs: int) -> dict[str, tuple[np.ndarray, ...]]:
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for lang in langs:
        lines = (NTREX / NTREX_LANGS[lang]).read_text(encoding="utf-8").splitlines()
        by_doc: dict[str, list[str]] = {}
        for doc_id, line in zip(doc_ids, lines, strict=True):
            by_doc.setdefault(doc_id, []).append(line)
        for doc_id in list(by_doc)[:docs]:
            passages = embedder.embed_passages(by_doc[doc_id], [lang] * len(by_doc[doc_id]))
            vectors[(lang, doc_id)] = article_vector(list(passages))
    result: dict[str, tuple[list[float], list[bool]]] = {"same language": ([], []),
                                                         "across languages": ([], [])}  # fmt: skip
    for (a, va), (b, vb) in itertools.combinations(vectors.items(), 2):
        kind = "same language" if a[0] == b[0] else "across languages"
        result[kind][0].append(float(va @ vb))
        result[kind][1].append(a[1] == b[1])
    return {k: (np.array(s), np.array(y)) for k, (s, y) in result.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--langs", default="en,vi")
    parser.add_argument("--limit", type=int, default=100, help="XQuAD-R questions per language")
    parser.add_argument("--docs", type=int, default=40, help="NTREX documents per language")
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    settings = Settings(**({"embedding_model": args.model} if args.model else {}))
    embedder = load_embedder(settings)
    langs = args.langs.split(",")
    print(f"cpus: {os.cpu_count()}  model: {embedder.identity.split('|', 1)[0]}  langs: {langs}")
    scores, labels, kinds = topic_pairs(embedder, langs, args.limit)
    threshold, f1, precision, recall = best_f1(scores, labels)
    print(f"\ntopic match, {labels.sum()} matching of {len(labels)} (question, paragraph) pairs")
    print(f"  best threshold {threshold:.3f}: F1 {f1:.3f}, precision {precision:.3f}, "
          f"recall {recall:.3f}")  # fmt: skip
    for kind in sorted(set(kinds)):
        mask = np.array([k == kind for k in kinds])
        found = (scores[mask] >= threshold) & labels[mask]
        wrong = (scores[mask] >= threshold) & ~labels[mask]
        print(f"  {kind}: recall {found.sum() / max(1, labels[mask].sum()):.3f}, "
              f"false alerts {wrong.sum()} of {(~labels[mask]).sum()} pairs")  # fmt: skip
    chosen = embedder.profile.alert_min_score
    hit = scores >= chosen
    print(
        f"  at the profile's {chosen:.2f}: precision {(hit & labels).sum() / max(1, hit.sum()):.3f}"
        f", recall {(hit & labels).sum() / max(1, labels.sum()):.3f}"
    )
    stories = story_pairs(embedder, langs, args.docs)
    across, across_labels = stories["across languages"]
    threshold, f1, precision, recall = best_f1(across, across_labels)
    print(f"\nsame story across languages: {across_labels.sum()} of {len(across)} pairs; "
          f"best threshold {threshold:.3f}: F1 {f1:.3f}, precision {precision:.3f}, "
          f"recall {recall:.3f}")  # fmt: skip
    story = embedder.profile.story_min_similarity
    for kind, (values, same) in stories.items():
        print(
            f"at the profile's {story:.2f}, {kind}: same story folded "
            f"{(values[same] >= story).mean():.3f}, different stories folded "
            f"{(values[~same] >= story).sum()} of {(~same).sum()} pairs"
        )
    for kind, (values, same) in stories.items():
        others = values[~same]
        print(f"different stories, {kind}: max similarity {others.max():.3f}, "
              f"99.9th percentile {np.percentile(others, 99.9):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
