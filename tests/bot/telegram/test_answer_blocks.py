"""Answers as a reader on a phone meets them: one block per article, right citations, no
repeats, pages built when opened, ‹ Prev and More ›, and 👍/👎 stored and exported.

The corpus: a local text file with a headline and a photo caption, and a feed on the local
news site whose items' pages carry dates of their own (a guess from the text, metadata)."""

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app as cli
from bot.root import Root
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.services import Services
from index.passages.sentences import split_sentences
from tests.bot.fake_bot_api import (
    Call,
    FakeBotAPI,
    callback_query,
    message,
    private_chat,
    running,
    user,
    visible_text,
)
from tests.fakes import HashingEmbedder
from tests.news_server import NewsSite, Route

QUESTION = "Why was the Budapest summit dropped?"
HEADLINE = "Budapest summit dropped after a phone call"
CAPTION = "The Budapest summit was dropped, Trump and Putin pictured in Alaska. (Photo: Getty)"
REPORT = "\n".join(
    [
        HEADLINE,
        "The planned Budapest summit between Trump and Putin was dropped on Tuesday.",
        CAPTION,
        "A White House official said the summit was dropped as no meeting was planned.",
        "Rubio and Lavrov spoke by phone on Monday about the summit in Budapest.",
        "The Kremlin said no date had ever been set for the Budapest summit.",
        "Hungary said it remained ready to host the summit later this year.",
        "Ukraine's president said he was waiting to hear whether he would be invited.",
    ]
)
GUESSED_PAGE = (  # no date in its metadata; its text mentions one, the feed has its own
    "<!doctype html><html><head><meta charset='utf-8'><title>Summit off</title></head><body>"
    "<article><h1>Summit off</h1><p>Archived on 2000-01-01.</p>"
    "<p>Officials said the Budapest summit was dropped when the foreign ministers failed "
    "to agree.</p><p>The summit in Budapest may be held later, diplomats said on Tuesday.</p>"
    "<p>Markets barely moved after the summit news from Budapest.</p></article></body></html>"
)
DATED_PAGE = (  # a date and a site name in its metadata
    "<!doctype html><html><head><meta charset='utf-8'><title>Hungary waits</title>"
    "<meta property='article:published_time' content='2025-10-20'>"
    "<meta property='og:site_name' content='Example News'></head><body>"
    "<article><h1>Hungary waits</h1><p>Hungary still hopes to host the Budapest summit that "
    "was dropped this week.</p><p>Its foreign minister said the summit was not cancelled "
    "for good.</p></article></body></html>"
)


def feed(site: NewsSite) -> bytes:
    items = [
        ("Summit off", site.url("/news/off"), "Sun, 01 Nov 2026 10:00:00 GMT"),
        ("Hungary waits", site.url("/news/waits"), "Tue, 21 Oct 2025 08:00:00 GMT"),
    ]
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
        for t, link, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Check Wire</title><link>{site.url('/')}</link>{entries}</channel></rss>"
    ).encode()


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder(budget=30)  # a few sentences a passage, overlapping by one


@pytest.fixture
def chosen(bot_settings: Settings) -> Settings:
    return bot_settings.model_copy(update={"allow_private_urls": True, "bot_page_hits": 2})


@pytest.fixture
def services(
    chosen: Settings, site: NewsSite, tmp_path: Path, embedder: HashingEmbedder
) -> Iterator[Services]:
    site.routes["/news/off"] = Route(GUESSED_PAGE.encode())
    site.routes["/news/waits"] = Route(DATED_PAGE.encode())
    site.routes["/feed.xml"] = Route(feed(site), content_type="application/rss+xml")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "summit.txt").write_text(REPORT, encoding="utf-8")
    opened = Root(chosen).bot_services(embedder=embedder)
    assert opened.news.index_paths([reports]).failed == 0
    source = opened.news.add_source(site.url("/feed.xml"))
    assert opened.news.refresh(source.id).new == 2
    yield opened
    opened.close()


@pytest.fixture
async def bot(services: Services, chosen: Settings, api: FakeBotAPI) -> AsyncIterator[Services]:
    async with running(build_application(chosen, lambda: services)):
        yield services
        await api.end_polls()


async def ask(api: FakeBotAPI, person: dict, text: str = QUESTION) -> Call:
    await api.inject({"message": message(private_chat(person), person, text)})
    return await api.next_call("sendMessage", chat_id=person["id"])


async def press(api: FakeBotAPI, person: dict, shown: Call, label: str) -> Call:
    rows = (shown.params.get("reply_markup") or {}).get("inline_keyboard", [])
    [data] = [b["callback_data"] for row in rows for b in row if b["text"] == label]
    chat = shown.params["chat_id"]
    bot_message = api.sent[(chat, max(m for c, m in api.sent if c == chat))]
    await api.inject({"callback_query": callback_query(person, bot_message, data)})
    return await api.next_call("answerCallbackQuery")


def labels(call: Call) -> list[str]:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


async def all_pages(api: FakeBotAPI, person: dict) -> list[str]:
    """Every page of the answer to QUESTION, walking "More ›"."""
    shown = await ask(api, person)
    pages = [shown.text]
    while "More ›" in labels(shown):
        await press(api, person, shown, "More ›")
        shown = await api.next_call("editMessageText", chat_id=person["id"])
        pages.append(shown.text)
    return pages


async def test_each_article_once_with_headline_outlet_and_human_date(
    api: FakeBotAPI, bot: Services, tmp_path: Path
):
    pages = await all_pages(api, user())
    shown = "\n".join(visible_text(p) for p in pages)

    numbers = [int(n) for page in pages for n in re.findall(r"<b>\[(\d+)\] ", page)]
    assert numbers == [1, 2, 3]  # three articles, each once, however many passages matched
    assert str(tmp_path) not in shown and "reports/" not in shown  # no file paths
    assert "summit.txt" not in shown and "unknown" not in shown  # no file name, no "date unknown"
    assert f"[1] {HEADLINE}\nThe planned" in shown  # nothing known about a local file: no line
    assert f"{HEADLINE} The planned" not in shown  # not glued to the first sentence
    assert "Summit off\nCheck Wire · 1 Nov 2026" in shown  # the feed's name, the feed's date
    assert "Hungary waits\nExample News · 21 Oct 2025" in shown  # the site's own name
    citations = [line for page in pages for line in re.findall(r"<i>([^<]*)</i>", page)]
    assert "127.0.0.1" not in shown and not any("2000" in line for line in citations)
    assert not any(re.search(r"\d{4}-\d{2}", line) for line in citations)  # no ISO dates
    blocks = [b for page in pages for b in page.split("\n\n") if b.startswith("<b>[")]
    for block in blocks:  # headline, outlet and date, then one or two snippets
        snippets = [line for line in block.split("\n")[1:] if not line.startswith("<i>")]
        assert 1 <= len(snippets) <= 2 and all(len(visible_text(s)) <= 320 for s in snippets)


async def test_no_sentence_is_shown_twice_and_captions_are_never_best(
    api: FakeBotAPI, bot: Services
):
    pages = await all_pages(api, user())
    shown = " ".join(" ".join(visible_text(p).split()) for p in pages)
    bold = [b for p in pages for b in re.findall(r"<b>([^<\[][^<]*)</b>", p)]

    sentences = split_sentences(REPORT.split("\n", 1)[1], "en")
    assert len(sentences) >= 6
    for sentence in sentences:
        assert shown.count(sentence) <= 1, sentence
    assert bold and all("Photo" not in b and "pictured" not in b for b in bold)
    assert len(bold) == len(set(bold))


async def test_the_first_page_is_built_first_and_a_repeated_question_is_cached(
    api: FakeBotAPI, bot: Services, embedder: HashingEmbedder
):
    indexing_calls = len(embedder.calls)
    first = await ask(api, user(1))
    # One batch: the sentences of the first passages, scored by the search's answer rule
    # through the cache the pages read, so page 1 costs no second call.
    assert len(embedder.calls) == indexing_calls + 1
    assert "More ›" in labels(first)

    again = await ask(api, user(2), "  why was the budapest SUMMIT dropped? ")
    assert len(embedder.calls) == indexing_calls + 1  # nothing computed again
    assert visible_text(again.text) == visible_text(first.text)
    ids = [d.split(":")[1] for d in (first.button_data[0], again.button_data[0])]
    one, two = (bot.answers.get(i) for i in ids)
    assert one is not None and two is not None and one.shared is two.shared  # not searched again

    await press(api, user(1), first, "More ›")
    await api.next_call("editMessageText", chat_id=1)
    # Page 2's sentences when opened, unless the search scored them already (not twice).
    assert len(embedder.calls) <= indexing_calls + 2


async def test_prev_goes_back_to_the_same_first_page(api: FakeBotAPI, bot: Services):
    person = user()
    first = await ask(api, person)
    assert "‹ Prev" not in labels(first) and "More ›" in labels(first)

    await press(api, person, first, "More ›")
    second = await api.next_call("editMessageText", chat_id=42)
    assert "Page 2 of 2" in second.text
    assert "‹ Prev" in labels(second) and "More ›" not in labels(second)

    await press(api, person, second, "‹ Prev")
    back = await api.next_call("editMessageText", chat_id=42)
    assert back.text == first.text and labels(back) == labels(first)


async def test_a_vote_is_stored_changed_and_exported(
    api: FakeBotAPI, bot: Services, data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    person = user(987_654_321)
    first = await ask(api, person)

    saved = await press(api, person, first, "👍")
    changed = await press(api, person, first, "👎")
    other = await press(api, user(7), first, "👍")

    assert saved.text == "Thanks, noted." and changed.text == "Thanks, your vote is changed."
    assert other.text == "Thanks, noted."
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(cli, ["feedback", "export"])
    assert result.exit_code == 0, result.output
    votes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["vote"] for v in votes] == [-1, 1]  # one per reader, the first one changed
    vote = votes[0]
    assert vote["question"] == QUESTION and vote["lang"] == "en"
    assert [a["n"] for a in vote["shown"]] == [1, 2]  # the first page's articles
    assert vote["shown"][0]["passages"][0]["best_sentence"] in first.text
    assert "987654321" not in result.stdout  # no user id


async def test_a_button_is_answered_before_its_page_is_built_and_a_built_page_costs_no_model(
    api: FakeBotAPI, bot: Services, embedder: HashingEmbedder
):
    person = user()
    first = await ask(api, person)
    await press(api, person, first, "More ›")
    second = await api.next_call("editMessageText", chat_id=42)
    methods = [
        c.method for c in api.calls if c.method in ("answerCallbackQuery", "editMessageText")
    ]
    assert methods == ["answerCallbackQuery", "editMessageText"]  # the spinner stops first
    calls = len(embedder.calls)
    await press(api, person, second, "‹ Prev")
    back = await api.next_call("editMessageText", chat_id=42)
    assert back.text == first.text and len(embedder.calls) == calls  # page 1 was built
