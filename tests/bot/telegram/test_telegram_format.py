"""Telegram HTML: escaped outside strings, bold best sentence, never over 4096, tags balanced."""

import ast
import string
from dataclasses import replace

import pytest

from bot.logs import RedactSecrets
from bot.telegram import texts
from bot.telegram.html import MAX_MESSAGE, render_page, split_html, utf16_len
from index.answers.pages import AnswerPages
from index.models import Answer, Article, Hit, Passage
from tests.bot.fake_bot_api import check_text, visible_text
from tests.conftest import REPO


def hit(n: int, text: str, best: str, title: str = "Title", url: str | None = None) -> Hit:
    article = Article(
        id=f"a{n}", source="Feed", url=url, title=title, published=None, lang="en",
        content_hash="h", text=text, outlet=None,
    )  # fmt: skip
    return Hit(Passage(f"a{n}:0", f"a{n}", 0, text), article, 0.9, best)


def answer(*hits: Hit) -> Answer:
    return Answer("q?", hits, answered=bool(hits), min_score=0.2)


@pytest.mark.parametrize(
    "markup",
    [
        "plain " * 3000,
        "<b>" + "bold words " * 1000 + "</b> tail",
        "<i>a</i>\n" * 2000,
        '<a href="https://x.org/?a=1&amp;b=2">' + "link &amp; text " * 700 + "</a>",
        "<b><i>" + "x" * 9000 + "</i></b>",
        "&lt;&amp;&gt;" * 3000,
        "😀 emoji " * 1500,
        "line one\n\n" + "<b>para</b> " * 900 + "\n\nlast line",
    ],
)
def test_split_html_gives_valid_messages_within_the_limit(markup: str):
    parts = split_html(markup)

    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= MAX_MESSAGE
        assert check_text({"text": part, "parse_mode": "HTML"}) is None, part[:80]
    squeeze = "".join(visible_text(p) for p in parts).split()
    assert "".join(squeeze) == "".join(visible_text(markup).split())


def test_short_html_is_one_message():
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_page_escapes_and_bolds_the_best_sentence():
    found = answer(
        hit(1, "One <x>. Two & three.", "Two & three.", title="<b>&", url="https://e.org/?a&b")
    )

    page = render_page(AnswerPages(found, 3, None), 0, "en")

    assert "<b>Two &amp; three.</b>" in page.html and "One &lt;x&gt;." in page.html
    assert '<a href="https://e.org/?a&amp;b">&lt;b&gt;&amp;</a>' in page.html
    assert check_text({"text": page.html, "parse_mode": "HTML"}) is None


def test_a_huge_passage_is_cut_around_its_best_sentence():
    text = "Filler words here. " * 800 + "The answer is here. " + "More filler. " * 800
    page = render_page(AnswerPages(answer(hit(1, text, "The answer is here.")), 3, None), 0, "en")

    assert utf16_len(page.html) <= MAX_MESSAGE
    assert "<b>The answer is here.</b>" in page.html
    assert page.html.count("…") == 2


def test_links_other_than_http_are_not_links():
    page = render_page(
        AnswerPages(answer(hit(1, "Text.", "Text.", url="javascript:alert(1)")), 3, None), 0, "en"
    )
    assert "<a " not in page.html


def test_pages_split_the_hits_and_know_when_more_follow():
    found = answer(*(hit(i, f"Passage {i}.", f"Passage {i}.") for i in range(7)))

    pages = [render_page(AnswerPages(found, 3, None), n, "en") for n in range(3)]

    assert [p.has_more for p in pages] == [True, True, False]
    assert "Page 3 of 3" in pages[2].html and "[7]" in pages[2].html


def test_nothing_found_is_said_in_the_users_language():
    page = render_page(AnswerPages(Answer("<script>", (), False, 0.5), 3, None), 0, "hi")
    assert "कुछ प्रासंगिक नहीं मिला" in page.html and "&lt;script&gt;" in page.html


@pytest.mark.parametrize("lang", texts.languages())
def test_every_language_has_every_text(lang: str):
    assert texts.keys(lang) == texts.keys("en")
    for key in texts.keys(lang):
        english = {f for _, f, _, _ in string.Formatter().parse(texts.template("en", key)) if f}
        here = {f for _, f, _, _ in string.Formatter().parse(texts.template(lang, key)) if f}
        assert here == english, f"{lang}/{key} has other placeholders than English"
        filled = texts.text(lang, key, **{name: "1" for name in english})
        assert check_text({"text": filled, "parse_mode": "HTML"}) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "en"), ("hi", "hi"), ("vi", "vi"), ("ru-RU", "ru"), ("pt-br", None), (None, None)],
)
def test_supported_languages(code: str | None, expected: str | None):
    assert texts.supported(code) == expected


def test_the_token_is_redacted_from_log_lines():
    import logging

    token = "999:SECRET"
    record = logging.LogRecord("x", logging.INFO, "f", 1, "GET %s/bot%s/getMe", ("u", token), None)

    assert RedactSecrets(token).filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()


def test_a_folded_story_names_its_sibling_sources_linked_and_escaped():
    siblings = tuple(
        Article(
            id=f"s{i}",
            source=f"Feed <{i}>",
            url=f"https://news{i}.example/a?x=1&y=2",
            title="T",
            published=None,
            lang="vi",
            content_hash="h",
            text="t",
            outlet=None,
        )  # fmt: skip
        for i in range(7)
    )
    folded = hit(1, "One sentence. Two.", "Two.")
    folded = Hit(folded.passage, folded.article, folded.score, folded.best_sentence, siblings)
    page = render_page(AnswerPages(answer(folded), 5, None), 0, "en")

    assert check_text({"text": page.html, "parse_mode": "HTML"}) is None
    shown = visible_text(page.html)
    assert "Also in: Feed <0> (Vietnamese), Feed <1> (Vietnamese)" in shown
    assert "Feed <4> (Vietnamese) and 2 more" in shown and "Feed <5>" not in shown
    assert '<a href="https://news0.example/a?x=1&amp;y=2">' in page.html


@pytest.mark.parametrize(
    ("lang", "weak"), [("en", "weaker match"), ("ru", "менее точное совпадение")]
)
def test_a_story_block_cites_each_articles_passage_and_marks_a_weak_story(lang: str, weak: str):
    lead = hit(1, "Trump dropped the summit. It was off.", "Trump dropped the summit.")
    sibling = hit(2, "Nga muốn 75% Donetsk. Hết.", "Nga muốn 75% Donetsk.", url="https://vtc.vn/a")
    sibling = Hit(
        sibling.passage,
        replace(sibling.article, outlet="VTC News", lang="vi", published="2025-10-22"),
        0.5,
        sibling.best_sentence,
        story=0,
    )
    lead = Hit(lead.passage, lead.article, 0.6, lead.best_sentence, (sibling.article,), story=0)
    other = hit(3, "A quake hit Sulawesi. Many died.", "A quake hit Sulawesi.")
    other = Hit(other.passage, other.article, 0.5, other.best_sentence, story=1, weak=True)
    page = render_page(AnswerPages(answer(lead, sibling, other), 5, None), 0, lang)

    assert check_text({"text": page.html, "parse_mode": "HTML"}) is None
    first, second = [visible_text(b) for b in page.html.split("\n\n")]
    assert first.count("[1]") == 1 and "[2]" not in first  # one story, one block
    lines = first.split("\n")
    cited = next(i for i, line in enumerate(lines) if line.startswith("VTC News ("))
    # its own citation, above it and ending in a colon: no dash that reads as the byline of
    # the passage before it
    assert lines[cited].endswith("2025:") and "—" not in first
    assert lines[cited + 1].startswith("Nga muốn 75% Donetsk.")
    assert '<a href="https://vtc.vn/a">' in page.html
    assert first.count("VTC News") == 1  # not again as "also in"
    assert weak not in first and weak in second and second.startswith("[2]")


def test_every_text_is_used_by_the_bot():
    """A text no module asks for is dead weight in four languages (keys built as f"cmd_{x}"
    count by their constant prefix)."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for module in (REPO / "bot").rglob("*.py"):
        if "texts" in module.parts:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
                prefixes.add(str(node.values[0].value))
    unused = [
        key
        for key in sorted(texts.keys("en"))
        if key not in literals and not key.startswith(tuple(prefixes))
    ]
    assert unused == []
