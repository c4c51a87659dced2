"""How readers see an article named: a headline (made from its first sentence when it has
none), its outlet when known, never a file name, and the headline never twice."""

import pytest

from index.answers.citing import (
    MADE_HEADLINE_CHARS,
    known_outlet,
    made_headline,
    outlet_name,
    shown_title,
    without_headline,
)
from index.models import Article
from tests.conftest import REPO

SEED = "000_bcae2b8bd87c75f4.txt"


def article(text: str, title: str = "", source: str = f"/srv/news/seeds/{SEED}", **kw) -> Article:
    fields = {"url": None, "published": None, "lang": "en", "outlet": None} | kw
    return Article(
        "a1", source, fields["url"], title, fields["published"], fields["lang"], "h", text,
        fields["outlet"],
    )  # fmt: skip


def test_an_article_without_a_headline_is_named_by_its_first_sentence_not_its_file():
    text = (REPO / "seeds" / SEED).read_text(encoding="utf-8")
    seed = article(text, lang="hi")

    title = shown_title(seed)
    assert SEED not in title and "/" not in title
    assert title.endswith("…") and len(title) <= MADE_HEADLINE_CHARS
    assert text.startswith(title.removesuffix("…"))  # cut at a word boundary of the text
    assert text[len(title) - 1] == " "
    assert known_outlet(seed) is None  # a file's name is no outlet
    assert outlet_name(seed) == SEED  # what JSON and the operator's shell still show


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        ("Rates held. Markets rose.", "", "Rates held"),  # short: whole, without its stop
        ("Body text.", "Rates held at 5%", "Rates held at 5%"),  # a real headline wins
        ("Reuters said more. Then this.", "Reuters said more.", "Reuters said more"),
        ("(Photo: AP) Rates held today.", "", "Rates held today"),  # a credit skipped
        ("EPA/Shutterstock/Reuters\nRates held today.", "", "Rates held today"),
        ("Trump and Putin, 2025.\nEPA/Reuters Rates held today.", "", "Rates held today"),
    ],
)
def test_the_shown_title(text: str, title: str, expected: str):
    assert shown_title(article(text, title)) == expected


def test_a_made_headline_is_cut_at_a_word_boundary():
    words = " ".join(f"word{i}" for i in range(40)) + "."
    made = made_headline(article(words))
    assert made.endswith("…") and len(made) <= MADE_HEADLINE_CHARS
    assert words.startswith(made[:-1]) and words[len(made) - 1] == " "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Summit dropped The White House said so.", "The White House said so."),
        ("Summit dropped: The White House said so.", "The White House said so."),
        ("  Summit dropped\nThe White House said so.", "The White House said so."),
        ("The White House said so.", "The White House said so."),
        ("Summit dropped", "Summit dropped"),  # only the headline: left as it is
    ],
)
def test_a_glued_headline_is_taken_off_the_text(text: str, expected: str):
    feed = article("Summit dropped\nThe White House said so.", "Summit dropped")
    assert without_headline(text, feed) == expected


def test_a_first_sentence_that_begins_like_the_headline_is_kept():
    text = "Summit dropped by Hungary today. Talks go on."
    assert without_headline(text, article(text, "Summit dropped")) == text


def test_a_local_files_outlet_from_its_dateline_is_shown():
    assert known_outlet(article("x", outlet="VTC News")) == "VTC News"
