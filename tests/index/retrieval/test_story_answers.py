"""Story-aware answers with the real bundled model: the right passages, from any article of
the story and in any language, or an honest "not answered".

The corpus is the two seed reports (Hindi, Vietnamese; one story) with NTREX distractors in
several languages, among them the Sulawesi quake that once outranked the seeds and the 2018
Ryder Cup that once "answered" a question about the 2022 World Cup (tests/data/distractors).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.embedding.embedder import SentenceTransformerEmbedder
from index.models import Answer
from index.news_index import NewsIndex
from tests.conftest import HINDI_SEED, SEEDS, VIETNAMESE_SEED
from tests.index.test_cross_lingual import NTREX

DISTRACTORS = Path(__file__).resolve().parents[2] / "data" / "distractors"
BOT_K = 15  # what the bot asks for: 3 articles a page, 5 pages
SEED_NAMES = {HINDI_SEED.name, VIETNAMESE_SEED.name}


def _open(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    embedder: SentenceTransformerEmbedder,
    folders: list[Path],
) -> Iterator[NewsIndex]:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("stories") / "data",
        model_cache_dir=model_cache,
    )
    with open_core(settings, lock=True, embedder=embedder) as news:
        news.index_paths(folders)
        yield news


@pytest.fixture(scope="module")
def news(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    real_embedder: SentenceTransformerEmbedder,
) -> Iterator[NewsIndex]:
    """The seeds among distractors, default settings (stories folded)."""
    yield from _open(tmp_path_factory, model_cache, real_embedder, [SEEDS, NTREX, DISTRACTORS])


@pytest.fixture(scope="module")
def seeds_only(
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    real_embedder: SentenceTransformerEmbedder,
) -> Iterator[NewsIndex]:
    yield from _open(tmp_path_factory, model_cache, real_embedder, [SEEDS])


def _name(path: str) -> str:
    return Path(path).name


def _first_story(answer: Answer) -> set[str]:
    """The files of the first story: its passages' articles and its "also in"."""
    hits = [h for h in answer.hits if h.story == 0]
    return {_name(a.source) for h in hits for a in (h.article, *h.siblings)}


def test_the_readme_question_is_answered_by_the_seed_story_with_both_reports(news: NewsIndex):
    answer = news.ask("Why was the Budapest summit dropped?", BOT_K, sentences=False)
    assert answer.answered, answer.answer_score
    assert _name(answer.hits[0].article.source) in SEED_NAMES
    # The passage that says why leads (Moscow would not concede), not the Hindi one that the
    # name bonus lifts for naming Budapest.
    assert "Moskva từ chối xem xét nhượng bộ" in answer.hits[0].passage.text
    # Both reports' passages are in the first story's block, each citing its own article.
    first = news.answer_pages(answer, 3).page(0)[0]
    assert {_name(s.article.source) for s in first.snippets} == SEED_NAMES
    assert not first.weak


def test_a_hindi_question_reaches_the_vietnamese_passage_that_answers_it(seeds_only: NewsIndex):
    # "What does Russia want from Ukraine before a ceasefire?": only the Vietnamese report
    # says (75% of Donetsk); it is one story with the Hindi report, which must not hide it.
    answer = seeds_only.ask("रूस यूक्रेन से युद्धविराम से पहले क्या चाहता है?", 5, sentences=False)
    assert answer.answered
    (block,) = seeds_only.answer_pages(answer, 3).page(0)
    vietnamese = [s for s in block.snippets if _name(s.article.source) == VIETNAMESE_SEED.name]
    assert vietnamese and "75% Donetsk" in vietnamese[0].passage.text
    assert VIETNAMESE_SEED.name not in {_name(a.source) for a in block.siblings}


@pytest.mark.parametrize(
    "question",
    [
        "who won the 2022 world cup?",
        "¿Quién ganó el Mundial de 2022?",
        "Кто выиграл чемпионат мира по футболу 2022 года?",
    ],
)
def test_a_near_miss_is_not_answered(news: NewsIndex, question: str):
    """The 2018 Ryder Cup is near a 2022 World Cup question, but does not answer it."""
    answer = news.ask(question, BOT_K, sentences=False)
    assert not answer.answered, answer.answer_score


@pytest.mark.parametrize(
    "question",
    [
        "What did Trump and Putin agree in Helsinki?",
        "Was haben Trump und Putin in Helsinki vereinbart?",
        "Qu'ont convenu Trump et Poutine à Helsinki ?",
    ],
)
def test_another_summit_of_the_same_two_is_not_answered(news: NewsIndex, question: str):
    """The seed story names Trump and Putin, not Helsinki: asked without "Helsinki", the
    question matches it better, so the story does not answer it (2018, no year asked)."""
    answer = news.ask(question, BOT_K, sentences=False)
    assert not answer.answered, answer.answer_score


def test_the_same_two_asked_about_their_summit_are_answered(news: NewsIndex):
    answer = news.ask("Where did Trump and Putin plan to meet?", BOT_K, sentences=False)
    assert answer.answered and _name(answer.hits[0].article.source) in SEED_NAMES


@pytest.mark.parametrize("question", ["Peskov", "Песков", "पेस्कोव", "Budapest"])
def test_a_name_finds_the_story_that_names_it_in_any_script(news: NewsIndex, question: str):
    answer = news.ask(question, BOT_K, sentences=False)
    assert answer.hits and SEED_NAMES & _first_story(answer)
    named = "Peskov" if question != "Budapest" else "Budapest"
    assert any(named in h.passage.text for h in answer.hits if h.story == 0)
