"""One story, one entry: republished and retold articles fold into the best-ranked one.

The logic with hand-made vectors; the signal and its thresholds with the real bundled model:
the two seed reports (Hindi and Vietnamese, different outlets) are one story, two different
NTREX stories on one topic are not."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.cli.answer_text import answer_json
from bot.root import open_core
from bot.settings import Settings
from index.embedding.embedder import SentenceTransformerEmbedder
from index.models import Passage
from index.passages.chunking import chunk_text
from index.passages.language import detect_language
from index.retrieval.story_folding import cut_stories, fold_stories, lead_with, trim_story
from index.retrieval.story_groups import ArticlePassages, StoryRule, story_similarity
from index.store.vectors import StoredPassage
from tests.conftest import HINDI_SEED, SEEDS, VIETNAMESE_SEED, claim_all
from tests.index.test_cross_lingual import NTREX


def _candidate(article_id: str, seq: int, score: float = 0.5) -> StoredPassage:
    passage = Passage(id=f"{article_id}:{seq}", article_id=article_id, seq=seq, text="t")
    return StoredPassage(passage, "en", score)


def _unit(*rows: list[float]) -> np.ndarray:
    vectors = np.asarray(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


E1, E2, E3, E4 = np.eye(4).tolist()


def test_articles_alike_are_one_story_showing_each_articles_best_first():
    articles = {
        "a": ArticlePassages("en", _unit(E1, E2)),
        "b": ArticlePassages("en", _unit(E3)),
        "c": ArticlePassages("vi", _unit([0.995, 0.0998, 0, 0], E2, E4)),  # retells a
    }

    def lookup(ids: Sequence[str]) -> dict[str, ArticlePassages]:
        return {i: articles[i] for i in ids if i in articles}

    ranked = [
        _candidate("a", 0, 0.6),
        _candidate("a", 1, 0.55),
        _candidate("c", 0, 0.5),
        _candidate("b", 0, 0.45),
        _candidate("c", 1, 0.4),
    ]
    stories = fold_stories(ranked + [_candidate("unknown", 0, 0.3)], lookup, StoryRule(0.99))
    assert [s.articles for s in stories] == [["a", "c"], ["b"], ["unknown"]]
    # The sibling's best passage comes before the lead's second: it is never hidden.
    assert [c.passage.id for c in stories[0].candidates] == ["a:0", "c:0", "a:1", "c:1"]
    assert [s.best for s in stories] == [0.6, 0.45, 0.3]
    apart = fold_stories(ranked, lookup, StoryRule(0.999))
    assert [s.articles for s in apart] == [["a"], ["c"], ["b"]]
    assert [s.articles for s in fold_stories(ranked, lookup, None)] == [["a"], ["c"], ["b"]]


def test_what_is_shown_is_cut_relative_to_the_best_story():
    ranked = [
        _candidate("a", 0, 0.60),
        _candidate("b", 0, 0.55),  # within 0.06 of the best story: kept
        _candidate("a", 1, 0.52),  # 0.08 below its story's best: trimmed
        _candidate("d", 0, 0.53),  # 0.07 below the best story: cut
    ]

    def shown(candidates: list[StoredPassage]) -> list[list[str]]:
        stories = cut_stories(fold_stories(candidates, lambda ids: {}, None), 0.06, score)
        return [[c.passage.id for c in trim_story(s, 0.06, score).candidates] for s in stories]

    def score(c: StoredPassage) -> float:
        return c.score

    assert shown(ranked) == [["a:0"], ["b:0"]]
    # Relative: the same gaps on a scale a recalibrated model shifted are cut the same way.
    shifted = [_candidate(c.passage.article_id, c.passage.seq, c.score + 0.2) for c in ranked]
    assert shown(shifted) == [["a:0"], ["b:0"]]


def test_a_siblings_best_passage_is_never_trimmed():
    articles = {"a": ArticlePassages("hi", _unit(E1)), "c": ArticlePassages("vi", _unit(E1))}
    ranked = [_candidate("a", 0, 0.47), _candidate("a", 1, 0.45), _candidate("c", 0, 0.36)]
    (story,) = fold_stories(
        ranked, lambda ids: {i: articles[i] for i in ids}, StoryRule(0.9), lambda c: c.score
    )
    trimmed = trim_story(story, 0.06, lambda c: c.score)
    assert [c.passage.id for c in trimmed.candidates] == ["a:0", "c:0", "a:1"]


def test_a_name_ranks_the_story_but_its_best_passage_leads_it_and_is_never_trimmed():
    """The README question, "Why was the Budapest summit dropped?": the Hindi passage
    naming Budapest (0.248 + the name bonus 0.1) ranks the story; the Vietnamese passage on
    Moscow's refusal (0.263, no name) says more and leads; a passage only near the lifted one
    is trimmed."""
    articles = {"hi": ArticlePassages("hi", _unit(E1)), "vi": ArticlePassages("vi", _unit(E1))}
    named = {"hi:7", "vi:3"}

    def rank(c: StoredPassage) -> float:
        return c.score + (0.1 if c.passage.id in named else 0.0)

    ranked = sorted(
        [
            _candidate("hi", 7, 0.248),
            _candidate("vi", 3, 0.241),
            _candidate("vi", 1, 0.263),
            _candidate("hi", 2, 0.230),
        ],
        key=rank,
        reverse=True,
    )
    (story,) = fold_stories(ranked, lambda ids: {i: articles[i] for i in ids}, StoryRule(0.9), rank)
    assert story.best == pytest.approx(0.348)
    led = lead_with(story, lambda c: c.score)
    trimmed = trim_story(led, 0.06, rank)
    assert [c.passage.id for c in trimmed.candidates] == ["vi:1", "hi:7", "vi:3"]
    # Without the lead rule the best passage was cut, 0.085 below the name-lifted one.
    assert "vi:1" not in [c.passage.id for c in trim_story(story, 0.06, rank).candidates]


def test_one_shared_passage_is_not_a_story_two_are():
    """Different stories on one topic may share a sentence; a retold story shares more."""
    story = _unit(E1, E2, E3)
    one_shared = _unit(E1, E4, [0, 0, -1, 0])
    two_shared = _unit(E1, E2, E4)
    assert story_similarity(story, one_shared) == pytest.approx(0.5)
    assert story_similarity(story, two_shared) == pytest.approx(1.0)
    assert story_similarity(_unit(E1), _unit(E1)) == pytest.approx(1.0)  # one passage each


def test_within_one_language_a_story_must_be_more_alike():
    rule = StoryRule(min_similarity=0.6, same_language_margin=0.1)
    a = _unit([1, 0, 0, 0])
    b = _unit([0.65, 0.76, 0, 0])  # cosine 0.65 with a
    assert rule.same_story(ArticlePassages("hi", a), ArticlePassages("vi", b))
    assert not rule.same_story(ArticlePassages("vi", a), ArticlePassages("vi", b))


def _republished(folder: Path) -> None:
    """The Vietnamese seed, and the same report republished by another outlet, lightly edited."""
    text = VIETNAMESE_SEED.read_text(encoding="utf-8")
    (folder / "vtc.txt").write_text(text, encoding="utf-8")
    copy = text.replace("(VTC News)", "(Báo Mới)").replace("Reuters dẫn lời", "Theo Reuters,")
    (folder / "baomoi.txt").write_text(copy, encoding="utf-8")
    (folder / "hindi.txt").write_text(HINDI_SEED.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_republished_report_and_a_retold_one_are_one_story_naming_every_source(
    settings: Settings, real_embedder: SentenceTransformerEmbedder, tmp_path: Path
):
    folder = tmp_path / "news"
    folder.mkdir()
    _republished(folder)
    with open_core(settings, lock=True, embedder=real_embedder) as news:
        news.index_paths([folder])
        answer = news.ask("Why was the Budapest summit dropped?", k=5)
    assert answer.hits
    assert {h.story for h in answer.hits} == {0}  # one story
    shown = {Path(h.article.source).name for h in answer.hits}
    assert len(shown & {"vtc.txt", "baomoi.txt"}) == 1  # a republished copy is not shown again
    story = {a.source for h in answer.hits for a in (h.article, *h.siblings)}
    assert {Path(source).name for source in story} == {"vtc.txt", "baomoi.txt", "hindi.txt"}
    assert {a.lang for h in answer.hits for a in (h.article, *h.siblings)} == {"vi", "hi"}
    assert answer_json(answer)["hits"][0]["siblings"]


def test_folding_can_be_turned_off(
    settings: Settings, real_embedder: SentenceTransformerEmbedder, tmp_path: Path
):
    folder = tmp_path / "news"
    folder.mkdir()
    _republished(folder)
    unfolded = settings.model_copy(update={"fold_stories": False})
    with open_core(unfolded, lock=True, embedder=real_embedder) as news:
        news.index_paths([folder])
        answer = news.ask("Donbas Luhansk Donetsk", k=5)
    assert answer.hits
    assert not any(h.siblings for h in answer.hits)
    assert {"VTC News", "Báo Mới"} <= {h.article.outlet for h in answer.hits}


def _article(path: Path, embedder: SentenceTransformerEmbedder) -> ArticlePassages:
    """An article cut and embedded the way the indexer does it."""
    text = path.read_text(encoding="utf-8")
    lang = detect_language(text)
    passages = chunk_text(text, lang, embedder.count_tokens, embedder.passage_token_budget)
    return ArticlePassages(lang, embedder.embed_passages(passages, [lang] * len(passages)))


@pytest.fixture(scope="module")
def story_rule(real_embedder: SentenceTransformerEmbedder) -> StoryRule:
    profile = real_embedder.profile
    return StoryRule(profile.story_min_similarity, profile.story_same_language_margin)


def test_the_two_seed_reports_are_one_story(
    real_embedder: SentenceTransformerEmbedder, story_rule: StoryRule
):
    hindi = _article(HINDI_SEED, real_embedder)
    vietnamese = _article(VIETNAMESE_SEED, real_embedder)
    assert (hindi.lang, vietnamese.lang) == ("hi", "vi")
    assert story_rule.same_story(hindi, vietnamese)
    mean_cosine = float(
        _unit(hindi.vectors.mean(axis=0))[0] @ _unit(vietnamese.vectors.mean(axis=0))[0]
    )
    assert mean_cosine < 0.65  # the old signal: their mean vectors are not alike


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("en-cbsnews.248384.txt", "en-cbsnews.248394.txt"),  # two Kavanaugh stories
        ("en-cbsnews.248384.txt", "hi-cbsnews.248394.txt"),  # ... in two languages
        ("en-cbsnews.248384.txt", "en-guardian.221754.txt"),  # unrelated
    ],
)
def test_different_stories_on_one_topic_are_not_one_story(
    real_embedder: SentenceTransformerEmbedder, story_rule: StoryRule, first: str, second: str
):
    a, b = _article(NTREX / first, real_embedder), _article(NTREX / second, real_embedder)
    assert not story_rule.same_story(a, b)


def test_the_two_seed_reports_are_one_alert(
    settings: Settings, real_embedder: SentenceTransformerEmbedder
):
    with open_core(settings, lock=True, embedder=real_embedder) as news:
        news.catalog.subscriptions.add(10, "Trump Putin summit in Budapest", "en")
        news.index_paths([SEEDS])
        due = claim_all(news.catalog.outbox)
        sources = {a.id: Path(a.source).name for a in news.db.all_articles()}
    assert len(due) == 1  # one message
    ((alert,),) = [claim.alerts for claim in due]  # holding one alert
    story = {sources[alert.article_id], *(sources[s] for s in alert.siblings)}
    assert story == {HINDI_SEED.name, VIETNAMESE_SEED.name}
