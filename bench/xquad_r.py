"""XQuAD-R (LAReQA) retrieval benchmark: dense, lexical and hybrid side by side.

Language-agnostic mAP@20: every question (in every chosen language) is asked against the pooled
sentences of all chosen languages; its relevant items are the answer sentence in each language.
Paragraph recall@5 per (question language, passage language): asked against the sentences of
one language, a hit is any of the first 5 sentences coming from the right paragraph.

    python -m bench.xquad_r --langs en,vi --limit 300 --modes dense,lexical,hybrid,names
    python -m bench.xquad_r --langs en,de,ru,zh,hi,vi --articles test --modes dense

`names` is dense with the search's name channel: a sentence holding a rare name of the
question (index/retrieval/evidence.py) joins the candidates and ranks the profile's
`name_bonus` higher.

With --limit, only the first N questions (in file order) and the paragraphs they belong to are
used, so the pool is smaller than the full test's. Vectors are the model's as newsbot stores
them (centred on their language where the model's profile says so:
index/embedding/language_space.py).
"""

import argparse
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedding.embedder import Embedder, load_embedder
from index.evaluation.metrics import average_precision, hit_at, mean
from index.passages.sentences import split_sentences
from index.retrieval.evidence import named_passages
from index.retrieval.fusion import cascade, reciprocal_rank_fusion
from index.retrieval.lexical import LexicalIndex
from index.settings import IndexSettings

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "xquad-r"
MODES = ("dense", "lexical", "hybrid", "names")  # names: dense + the search's name bonus
DEPTH = 100  # how deep each channel ranks before fusion


@dataclass(frozen=True)
class Sentence:
    lang: str
    paragraph: int
    text: str


@dataclass(frozen=True)
class Question:
    lang: str
    qid: str
    paragraph: int
    text: str


@dataclass
class Pool:
    sentences: list[Sentence]
    questions: list[Question]
    answers: dict[tuple[str, str], int]  # (qid, lang) -> index of the answer sentence


# The fixed split of issue 20: articles 0-15 (in the files' order) may be trained on
# (bench/train_adapter.py), articles 16-47 are for evaluation only.
ARTICLES = {"all": range(0, 48), "train": range(0, 16), "test": range(16, 48)}


def load_pool(
    data_dir: Path, langs: list[str], limit: int | None, articles: range | None = None
) -> Pool:
    """Sentences and questions of the chosen languages, aligned by paragraph and qa id; only
    of the articles in `articles` (positions in the file) if given."""
    pool = Pool([], [], {})
    for lang in langs:
        data = json.loads((data_dir / f"{lang}.json").read_text(encoding="utf-8"))
        paragraphs = [
            p
            for position, article in enumerate(data["data"])
            if articles is None or position in articles
            for p in article["paragraphs"]
        ]
        taken = 0
        for number, paragraph in enumerate(paragraphs):
            if limit is not None and taken >= limit:
                break
            context = paragraph["context"]
            spans = _sentence_spans(context, lang)
            first = len(pool.sentences)
            pool.sentences.extend(Sentence(lang, number, text) for text, _, _ in spans)
            for qa in paragraph["qas"]:
                if limit is not None and taken >= limit:
                    break
                start = qa["answers"][0]["answer_start"]
                index = next((i for i, (_, a, b) in enumerate(spans) if a <= start < b), None)
                if index is None:
                    continue
                pool.questions.append(Question(lang, qa["id"], number, qa["question"]))
                pool.answers[(qa["id"], lang)] = first + index
                taken += 1
    return pool


def _sentence_spans(context: str, lang: str) -> list[tuple[str, int, int]]:
    spans, cursor = [], 0
    for sentence in split_sentences(context, lang):
        at = context.find(sentence, cursor)
        at = cursor if at < 0 else at
        spans.append((sentence, at, at + len(sentence)))
        cursor = at + len(sentence)
    return spans


class Retriever:
    """Rankings of sentence indexes for a question, by mode, within a subset of sentences."""

    def __init__(
        self,
        pool: Pool,
        vectors: tuple[np.ndarray, np.ndarray],
        transliterate: bool = True,
        dense_weight: float = 1.0,
        name_bonus: float = 0.0,
    ) -> None:
        self.dense_weight = dense_weight
        self.name_bonus = name_bonus
        self.pool = pool
        self.sentence_vectors, self.question_vectors = vectors
        self._members: dict[tuple[str, ...], np.ndarray] = {}
        self._dense: dict[tuple[str, ...], np.ndarray] = {}  # top DEPTH per question
        self._lexical_hits: dict[tuple[int, tuple[str, ...]], list[int]] = {}
        self.transliterate = transliterate
        self._lexical: dict[tuple[str, ...], LexicalIndex] = {}

    def rank(self, mode: str, question: int, langs: tuple[str, ...]) -> list[int]:
        members = self._members_of(langs)
        lexical: list[int] = []
        # Every mode needs the dense ranking: lexical falls back on it.
        dense = self._dense_top(langs)[question].tolist()
        if mode in ("lexical", "hybrid"):
            key = (question, langs)
            if key not in self._lexical_hits:
                hits = self._lexical_index(langs, members).search(
                    self.pool.questions[question].text, DEPTH
                )
                self._lexical_hits[key] = [int(i) for i, _ in hits]
            lexical = self._lexical_hits[key]
        if mode == "dense":
            return dense
        if mode == "names":  # as the search ranks (index/retrieval/evidence.py)
            text = self.pool.questions[question].text
            index = self._lexical_index(langs, members)
            named = {int(i) for i in named_passages(text, index)}
            ids = list(dict.fromkeys(dense + sorted(named)))
            scores = self.sentence_vectors[ids] @ self.question_vectors[question]
            scores += self.name_bonus * np.isin(ids, list(named))
            return [ids[i] for i in np.argsort(-scores, kind="stable")][:DEPTH]
        if mode == "lexical":
            return cascade(lexical, dense)
        return reciprocal_rank_fusion([dense, lexical], weights=[self.dense_weight, 1.0])

    def _members_of(self, langs: tuple[str, ...]) -> np.ndarray:
        if langs not in self._members:
            self._members[langs] = np.array(
                [i for i, s in enumerate(self.pool.sentences) if s.lang in langs]
            )
        return self._members[langs]

    def _dense_top(self, langs: tuple[str, ...]) -> np.ndarray:
        """The best DEPTH sentences of `langs` for every question, computed once."""
        if langs not in self._dense:
            members = self._members_of(langs)
            depth = min(DEPTH, len(members))
            tops = []
            for start in range(0, len(self.question_vectors), 512):
                scores = (
                    self.question_vectors[start : start + 512] @ self.sentence_vectors[members].T
                )
                part = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
                order = np.take_along_axis(scores, part, 1).argsort(axis=1)[:, ::-1]
                tops.append(members[np.take_along_axis(part, order, 1)])
            self._dense[langs] = np.concatenate(tops)
        return self._dense[langs]

    def _lexical_index(self, langs: tuple[str, ...], members: np.ndarray) -> LexicalIndex:
        if langs not in self._lexical:
            texts = [self.pool.sentences[i].text for i in members]
            self._lexical[langs] = LexicalIndex(
                [str(i) for i in members], texts, self.transliterate
            )
        return self._lexical[langs]


def embed(pool: Pool, embedder: Embedder) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Sentence and question vectors as newsbot stores them ("centred", or "raw" for a model
    used as it is); for a centred model also its raw vectors, to measure what centring does."""
    texts, langs = [s.text for s in pool.sentences], [s.lang for s in pool.sentences]
    questions = [q.text for q in pool.questions]
    space = getattr(embedder, "space", None)
    if space is None:
        return {"raw": (embedder.embed_passages(texts, langs), embedder.embed_queries(questions))}
    raw = cached_raw(pool, embedder)
    centred = (space.centre_passages(raw[0], langs), space.centre_queries(raw[1]))
    return {"raw": raw, "centred": centred}


def cached_raw(pool: Pool, embedder) -> tuple[np.ndarray, np.ndarray]:
    """The model's raw sentence and question vectors of `pool`, kept in NEWSBOT_BENCH_CACHE
    (if set) by model identity and pool, so benches over one pool embed it once."""
    folder = os.environ.get("NEWSBOT_BENCH_CACHE")
    texts = [s.text for s in pool.sentences] + [q.text for q in pool.questions]
    key = hashlib.sha1("\n".join([embedder.identity, *texts]).encode()).hexdigest()[:16]
    path = Path(folder) / f"xquad-raw-{key}.npz" if folder else None
    if path and path.exists():
        with np.load(path) as stored:
            return stored["passages"], stored["queries"]
    raw = (
        embedder.raw_passages([s.text for s in pool.sentences]),
        embedder.raw_queries([q.text for q in pool.questions]),
    )
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, passages=raw[0], queries=raw[1])
    return raw


def evaluate(
    retriever: Retriever, langs: list[str], modes: list[str]
) -> dict[str, dict[str, float]]:
    """{metric row: {mode: value}}: mAP@20 pooled, then recall@5 per language pair."""
    pool = retriever.pool
    table: dict[str, dict[str, float]] = {}
    for mode in modes:
        aps = []
        pair_hits: dict[str, list[float]] = {}
        for qi, question in enumerate(pool.questions):
            relevant = {
                pool.answers[(question.qid, lang)]
                for lang in langs
                if (question.qid, lang) in pool.answers
            }
            aps.append(average_precision(retriever.rank(mode, qi, tuple(langs)), relevant, 20))
            for target in langs:
                ranked = retriever.rank(mode, qi, (target,))
                right = [pool.sentences[i].paragraph == question.paragraph for i in ranked]
                pair_hits.setdefault(f"R@5 {question.lang}→{target}", []).append(hit_at(right, 5))
        table.setdefault("mAP@20 (pooled)", {})[mode] = mean(aps)
        for row, values in sorted(pair_hits.items()):
            table.setdefault(row, {})[mode] = mean(values)
    return table


def format_table(table: dict[str, dict[str, float]], modes: list[str]) -> str:
    lines = [f"{'metric':<22}" + "".join(f"{m:>10}" for m in modes)]
    for row, values in table.items():
        lines.append(f"{row:<22}" + "".join(f"{values[m]:>10.3f}" for m in modes))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DIR, help="folder of xquad-r JSON files"
    )
    parser.add_argument("--langs", default="en,vi")
    parser.add_argument("--limit", type=int, default=None, help="first N questions per language")
    parser.add_argument(
        "--articles",
        choices=sorted(ARTICLES),
        default="all",
        help="test: articles 16-47 only, never trained on (report these); train: 0-15",
    )
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--model", default=None, help="embedding model (default: NEWSBOT_EMBEDDING_MODEL)"
    )
    parser.add_argument("--no-transliterate", action="store_true")
    parser.add_argument("--dense-weight", type=float, default=1.0, help="weight of dense in RRF")
    args = parser.parse_args(argv)
    langs, modes = args.langs.split(","), args.modes.split(",")
    settings = IndexSettings(**({"embedding_model": args.model} if args.model else {}))
    embedder = load_embedder(settings.embedding)
    started = time.perf_counter()
    pool = load_pool(args.data, langs, args.limit, ARTICLES[args.articles])
    tables = {}
    spaces = embed(pool, embedder)
    for space, vectors in spaces.items():
        retriever = Retriever(
            pool,
            vectors,
            transliterate=not args.no_transliterate,
            dense_weight=args.dense_weight,
            name_bonus=embedder.profile.name_bonus,
        )
        # The channels that read no vector are measured once, with the vectors newsbot uses.
        used = modes if space == list(spaces)[-1] else [m for m in modes if m == "dense"]
        tables[space] = evaluate(retriever, langs, used)
    elapsed = time.perf_counter() - started
    print(
        f"XQuAD-R · model {embedder.identity.split('|')[0]} · cpus {os.cpu_count()} · "
        f"langs {','.join(langs)} · articles {args.articles} · {len(pool.questions)} questions · "
        f"{len(pool.sentences)} sentences · transliterate {not args.no_transliterate} · "
        f"dense weight {args.dense_weight} · {elapsed:.0f}s"
    )
    for space, table in tables.items():
        print(f"\nvectors: {space}")
        print(format_table(table, list(next(iter(table.values())))))


if __name__ == "__main__":
    main()
