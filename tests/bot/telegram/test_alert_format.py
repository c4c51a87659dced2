"""What an alert, a digest and an answer's citation show a reader: a headline made from the
first sentence when there is none, never a file name or "date unknown", the headline never
again in bold, each outlet once, a burst newest first."""

from bot.telegram.alerts.format import render_alert, render_digest
from bot.telegram.html import citation_html, render_hit
from index.alerts.subscriptions import Claim, PendingAlert, Subscription
from index.models import Article, Hit, Passage
from tests.bot.fake_bot_api import check_text, visible_text

HEADLINE = "Budapest summit dropped"
BODY = "The White House said no meeting is planned. Talks will go on."
FILE = "/srv/newsbot/seeds/000_bcae2b8bd87c75f4.txt"


def article(n: int, **kw: object) -> Article:
    fields: dict = {
        "source": "World feed", "url": f"https://news.example/{n}", "title": HEADLINE,
        "published": "2025-10-22", "lang": "en", "text": f"{HEADLINE}\n{BODY}", "outlet": None,
    } | kw  # fmt: skip
    return Article(
        f"a{n}", fields["source"], fields["url"], fields["title"], fields["published"],
        fields["lang"], "h", fields["text"], fields["outlet"],
    )  # fmt: skip


def subscription(topic: str | None = None, digest_hours: int | None = None) -> Subscription:
    return Subscription(1, 10, topic, "en", None, "2025-10-22", digest_hours=digest_hours)


def pending(art: Article, passage: str, best: str, topic: str | None = None) -> PendingAlert:
    return PendingAlert(subscription(topic), art.id, 0.9, passage, best, (), 0)


def bold(markup: str) -> list[str]:
    return [part.split("</b>", 1)[0] for part in markup.split("<b>")[1:]]


def test_a_feed_alert_does_not_repeat_its_headline_in_bold():
    feed = article(1)
    first = f"{HEADLINE} The White House said no meeting is planned."  # as the splitter glued it
    markup = render_alert(pending(feed, feed.text, first), feed, [])

    assert check_text({"text": markup, "parse_mode": "HTML"}) is None
    shown = visible_text(markup)
    assert shown.count(HEADLINE) == 1  # the linked title only
    assert bold(markup)[-1] == "The White House said no meeting is planned."


def test_an_alert_on_a_local_file_has_a_made_headline_and_no_file_name():
    local = article(2, source=FILE, url=None, title="", published=None, text=BODY)
    markup = render_alert(
        pending(local, BODY, "The White House said no meeting is planned."), local, []
    )

    shown = visible_text(markup)
    assert "000_bcae2b8bd87c75f4" not in shown and "/srv" not in shown
    assert "unknown" not in shown
    assert "The White House said no meeting is planned" in bold(markup)[-1]  # the title
    assert shown.count("The White House said no meeting is planned") == 2  # title, passage
    assert all("planned." not in b for b in bold(markup)[1:])  # never the title again in bold


def test_a_citation_leaves_out_what_is_not_known():
    local = article(3, source=FILE, url=None, title="", published=None, text=BODY)
    assert (
        visible_text(citation_html(local, 1, "hi"))
        == "[1] The White House said no meeting is planned"
    )
    dated = article(4, source=FILE, url=None, title="", text=BODY, outlet="VTC News")
    assert visible_text(citation_html(dated, None, "en")).endswith("\nVTC News · 22 Oct 2025")


def test_also_in_names_each_outlet_once_with_its_languages():
    nyt = [article(n, outlet="The New York Times", lang=lang) for n, lang in ((5, "en"), (6, "de"))]
    lead = article(7, outlet="Reuters")
    hit = Hit(Passage("a7:0", "a7", 0, BODY), lead, 0.9, "Talks will go on.", tuple(nyt))

    shown = visible_text(render_hit(hit, None, "en"))
    assert "Also in: The New York Times (English, German)" in shown
    assert shown.count("The New York Times") == 1


def test_a_burst_lists_its_articles_newest_first():
    days = ["2025-10-20", None, "2025-10-23", "2025-10-21"]
    arts = [article(10 + i, title=f"Story {i}", published=d) for i, d in enumerate(days)]
    claim = Claim(subscription(), tuple(pending(a, BODY, "") for a in arts), "c1")

    markup = render_digest(claim, {a.id: a for a in arts})
    assert markup is not None
    order = [
        line.split("Story ")[1][0] for line in visible_text(markup).splitlines() if "Story" in line
    ]
    assert order == ["2", "3", "0", "1"]  # undated last
