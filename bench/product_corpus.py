"""The corpus and the questions of the product benchmark (`bench/product.py`), without a model.

The corpus: the two seed reports and every NTREX-128 document (123) in two of its languages,
Russian and Simplified Chinese, each written as the plain-text article a user would index
(`rus-<ntrex id>.txt`, `zho-CN-<ntrex id>.txt`): its first sentence on a line of its own
(newsbot takes it as the headline when it reads like one), the rest in paragraphs of three
sentences.

The questions: `bench/data/product_questions.jsonl`, one JSON object a line:

    {"id", "lang", "question", "en" (what it asks, in English, for reviewers), "split" ("dev" or
     "test"), "story" (the NTREX ids or seed file names of the articles on the question's
     story), "relevant": [{"doc": <file name>, "contains": <exact text of that file>}]}

A returned passage answers when it comes from `doc` and contains `contains`, as in
`newsbot eval`. An empty `relevant` is a near miss: nothing indexed answers it (a final that is
not in the corpus next to one that is), and the right answer is to refuse. NTREX questions ask
only about documents at odd positions of DOCUMENT_IDS.tsv (in order of first appearance): the
even ones may be trained on (issue 20).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import NTREX
from bench.ntrex_stories import RETOLD

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
QUESTIONS = REPO / "bench" / "data" / "product_questions.jsonl"
# Two languages with scripts of their own, neither the question's in most cases: names must
# cross from Latin, Devanagari or Arabic script into Cyrillic and Han ("Kavanaugh", "Кавано",
# "卡瓦诺"). Both have a background mean in the model's language space, as the seeds' do.
LANGS = ("rus", "zho-CN")
_SENTENCES_PER_PARAGRAPH = 3


@dataclass(frozen=True)
class Relevant:
    doc: str
    contains: str


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    split: str
    story: frozenset[str]
    relevant: tuple[Relevant, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)


def ntrex_order(ntrex: Path = NTREX) -> list[str]:
    """NTREX document ids in order of first appearance in DOCUMENT_IDS.tsv."""
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(ids))


def ntrex_articles(langs: tuple[str, ...] = LANGS, ntrex: Path = NTREX) -> dict[str, str]:
    """File name -> article text, for every NTREX document in each of `langs`."""
    ids = (ntrex / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    articles = {}
    for lang in langs:
        lines = (ntrex / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8").splitlines()
        docs: dict[str, list[str]] = {}
        for doc_id, line in zip(ids, lines, strict=True):
            docs.setdefault(doc_id, []).append(line.strip())
        glue = "" if lang.startswith("zho") else " "
        for doc_id, sentences in docs.items():
            head, body = sentences[0], sentences[1:]
            paragraphs = [
                glue.join(body[i : i + _SENTENCES_PER_PARAGRAPH])
                for i in range(0, len(body), _SENTENCES_PER_PARAGRAPH)
            ]
            articles[f"{lang}-{doc_id}.txt"] = "\n\n".join([head, *paragraphs])
    return articles


def seed_articles(seeds: Path = SEEDS) -> dict[str, str]:
    return {f.name: f.read_text(encoding="utf-8") for f in sorted(seeds.glob("*.txt"))}


def corpus_articles() -> dict[str, str]:
    """Every article of the benchmark: file name -> text as written to disk."""
    return {**seed_articles(), **ntrex_articles()}


def story_of(doc: str) -> str:
    """The story key of a file name: its NTREX id (any language), or the seed file name."""
    for lang in sorted(LANGS, key=len, reverse=True):
        if doc.startswith(f"{lang}-"):
            return doc[len(lang) + 1 :].removesuffix(".txt")
    return doc


def retold_with(doc_id: str) -> frozenset[str]:
    """The NTREX documents on `doc_id`'s story (its retold group, or itself alone)."""
    return next((group for group in RETOLD if doc_id in group), frozenset({doc_id}))


def load_questions(path: Path = QUESTIONS, split: str = "all") -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if split != "all" and raw["split"] != split:
            continue
        questions.append(
            Question(
                id=raw["id"],
                lang=raw["lang"],
                question=raw["question"],
                split=raw["split"],
                story=frozenset(raw["story"]),
                relevant=tuple(Relevant(r["doc"], r["contains"]) for r in raw["relevant"]),
            )
        )
    return questions
