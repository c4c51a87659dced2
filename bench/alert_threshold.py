"""Measure the two thresholds of alerts for a model, and print the best choice for each.

1. Topic match (NEWSBOT_ALERT_MIN_SCORE): XQuAD-R questions play subscription topics and
   paragraphs play new articles (scored like newsbot does: the best passage's cosine, a
   sentence standing for a passage). A pair matches when the question is about the paragraph,
   in any language. The threshold with the best F1 is printed, with precision and recall.
2. Same story (NEWSBOT_STORY_MIN_SIMILARITY): NTREX-128 documents in several languages and
   the two seed reports, cut into passages and embedded as the indexer does. Two versions of
   one document are a translation; reports of one event by different outlets are the same
   story retold (`bench/ntrex_stories.py`; the seed reports are such a pair); the rest are
   different stories. For the old signal (the cosine of the articles' mean vectors) and the
   one newsbot uses (`index/retrieval/story_groups.py`: the two most alike passage pairs): the
   best F1 between translations and different stories across languages, the most alike different
   stories within and across languages, the seed reports' value, and, at the profile's rule,
   what folds, with how many different stories fold at thresholds around it.

    python -m bench.alert_threshold [--langs en,vi] [--limit 100] [--docs 200] [--model ID]
    python -m bench.alert_threshold --held-out   # the bundled model: data it was not trained on

`--limit 0` skips the topic part, `--docs 0` the story part.
"""

import argparse
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.corpus import NTREX
from bench.ntrex_stories import relation
from bench.xquad_r import ARTICLES, load_pool
from bot.settings import Settings
from index.embedding.embedder import load_embedder
from index.passages.chunking import chunk_text
from index.passages.language import detect_language
from index.retrieval.story_groups import (
    ArticlePassages,
    StoryRule,
    story_similarity,
)
from index.sources.extraction import extract_plain
from index.store.indexer import normalize_text

XQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "xquad-r"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
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
    embedder, langs: Sequence[str], limit: int, articles: range | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    pool = load_pool(XQUAD, list(langs), limit, articles)
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


@dataclass(frozen=True)
class StoryPairs:
    """Every pair of articles: how they relate, whether in one language, and both signals."""

    relation: np.ndarray  # "translation", "retold", "different" or "seeds" per pair
    same_language: np.ndarray
    mean_cosine: np.ndarray  # cosine of the articles' mean passage vectors (the old signal)
    passages: np.ndarray  # story_similarity: the two most alike passage pairs (the new one)


def story_articles(
    embedder, langs: Sequence[str], docs: int, odd_only: bool = False
) -> dict[tuple[str, str], ArticlePassages]:
    """NTREX documents per language and the seed reports, read, cut into passages and
    embedded the way the indexer does it (a dateline dropped, the language detected); keyed
    by (language, NTREX id) and ("seed", file name)."""
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    texts: dict[tuple[str, str], str] = {}
    for lang in langs:
        lines = (NTREX / NTREX_LANGS[lang]).read_text(encoding="utf-8").splitlines()
        by_doc: dict[str, list[str]] = {}
        for doc_id, line in zip(doc_ids, lines, strict=True):
            by_doc.setdefault(doc_id, []).append(line)
        chosen = list(by_doc)[1::2] if odd_only else list(by_doc)  # odd: never trained on
        for doc_id in chosen[:docs]:
            texts[(lang, doc_id)] = "\n".join(by_doc[doc_id])
    for seed in sorted(SEEDS.glob("*.txt")):
        texts[("seed", seed.name)] = seed.read_text(encoding="utf-8")
    articles = {}
    for key, raw in texts.items():
        text = normalize_text(extract_plain(raw).text)
        lang = detect_language(text)
        passages = chunk_text(text, lang, embedder.count_tokens, embedder.passage_token_budget)
        vectors = embedder.embed_passages(passages, [lang] * len(passages))
        articles[key] = ArticlePassages(lang, vectors)
    return articles


def story_pairs(articles: dict[tuple[str, str], ArticlePassages]) -> StoryPairs:
    """Both signals for every pair of articles; pairs of related documents are left out."""
    means = {k: a.vectors.mean(axis=0) / np.linalg.norm(a.vectors.mean(axis=0))
             for k, a in articles.items()}  # fmt: skip
    rows: list[tuple[str, bool, float, float]] = []
    for (a, article_a), (b, article_b) in itertools.combinations(articles.items(), 2):
        seeds = (a[0] == "seed") + (b[0] == "seed")
        kind = "seeds" if seeds == 2 else "different" if seeds else relation(a[1], b[1])
        if kind == "related":
            continue
        rows.append((
            kind,
            article_a.lang == article_b.lang,
            float(means[a] @ means[b]),
            story_similarity(article_a.vectors, article_b.vectors),
        ))  # fmt: skip
    kinds, same, mean, passages = zip(*rows, strict=True)
    return StoryPairs(np.array(kinds), np.array(same), np.array(mean), np.array(passages))


def report_stories(pairs: StoryPairs, rule: StoryRule) -> None:
    kinds, same = pairs.relation, pairs.same_language
    different, seeds = kinds == "different", kinds == "seeds"
    print(f"\nsame story: {len(kinds)} pairs of articles; "
          f"{(kinds == 'translation').sum()} translations, {(kinds == 'retold').sum()} "
          f"retold by another outlet ({(same & (kinds == 'retold')).sum()} in one language), "
          f"{(different & ~same).sum()} different stories across languages and "
          f"{(different & same).sum()} within one")  # fmt: skip
    across = (kinds == "translation") | (different & ~same)
    for name, values in (("mean vectors", pairs.mean_cosine), ("passages", pairs.passages)):
        threshold, f1, precision, recall = best_f1(values[across], kinds[across] == "translation")
        print(f"  {name}: translations vs different stories across languages, best F1 "
              f"{f1:.3f} at {threshold:.3f} (precision {precision:.3f}, recall {recall:.3f}); "
              f"seed reports {values[seeds].max():.3f}, as alike as "
              f"{(values[different & ~same] >= values[seeds].max()).sum()} pairs of "
              f"different stories across languages")  # fmt: skip
        for label, mask in (("within a language", same), ("across languages", ~same)):
            others = values[different & mask]
            retold = values[(kinds == "retold") & mask]
            print(f"    different stories {label}: max {others.max():.3f}, 99.9th "
                  f"percentile {np.percentile(others, 99.9):.3f}; retold: median "
                  f"{np.median(retold):.3f}")  # fmt: skip
    needed = rule.min_similarity + np.where(same, rule.same_language_margin, 0.0)
    folded = pairs.passages >= needed
    print(f"  at the profile's rule ({rule.min_similarity:.2f} across languages, "
          f"{rule.min_similarity + rule.same_language_margin:.2f} within one): translations "
          f"folded {folded[kinds == 'translation'].mean():.3f}, retold folded "
          f"{folded[(kinds == 'retold') & ~same].mean():.3f} across languages and "
          f"{folded[(kinds == 'retold') & same].mean():.3f} within one; seed reports folded: "
          f"{bool(folded[seeds].all())}")  # fmt: skip
    for label, mask in (("across languages", ~same), ("within a language", same)):
        base = rule.min_similarity + (rule.same_language_margin if label[0] == "w" else 0.0)
        counts = ", ".join(
            f"{t:.2f}: {(pairs.passages[different & mask] >= t).sum()}"
            for t in np.round(base + np.arange(-0.03, 0.035, 0.01), 2)
        )
        print(f"    different stories folded {label}, by threshold: {counts} "
              f"(of {(different & mask).sum()})")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--langs", default="en,vi")
    parser.add_argument("--limit", type=int, default=100, help="XQuAD-R questions per language")
    parser.add_argument("--docs", type=int, default=200, help="NTREX documents per language")
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="only data the bundled model's adapter was not trained on: XQuAD-R articles "
        "16-47, NTREX documents at odd positions",
    )
    args = parser.parse_args(argv)
    settings = Settings(**({"embedding_model": args.model} if args.model else {}))
    embedder = load_embedder(settings.embedding)
    langs = args.langs.split(",")
    print(f"cpus: {os.cpu_count()}  model: {embedder.identity.split('|', 1)[0]}  langs: {langs}")
    if args.limit:
        articles = ARTICLES["test"] if args.held_out else None
        scores, labels, kinds = topic_pairs(embedder, langs, args.limit, articles)
        threshold, f1, precision, recall = best_f1(scores, labels)
        print(
            f"\ntopic match, {labels.sum()} matching of {len(labels)} (question, paragraph) pairs"
        )
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
        precision = (hit & labels).sum() / max(1, hit.sum())
        recall = (hit & labels).sum() / max(1, labels.sum())
        print(f"  at the profile's {chosen:.2f}: precision {precision:.3f}, recall {recall:.3f}")
    if args.docs:
        pairs = story_pairs(story_articles(embedder, langs, args.docs, args.held_out))
        profile = embedder.profile
        report_stories(
            pairs, StoryRule(profile.story_min_similarity, profile.story_same_language_margin)
        )


if __name__ == "__main__":
    main()
