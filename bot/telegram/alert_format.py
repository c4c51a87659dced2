"""An alert as one Telegram message: what matched, the article's citation (with the other
sources of the same story), and the passage with its best sentence in bold."""

from bot.telegram import texts
from bot.telegram.html import MAX_MESSAGE, escape, render_hit, utf16_len
from index.alerts.subscriptions import PendingAlert
from index.models import Article, Hit, Passage


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
    hit = Hit(
        passage=Passage(id=f"{article.id}:alert", article_id=article.id, seq=0, text=alert.passage),
        article=article,
        score=alert.score,
        best_sentence=alert.best_sentence,
        siblings=tuple(siblings),
    )
    budget = MAX_MESSAGE - utf16_len(head) - 2
    return f"{head}\n\n{render_hit(hit, None, lang, budget)}"
