"""Leave-one-language-out: how a language without background text is centred, measured.

For each XQuAD-R language L, L's background mean is dropped (as for a language newsbot has no
background text for), and L's passages (the pool's sentences) and questions are then left raw,
centred on the fallback (the mean of the other means; a question on its nearest mean), or
centred on a mean estimated from L's own passages in the index (`with_estimated_means`): from
all of them, from n random ones, or from n of one article (a one-story index); questions on
the background's means (as newsbot does: `centre_queries`). "est. p+q": the estimate from all
of them, and questions also centred on its question mean (the estimate plus the background's
question-minus-passage shift) when nearest. Every figure is
pooled mAP@20 on the test articles (16-47: never trained on), all six languages' questions
against all six languages' sentences, and that of L's own questions.

    python -m bench.language_loo --model bundled

Vectors are those of bench/xquad_r.py --articles test (shared through NEWSBOT_BENCH_CACHE).
"""

import argparse
import os
import time

import numpy as np

from bench.xquad_r import ARTICLES, DEFAULT_DIR, Pool, cached_raw, load_pool
from index.embedding.embedder import load_embedder
from index.embedding.language_space import LanguageSpace
from index.evaluation.metrics import average_precision, mean
from index.settings import IndexSettings

LANGS = ["en", "de", "ru", "zh", "hi", "vi"]
SUBSETS = (25, 50, 100, 200, 400)


def pooled_map(pool: Pool, passages: np.ndarray, queries: np.ndarray) -> tuple[float, dict]:
    """Pooled mAP@20 over every question, and per question language."""
    aps: dict[str, list[float]] = {}
    for start in range(0, len(pool.questions), 512):
        scores = queries[start : start + 512] @ passages.T
        top = np.argsort(-scores, axis=1)[:, :20]
        for row, question in enumerate(pool.questions[start : start + 512]):
            relevant = {
                pool.answers[(question.qid, lang)]
                for lang in LANGS
                if (question.qid, lang) in pool.answers
            }
            aps.setdefault(question.lang, []).append(
                average_precision(top[row].tolist(), relevant, 20)
            )
    every = [ap for values in aps.values() for ap in values]
    return mean(every), {lang: mean(values) for lang, values in aps.items()}


def without(space: LanguageSpace, lang: str) -> LanguageSpace:
    keep = [i for i, code in enumerate(space.langs) if code != lang]
    return LanguageSpace(
        tuple(space.langs[i] for i in keep),
        space.passage_means[keep],
        space.query_means[keep],
        space.tag,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="bundled")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    embedder = load_embedder(IndexSettings(embedding_model=args.model).embedding)
    space = embedder.space
    assert space is not None, "the model is not centred"
    pool = load_pool(DEFAULT_DIR, LANGS, None, ARTICLES["test"])
    raw_p, raw_q = cached_raw(pool, embedder)
    langs = [s.lang for s in pool.sentences]
    rng = np.random.default_rng(args.seed)
    full = pooled_map(pool, space.centre_passages(raw_p, langs), space.centre_queries(raw_q))
    raw = pooled_map(pool, raw_p, raw_q)
    print(
        f"leave-one-language-out · model {embedder.identity.split('|')[0]} · cpus "
        f"{os.cpu_count()} · load {os.getloadavg()[0]:.2f} · XQuAD-R test articles · "
        f"{len(pool.questions)} questions · {len(pool.sentences)} sentences"
    )
    print(f"every mean known: pooled {full[0]:.3f} · raw vectors: pooled {raw[0]:.3f}")
    header = ["raw", "fallback", "est. all", "est. p+q"]
    header += [f"rand {n}" for n in SUBSETS] + ["1 article"]
    print(f"\n{'left out':<9}{'':>8}" + "".join(f"{h:>10}" for h in header))
    columns: dict[str, list[float]] = {h: [] for h in header}
    for lang in LANGS:
        partial = without(space, lang)
        mine = np.array([code == lang for code in langs])
        rows: dict[str, tuple[float, dict]] = {"raw": raw}
        rows["fallback"] = pooled_map(
            pool, partial.centre_passages(raw_p, langs), partial.centre_queries(raw_q)
        )
        picks: dict[str, np.ndarray] = {"est. all": np.flatnonzero(mine)}
        for n in SUBSETS:
            picks[f"rand {n}"] = rng.choice(np.flatnonzero(mine), n, replace=False)
        first_paragraph = {s.paragraph for s, m in zip(pool.sentences, mine, strict=True) if m}
        # one article: the paragraphs of the test's first article (about 5), as a one-story index
        article = sorted(first_paragraph)[:5]
        picks["1 article"] = np.flatnonzero(
            mine & np.isin([s.paragraph for s in pool.sentences], article)
        )
        for name, chosen in picks.items():
            estimated = partial.with_estimated_means(
                raw_p[chosen], [lang] * len(chosen), min_passages=1
            )
            rows[name] = pooled_map(
                pool, estimated.centre_passages(raw_p, langs), estimated.centre_queries(raw_q)
            )
            if name == "est. all":  # questions also on the estimate's question mean
                both = LanguageSpace(
                    estimated.langs, estimated.passage_means, estimated.query_means, space.tag
                )
                rows["est. p+q"] = pooled_map(
                    pool, estimated.centre_passages(raw_p, langs), both.centre_queries(raw_q)
                )
        print(f"{lang:<9}{'pooled':>8}" + "".join(f"{rows[h][0]:>10.3f}" for h in header))
        print(f"{'':<9}{lang + ' q':>8}" + "".join(f"{rows[h][1][lang]:>10.3f}" for h in header))
        for h in header:
            columns[h].append(rows[h][0])
    print(f"{'mean':<9}{'pooled':>8}" + "".join(f"{np.mean(columns[h]):>10.3f}" for h in header))
    sizes = {lang: sum(code == lang for code in langs) for lang in LANGS}
    print(f"\nsentences per language (est. all): {sizes} · {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
