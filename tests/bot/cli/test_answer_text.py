"""The terminal's story blocks: each passage's own article, weak stories marked."""

from dataclasses import replace
from typing import Any

from bot.cli.answer_text import answer_json, answer_markup
from index.answers.pages import AnswerPages
from index.models import Answer, Article, Hit, Passage


def _hit(n: int, text: str, story: int, weak: bool = False, **article: Any) -> Hit:
    art = Article(
        id=f"a{n}", source=f"/news/{n}.txt", url=None, title="", published=None, lang="en",
        content_hash="h", text=text, outlet=None,
    )  # fmt: skip
    return Hit(
        Passage(f"a{n}:0", f"a{n}", 0, text),
        replace(art, **article),
        0.5,
        "",
        story=story,
        weak=weak,
    )


def test_a_story_block_cites_a_siblings_passage_and_marks_a_weak_story():
    lead = _hit(1, "Trump dropped the summit.", 0)
    sibling = _hit(2, "Nga muốn 75% Donetsk.", 0, outlet="VTC News", lang="vi")
    lead = replace(lead, siblings=(sibling.article,))
    weak = _hit(3, "A quake hit Sulawesi.", 1, weak=True)
    answer = Answer("q?", (lead, sibling, weak), True, 0.24, 0.29, answer_score=0.31)
    blocks = AnswerPages(answer, 5, None).all_blocks()

    text = answer_markup(answer, blocks)
    assert text.count("[bold cyan][") == 2  # two stories, two blocks
    assert "from VTC News · lang: vi" in text  # no date known: no date, never "date unknown"
    assert "also in" not in text  # the sibling's passage is shown, so it is not "also in"
    weak_line = next(line for line in text.splitlines() if "[2] " in line)
    assert "A quake hit Sulawesi" in weak_line and "(weaker match)" in weak_line  # named by
    assert "3.txt" not in weak_line  # its first sentence, never its file name
    hits = answer_json(answer)["hits"]
    assert [(h["story"], h["weak"]) for h in hits] == [(1, False), (1, False), (2, True)]
    assert answer_json(answer)["answer_score"] == 0.31
