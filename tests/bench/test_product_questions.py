"""The product benchmark's question file is well formed: cheap checks, no model."""

import json
from collections import Counter

import pytest

from bench.product_corpus import (
    QUESTIONS,
    corpus_articles,
    load_questions,
    ntrex_order,
    retold_with,
    story_of,
)

FIELDS = {"id", "lang", "question", "en", "split", "story", "relevant"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    return corpus_articles()


def test_every_row_has_the_schema(rows: list[dict]):
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == FIELDS, row["id"]
        assert row["split"] in ("dev", "test") and row["question"].strip()
        assert all(set(r) == {"doc", "contains"} and r["contains"] for r in row["relevant"])
        assert bool(row["story"]) == bool(row["relevant"]), row["id"]


def test_enough_languages_answerable_and_near_misses(rows: list[dict]):
    assert len({r["lang"] for r in rows}) >= 8
    assert sum(bool(r["relevant"]) for r in rows) >= 40
    assert sum(not r["relevant"] for r in rows) >= 15


def test_each_language_has_answerable_and_near_miss_questions_in_both_splits(rows: list[dict]):
    for lang in {r["lang"] for r in rows}:
        mine = [r for r in rows if r["lang"] == lang]
        splits = Counter(r["split"] for r in mine)
        assert abs(splits["dev"] - splits["test"]) <= 1, lang
        for answerable in (True, False):
            kind = Counter(r["split"] for r in mine if bool(r["relevant"]) == answerable)
            assert kind["dev"] and kind["test"], (lang, answerable)


def test_every_contains_is_text_of_the_named_indexed_document(articles: dict[str, str]):
    for question in load_questions():
        for span in question.relevant:
            assert span.doc in articles, (question.id, span.doc)
            assert span.contains in articles[span.doc], (question.id, span.doc, span.contains)


def test_ntrex_questions_ask_about_odd_documents_and_name_their_story():
    order = ntrex_order()
    for question in load_questions():
        for span in question.relevant:
            doc = story_of(span.doc)
            assert doc in question.story, question.id
            if doc in order:  # the even-numbered documents may be trained on
                assert order.index(doc) % 2 == 1, (question.id, doc)
                assert retold_with(doc) <= question.story, question.id


def test_most_answers_are_only_in_other_languages_than_the_question():
    doc_langs = {"rus-": "ru", "zho-CN-": "zh", "000_": "hi", "003_": "vi"}

    def lang_of(doc: str) -> str:
        return next(lang for prefix, lang in doc_langs.items() if doc.startswith(prefix))

    questions = [q for q in load_questions() if q.answerable]
    crossing = [q for q in questions if all(lang_of(s.doc) != q.lang for s in q.relevant)]
    assert len(crossing) >= 0.75 * len(questions)


def test_the_corpus_is_every_ntrex_document_in_two_languages_and_the_seeds(
    articles: dict[str, str],
):
    assert len(ntrex_order()) == 123
    assert len(articles) == 2 * 123 + 2
