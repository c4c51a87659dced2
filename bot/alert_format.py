"""An alert as one Telegram message: what matched, the article's citation, the passage with
its best sentence in bold, and the other sources of the same story."""

from urllib.parse import urlsplit

from bot import texts
from bot.telegram_format import MAX_MESSAGE, escape, render_hit, utf16_len
from index.models import Article, Hit, Passage
from index.subscriptions import PendingAlert

_MAX_SIBLINGS = 5


def render_alert(
    alert: PendingAlert, article: Article, siblings: list[Article], summary: str | None = None
) -> str:
    lang = alert.subscription.lang
    topic = alert.subscription.topic
    head = (
        texts.text(lang, "alert_topic", topic=escape(topic))
        if topic
        else texts.text(lang, "alert_everything")
    )
    if summary:
        head += f"\n<i>{escape(summary[:500])}</i>"
    also = ""
    if siblings:
        listed = ", ".join(_source(sibling) for sibling in siblings[:_MAX_SIBLINGS])
        also = f"\n\n{texts.text(lang, 'alert_also')} {listed}"
    hit = Hit(
        passage=Passage(id=f"{article.id}:alert", article_id=article.id, seq=0, text=alert.passage),
        article=article,
        score=alert.score,
        best_sentence=alert.best_sentence,
    )
    budget = MAX_MESSAGE - utf16_len(head) - utf16_len(also) - 2
    return f"{head}\n\n{render_hit(hit, None, lang, budget)}{also}"


def _source(article: Article) -> str:
    name = escape(article.outlet or article.source)
    label = f"{name} ({escape(article.lang)})"
    url = article.url
    if url and urlsplit(url).scheme in ("http", "https"):
        return f'<a href="{escape(url)}">{label}</a>'
    return label
