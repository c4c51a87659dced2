"""Answers as pages of article blocks: snippets, captions, sentences shown once, lazy pages."""

from collections.abc import Sequence

import numpy as np
import pytest

from index.answers.citing import headline, outlet_name
from index.answers.pages import SNIPPET_CHARS, AnswerPages, clip_end
from index.models import Answer, Article, Hit, Passage
from index.passages.sentences import caption_sentences, is_caption_or_byline
from tests.conftest import HINDI_SEED, VIETNAMESE_SEED


class WordScorer:
    """Scores a sentence by the question's words it contains; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def scores(self, question: str, sentences: Sequence[str], langs: Sequence[str]) -> np.ndarray:
        self.calls.append(len(sentences))
        words = {w.strip("?.,").lower() for w in question.split()}
        return np.array(
            [len(words & {w.strip(".,()").lower() for w in s.split()}) / 10 for s in sentences]
        )


def article(n: int, text: str, title: str = "", source: str = "/data/news/report.txt") -> Article:
    return Article(f"a{n}", source, None, title, "2025-10-22", "en", "h", text, None)


def hit(art: Article, seq: int, text: str) -> Hit:
    return Hit(Passage(f"{art.id}:{seq}", art.id, seq, text), art, 0.9 - seq / 100, "")


@pytest.mark.parametrize(
    ("sentence", "caption"),
    [
        ("Tổng thống Nga Vladimir Putin và Tổng thống Mỹ Donald Trump. (Ảnh: Getty)", True),
        ("(AP Photo/Evan Vucci)", True),
        ("Photo: Reuters", True),
        ("ईपीए/शटरस्टॉक/रॉयटर्स", True),
        ("By Jane Doe", True),
        ("Alexandra Hutzler contributed to this report.", True),
        ("एबीसी न्यूज के एलेक्जेंड्रा हट्ज़लर ने इस रिपोर्ट में योगदान दिया।", True),
        ("The summit was dropped by both sides after the call.", False),
        ("Moskva gửi cho Washington tài liệu không chính thức.", False),
    ],
)
def test_captions_credits_and_bylines_are_recognised(sentence: str, caption: bool):
    assert is_caption_or_byline(sentence) is caption


def test_the_seeds_captions_are_found_by_paragraph():
    vietnamese = caption_sentences(VIETNAMESE_SEED.read_text(encoding="utf-8"), "vi")
    hindi = caption_sentences(HINDI_SEED.read_text(encoding="utf-8"), "hi")

    assert any(s.startswith("Tổng thống Nga Vladimir Putin và Tổng thống Mỹ") for s in vietnamese)
    assert any("16 अक्टूबर, 2025" in s for s in hindi)  # the caption above the credit line
    assert not any("Moskva từ chối" in s for s in vietnamese)


def test_a_snippet_is_short_cut_on_words_with_its_best_sentence_whole():
    filler = " ".join(f"Filler sentence number {i} says nothing much." for i in range(30))
    text = f"{filler} The Budapest summit was dropped on Tuesday. {filler}"
    art = article(1, text)
    pages = AnswerPages(
        Answer("Why was the Budapest summit dropped?", (hit(art, 0, text),), True, 0.1),
        3,
        WordScorer(),
    )

    [block] = pages.page(0)
    [snippet] = block.snippets
    assert snippet.best == "The Budapest summit was dropped on Tuesday."
    assert len(snippet.text) <= SNIPPET_CHARS + 4
    assert snippet.before.startswith("… ") and snippet.after.endswith("…")
    assert all(word in text for word in snippet.text.replace("…", " ").split())  # no cut words


def test_overlapping_passages_show_each_sentence_once_and_skip_the_headline_and_caption():
    sentences = [
        "The Budapest summit was dropped on Tuesday.",
        "Trump and Putin at the Budapest summit that was dropped. (Photo: Getty)",
        "The Kremlin said the Budapest summit had no date.",
        "Hungary said it could still host the summit.",
    ]
    title = "Summit dropped"
    text = title + "\n" + "\n".join(sentences)
    art = article(1, text, title=title)
    hits = (
        hit(art, 0, f"{title} {sentences[0]} {sentences[1]} {sentences[2]}"),
        hit(art, 1, f"{sentences[2]} {sentences[3]}"),  # overlaps the first by one sentence
    )
    pages = AnswerPages(
        Answer("Why was the Budapest summit dropped?", hits, True, 0.1), 3, WordScorer()
    )

    [block] = pages.page(0)
    shown = " ".join(s.text for s in block.snippets)
    for sentence in [sentences[0], sentences[2]]:
        assert shown.count(sentence) <= 1
    assert "Photo" not in shown and not shown.startswith(title)
    assert all(s.best != sentences[1] for s in block.snippets)


def test_pages_are_built_when_opened_and_articles_grouped():
    arts = [article(n, f"Budapest summit story {n}. It was dropped.") for n in range(5)]
    hits = tuple(hit(a, 0, a.text) for a in arts) + (hit(arts[0], 1, "Budapest summit again."),)
    scorer = WordScorer()
    pages = AnswerPages(Answer("Budapest summit dropped?", hits, True, 0.1), 2, scorer)

    assert pages.count == 3 and scorer.calls == []
    first = pages.page(0)
    assert [b.number for b in first] == [1, 2] and len(scorer.calls) == 1
    assert len(first[0].hits) == 2  # both passages of article 0 in its one block
    assert [b.number for b in pages.page(2)] == [5] and len(scorer.calls) == 3
    pages.page(1)
    assert len(scorer.calls) == 3  # built once


@pytest.mark.parametrize(
    ("outlet", "source", "url", "name"),
    [
        (None, "/tmp/x/seeds/000_bcae2b8bd87c75f4.txt", None, "000_bcae2b8bd87c75f4.txt"),
        (None, "seeds/003.txt", None, "003.txt"),
        ("VTC News", "/tmp/a.txt", None, "VTC News"),
        ("127.0.0.1:37949", "Check Wire", "http://127.0.0.1:37949/a", "Check Wire"),
        ("www.example.org", "www.example.org", "https://www.example.org/a", "example.org"),
    ],
)
def test_outlet_name_is_never_a_path_or_a_port(outlet, source, url, name):
    art = Article("a", source, url, "", None, "en", "h", "t", outlet)
    assert outlet_name(art) == name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Death toll rises to 832", "Death toll rises to 832"),
        ("Reuters dẫn lời quan chức cấp cao của Nhà Trắng đưa tin tuần này.", None),
        ("व्हाइट हाउस के एक अधिकारी ने मंगलवार को कहा…", None),
        ("", None),
    ],
)
def test_only_a_headline_is_shown_as_a_title(title: str, expected: str | None):
    assert headline(article(1, "t", title=title)) == expected


def test_clip_end_cuts_on_a_word_boundary():
    assert clip_end("one two three four", 12) == "one two…"
    assert clip_end("short", 12) == "short"
