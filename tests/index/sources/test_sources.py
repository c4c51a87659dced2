"""Following sources: feeds and pages from a local news site, polling, duplicates, recovery."""

from collections.abc import Iterator

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.news_index import NewsIndex
from index.sources.feeds import parse_feed
from index.sources.reading import canonical_url
from tests.fakes import HashingEmbedder
from tests.index.store.test_indexing import ExplodingEmbedder
from tests.news_server import STORIES, NewsSite, Route, article_page, publish, rss


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"allow_private_urls": True, "fetch_timeout_seconds": 5})


@pytest.fixture
def news(web_settings: Settings) -> Iterator[NewsIndex]:
    with open_core(web_settings, lock=True, embedder=HashingEmbedder(budget=60)) as opened:
        yield opened


def test_a_feed_is_added_fetched_with_its_pages_and_listed(news: NewsIndex, site: NewsSite):
    publish(site, "/news/summit", "/news/gold")
    source = news.add_source(site.url("/feed.xml"))
    assert (source.kind, source.name) == ("feed", "World Desk")
    report = news.refresh(source.id)
    assert (report.new, report.failed) == (2, 0)
    listed = news.catalog.sources.get(source.id)
    assert listed.articles == 2 and listed.last_ok_at and listed.last_error is None
    answer = news.ask("Why was the Budapest summit dropped?")
    top = answer.hits[0]
    assert "foreign ministers could not agree" in top.passage.text  # the page, not the summary
    assert top.article.url == site.url("/news/summit")
    assert top.article.source == "World Desk"
    assert top.article.published == "2025-10-22T09:00:00+00:00"  # the feed's pubDate first


def test_polling_picks_up_a_new_item_and_skips_known_ones(news: NewsIndex, site: NewsSite):
    publish(site, "/news/summit")
    source = news.add_source(site.url("/feed.xml"))
    assert news.refresh(source.id).new == 1
    publish(site, "/news/rain", "/news/summit")
    report = news.refresh()
    assert (report.new, report.unchanged) == (1, 0)
    assert [a.title for a in report.new_articles] == ["Monsoon rains flood the coast"]
    assert len(site.hits("/news/summit")) == 1  # known articles are not fetched again
    assert news.stats().articles == 2


def test_conditional_get_answers_not_modified_without_refetching(news: NewsIndex, site: NewsSite):
    publish(site, "/news/summit", etag='"v1"')
    source = news.add_source(site.url("/feed.xml"))
    news.refresh(source.id)
    report = news.refresh(source.id)
    assert (report.new, report.failed) == (0, 0)
    assert site.hits("/feed.xml")[-1].headers.get("if-none-match") == '"v1"'
    assert news.catalog.sources.get(source.id).etag == '"v1"'


def test_one_article_through_two_urls_or_two_feeds_is_stored_once(news: NewsIndex, site: NewsSite):
    publish(site, "/news/summit")
    title, paragraphs = STORIES["/news/summit"]
    site.routes["/mirror/summit-copy"] = Route(article_page(title, paragraphs))
    site.routes["/other.xml"] = Route(
        rss(
            "Mirror",
            [
                (title, site.url("/mirror/summit-copy"), "x"),
                (title, site.url("/news/summit?utm_source=rss#top"), "x"),
            ],
        ),
        content_type="application/rss+xml",
    )
    news.add_source(site.url("/feed.xml"))
    news.add_source(site.url("/other.xml"))
    report = news.refresh()
    assert report.new == 1 and report.duplicates == 1
    assert news.stats().articles == 1
    assert len(site.hits("/news/summit?utm_source=rss#top")) == 0  # tracking URL seen as known


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://ex.org/a?utm_source=rss&utm_medium=feed", "https://ex.org/a"),
        ("https://ex.org/a?id=5&fbclid=x&gclid=y&mc_cid=1&mc_eid=2", "https://ex.org/a?id=5"),
        ("https://ex.org/a#top", "https://ex.org/a"),
        ("HTTPS://Ex.ORG", "https://ex.org/"),
        ("https://ex.org:443/a?b=2&a=1", "https://ex.org/a?a=1&b=2"),
        ("http://ex.org:8080/a?p=2&page=3", "http://ex.org:8080/a?p=2&page=3"),
        ("  https://ex.org/a/  ", "https://ex.org/a/"),
    ],
)
def test_canonical_urls_drop_tracking_and_fragments(url: str, canonical: str):
    assert canonical_url(url) == canonical


def test_a_bad_source_is_recorded_and_the_others_carry_on(news: NewsIndex, site: NewsSite):
    publish(site, "/news/gold")
    good = news.add_source(site.url("/feed.xml"))
    site.routes["/broken.xml"] = Route(b"<rss><channel><title>B</title>", content_type="text/xml")
    site.routes["/ok.xml"] = Route(rss("Soon broken", []), content_type="text/xml")
    bad = news.add_source(site.url("/ok.xml"))
    site.routes["/ok.xml"] = site.routes["/broken.xml"]
    report = news.refresh()
    assert report.new == 1 and report.failed == 1
    assert "not a valid RSS or Atom feed" in report.failures[0].reason
    assert news.catalog.sources.get(bad.id).last_error
    assert news.catalog.sources.get(good.id).last_error is None


def test_a_page_that_cannot_be_fetched_falls_back_to_a_long_feed_summary(
    news: NewsIndex, site: NewsSite
):
    long_summary = "The summit in Budapest was called off after talks stalled. " * 6
    site.routes["/feed.xml"] = Route(
        rss(
            "Desk",
            [
                ("Summit off", site.url("/gone"), long_summary),
                ("Short one", site.url("/gone2"), "Too short."),
            ],
        ),
        content_type="application/rss+xml",
    )
    source = news.add_source(site.url("/feed.xml"))
    report = news.refresh(source.id)
    assert report.new == 1 and report.failed == 1
    assert "HTTP 404" in report.failures[0].reason


def test_a_web_page_source(news: NewsIndex, site: NewsSite):
    source = news.add_source(site.url("/news/rain"), name="Coast Daily")
    assert (source.kind, source.name) == ("page", "Coast Daily")
    assert news.refresh(source.id).new == 1
    with pytest.raises(Exception, match="already source #1"):
        news.add_source(site.url("/news/rain"))


def test_a_local_folder_source(news: NewsIndex, seeds_copy):
    source = news.add_source(str(seeds_copy))
    assert source.kind == "path"
    assert news.refresh(source.id).new == 2
    assert news.catalog.sources.get(source.id).articles == 2


def test_remove_keeps_articles_unless_purged(news: NewsIndex, site: NewsSite):
    publish(site, "/news/summit", "/news/gold")
    kept = news.add_source(site.url("/feed.xml"))
    news.refresh()
    _, deleted = news.remove_source(kept.id)
    assert deleted == 0 and news.stats().articles == 2
    again = news.add_source(site.url("/news/rain"))
    news.refresh(again.id)
    _, deleted = news.remove_source(again.id, purge=True)
    assert deleted == 1 and news.stats().articles == 2
    assert news.check(repair=False).consistent


def test_a_refresh_that_crashes_half_way_loses_nothing_and_reruns_exactly(
    web_settings: Settings, site: NewsSite
):
    publish(site, "/news/summit", "/news/gold", "/news/rain")
    web_settings = web_settings.model_copy(update={"index_batch_size": 1})  # one at a time
    with open_core(web_settings, lock=True, embedder=ExplodingEmbedder(2)) as news:
        news.add_source(site.url("/feed.xml"))
        with pytest.raises(RuntimeError):
            news.refresh()
        searchable = news.stats().embedded_articles
    assert searchable == 1  # the first article was complete before the crash
    with open_core(web_settings, lock=True, embedder=HashingEmbedder(budget=60)) as news:
        news.refresh()
        news.embed_missing()
        facts = news.stats()
        assert (facts.articles, facts.embedded_articles) == (3, 3)
        assert news.store.count() == facts.passages
        assert news.check(repair=False).consistent


class CountingEmbedder(HashingEmbedder):
    """Fails on the nth passage batch, to interrupt a rebuild part-way."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        super().__init__(budget=60)
        self.fail_on_call = fail_on_call

    def embed_passages(self, texts, langs=None):
        if self.fail_on_call is not None and len(self.calls) + 1 == self.fail_on_call:
            self.calls.append(-1)
            raise RuntimeError("killed")
        return super().embed_passages(texts, langs)


def test_full_rebuild_switches_only_when_complete(web_settings: Settings, site: NewsSite):
    publish(site, "/news/summit", "/news/gold", "/news/rain")
    web_settings = web_settings.model_copy(update={"index_batch_size": 1})  # one at a time
    embedder = CountingEmbedder()
    with open_core(web_settings, lock=True, embedder=embedder) as news:
        news.add_source(site.url("/feed.xml"))
        news.refresh()
        before = news.store.count()
        embedder.fail_on_call = len(embedder.calls) + 2
        with pytest.raises(RuntimeError):
            news.rebuild()
        assert news.store.count() == before  # searches still see the whole old index
        assert news.ask("Budapest summit dropped").answered
        embedder.fail_on_call = None
        calls = len(embedder.calls)
        report = news.rebuild()
        assert report.changed == 2 and report.unchanged == 1  # resumed, not restarted
        assert len(embedder.calls) - calls == 2
        assert news.store.count() == before
        assert news.ask("Budapest summit dropped").answered
        names = [c.name for c in news.store.client.list_collections()]
        assert names == [news.store.name]
        assert news.check(repair=False).consistent


def test_check_finds_and_repairs_drift(news: NewsIndex, site: NewsSite):
    publish(site, "/news/summit", "/news/gold")
    news.add_source(site.url("/feed.xml"))
    news.refresh()
    ids = sorted(news.store.ids())
    news.store.delete_ids(ids[:1])
    stray = HashingEmbedder().embed_passages(["stray"])
    from index.models import Passage

    news.store.upsert([Passage("deadbeef:0", "deadbeef", 0, "stray")], stray, "en")
    found = news.check(repair=False)
    assert not found.consistent and found.orphans == 1 and len(found.unembedded) == 1
    fixed = news.check()
    assert fixed.repaired
    assert news.check(repair=False).consistent
    assert sorted(news.store.ids()) == ids


def test_a_feed_that_declares_utf8_but_sends_cp1251_is_read_as_cp1251(
    news: NewsIndex, site: NewsSite
):
    items = [
        ("Саммит в Будапеште отменён", site.url("/ru/summit"), "Встреча президентов отменена."),
        ("Цена золота растёт третий день", site.url("/ru/gold"), "Инвесторы ищут надёжность."),
    ]
    lying = rss("Новости Мира", items).decode().encode("cp1251")  # still says encoding="utf-8"
    assert b'encoding="utf-8"' in lying
    site.routes["/ru.xml"] = Route(lying, content_type="application/rss+xml; charset=utf-8")
    for path, text in (("/ru/summit", "Переговоры сорваны."), ("/ru/gold", "Золото дорожает.")):
        page = article_page("x", [f"{text} Правительство сообщило об этом во вторник утром."])
        site.routes[path] = Route(page.replace(b"Example News", b""))  # no outlet of its own
    source = news.add_source(site.url("/ru.xml"))
    assert source.name == "Новости Мира"
    assert news.refresh(source.id).new == 2
    stored = {a.title: a.outlet for a in news.catalog.db.all_articles()}
    assert stored == {
        "Саммит в Будапеште отменён": "Новости Мира",
        "Цена золота растёт третий день": "Новости Мира",
    }


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8-r"), ("utf-8", "cp1251")],
)
def test_feed_titles_decode_whatever_the_declaration(declared: str, encoding: str):
    items = [("Выборы в парламент: итоги голосования по округам", "http://e.org/a", "Итоги.")]
    xml = rss("Новости Мира", items).decode().replace('encoding="utf-8"', f'encoding="{declared}"')
    feed = parse_feed(xml.encode(encoding), "http://e.org/feed", 10)
    assert (feed.title, feed.items[0].title) == (
        "Новости Мира",
        "Выборы в парламент: итоги голосования по округам",
    )
