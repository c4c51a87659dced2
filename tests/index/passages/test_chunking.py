"""Passages fit the model, end on sentence boundaries, overlap, and lose no text."""

import re

import pytest

from index.embedding.embedder import SentenceTransformerEmbedder
from index.passages.chunking import chunk_article, chunk_text
from index.passages.sentences import split_sentences
from tests.conftest import HINDI_SEED, VIETNAMESE_SEED
from tests.fakes import HashingEmbedder

ENGLISH = (
    "The White House said on Tuesday that there are no plans for a meeting. "
    "Trump had said the summit would happen within two weeks. "
    "Senior advisers were to meet first. Rubio and Lavrov spoke by phone on Monday. "
    "NATO's secretary general flew to Washington. The talks stalled over territory."
)
CHINESE = (
    "白宫官员周二表示，目前没有会面计划。特朗普曾说峰会将在两周内举行。"
    "俄罗斯要求乌克兰让出更多领土。双方外长周一通了电话。"
    "欧洲外交官说，俄罗斯的要求太多了。北约秘书长访问了华盛顿。"
    "泽连斯基希望得到远程导弹。克里姆林宫说从未确定峰会日期。"
)
TERMINATORS = {"hi": "।", "vi": ".", "en": ".", "zh": "。"}


def _text(path):
    return (
        path.read_text(encoding="utf-8").split("\n", 2)[-1]
        if "003" in path.name
        else path.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("lang", "text"),
    [("hi", _text(HINDI_SEED)), ("vi", _text(VIETNAMESE_SEED)), ("en", ENGLISH), ("zh", CHINESE)],
)
@pytest.mark.parametrize("budget", [24, 60])
def test_passages_fit_budget_and_end_on_sentences(
    lang, text, budget, real_embedder: SentenceTransformerEmbedder
):
    count = real_embedder.count_tokens
    passages = chunk_text(text, lang, count, budget, overlap_sentences=1)
    sentences = split_sentences(text, lang)

    assert len(passages) >= 2
    for passage in passages:
        assert count(passage) <= budget + 2  # joining sentences adds at most a space token
    ends = {s.strip() for s in sentences}
    too_long = [s for s in sentences if count(s) > budget]
    for passage in passages:
        # A cut inside a sentence happens only in a sentence that alone exceeds the budget.
        last_word = passage.split()[-1]
        assert any(passage.endswith(e) for e in ends) or any(last_word in s for s in too_long)
    # Nothing is lost: every sentence (or every piece of a long one) appears somewhere.
    joined = " ".join(passages)
    for sentence in sentences:
        if count(sentence) <= budget:
            assert sentence in joined


@pytest.mark.parametrize(
    ("lang", "text"), [("hi", _text(HINDI_SEED)), ("vi", _text(VIETNAMESE_SEED))]
)
def test_hindi_and_vietnamese_sentences_split_on_their_terminators(lang, text):
    sentences = split_sentences(text, lang)
    assert len(sentences) > 10
    with_terminator = [s for s in sentences if s.rstrip("”\"' ").endswith(TERMINATORS[lang])]
    assert len(with_terminator) >= len(sentences) * 0.6


def test_chinese_splits_on_ideographic_full_stop():
    assert split_sentences(CHINESE, "zh") == [s + "。" for s in CHINESE.split("。") if s]


def test_consecutive_passages_overlap_by_one_sentence():
    embedder = HashingEmbedder()
    passages = chunk_text(ENGLISH, "en", embedder.count_tokens, 30, overlap_sentences=1)
    assert len(passages) >= 3
    for first, second in zip(passages, passages[1:], strict=False):
        last_sentence = split_sentences(first, "en")[-1]
        assert second.startswith(last_sentence)


def test_no_overlap_when_disabled():
    embedder = HashingEmbedder()
    passages = chunk_text(ENGLISH, "en", embedder.count_tokens, 30, overlap_sentences=0)
    assert " ".join(passages) == " ".join(split_sentences(ENGLISH, "en"))


def test_sentence_longer_than_budget_is_cut_at_words():
    embedder = HashingEmbedder()
    long_sentence = " ".join(f"word{i}" for i in range(100)) + "."
    passages = chunk_text(long_sentence, "en", embedder.count_tokens, 20)
    assert all(embedder.count_tokens(p) <= 20 for p in passages)
    assert re.sub(r"\s+", " ", " ".join(passages)) == long_sentence


def test_text_without_spaces_is_cut_at_characters():
    passages = chunk_text("长" * 500, "zh", lambda t: len(t) + 2, 50)
    assert all(len(p) <= 48 for p in passages)
    assert "".join(passages) == "长" * 500


def _greedy_slices(sentence: str, count, budget: int) -> list[str]:
    """The word-at-a-time cut the doubling search must agree with."""
    words = sentence.split(" ")
    slices: list[str] = []
    current: list[str] = []
    for word in words:
        if current and count(" ".join([*current, word])) > budget:
            slices.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    return [*slices, " ".join(current)] if current else slices


@pytest.mark.parametrize("seed", range(5))
def test_a_long_sentence_is_cut_as_the_word_at_a_time_rule_would(seed: int):
    import random

    rng = random.Random(seed)
    words = ["a", "summit", "Budapest", "was", "dropped", "Tuesday", "x" * 30, "ministers"]
    sentence = " ".join(rng.choice(words) for _ in range(rng.randrange(50, 400)))
    count = HashingEmbedder().count_tokens
    budget = rng.choice([8, 20, 45])
    assert chunk_text(sentence, "en", count, budget, overlap_sentences=0) == _greedy_slices(
        sentence, count, budget
    )


def test_an_article_is_cut_at_the_bound_and_says_how_much_was_left():
    count = HashingEmbedder().count_tokens
    sentences = [f"Sentence number {n} tells part {n} of the story." for n in range(400)]
    text = " ".join(sentences)
    every = chunk_text(text, "en", count, 30, overlap_sentences=0)
    assert len(every) > 40
    chunks = chunk_article(text, "en", count, 30, overlap_sentences=0, max_passages=40)
    assert chunks.passages == every[:40] and chunks.repeats == 0
    unread = " ".join(every[40:])
    assert chunks.cut_short and abs(chunks.unread_chars - len(unread)) <= len(every)
    whole = chunk_article(text, "en", count, 30, overlap_sentences=0, max_passages=len(every))
    assert whole.passages == every and not whole.cut_short


def test_identical_passages_of_an_article_are_kept_once():
    count = HashingEmbedder().count_tokens
    boilerplate = "Subscribe to our newsletter for more news every morning."
    text = f"{boilerplate} The summit was dropped. {boilerplate} Gold rose again. {boilerplate}"
    chunks = chunk_article(text, "en", count, 12, overlap_sentences=0)
    assert chunks.passages == [boilerplate, "The summit was dropped.", "Gold rose again."]
    assert chunks.repeats == 2 and not chunks.cut_short
