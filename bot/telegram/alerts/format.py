"""Alerts as Telegram messages, with the buttons that mute or end their subscription.

One alert: what matched, the article's citation (with the other sources of the same story)
and the passage with its best sentence in bold. A digest (a digest subscription's message, or
a burst of alerts folded into one): a heading and one line per article, newest first, its
linked headline, outlet and date.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dates import parse_published
from bot.telegram import texts
from bot.telegram.html import MAX_MESSAGE, byline, escape, render_hit, utf16_len
from index.alerts.subscriptions import Claim, PendingAlert, Subscription
from index.answers.citing import headline, made_headline, shown_title, without_headline
from index.models import Article, Hit, Passage

MUTE_HOURS = 24  # the mute button's length; the unmute button lifts it earlier
_TITLE_CHARS = 110  # a digest line's headline, cut beyond this


def render_alert(
    alert: PendingAlert, article: Article, siblings: list[Article], summary: str | None = None
) -> str:
    lang = alert.subscription.lang
    head = _heading(alert.subscription, lang)
    if summary:
        head += f"\n<i>{escape(summary[:500])}</i>"
    hit = Hit(
        passage=Passage(
            id=f"{article.id}:alert",
            article_id=article.id,
            seq=0,
            text=without_headline(alert.passage, article),
        ),
        article=article,
        score=alert.score,
        best_sentence=_best_sentence(alert.best_sentence, article),
        siblings=tuple(siblings),
    )
    budget = MAX_MESSAGE - utf16_len(head) - 2
    return f"{head}\n\n{render_hit(hit, None, lang, budget)}"


def _best_sentence(sentence: str, article: Article) -> str:
    """The sentence to put in bold, never the headline above it again: without a headline
    glued to its start, and none when the headline above was made from it."""
    sentence = without_headline(sentence, article)
    made = "" if headline(article) else made_headline(article).removesuffix("…")
    return "" if made and " ".join(sentence.split()).startswith(made) else sentence


def render_digest(claim: Claim, articles: dict[str, Article]) -> str | None:
    """One message listing the claim's articles (those still stored); None if none is."""
    subscription, lang = claim.subscription, claim.subscription.lang
    listed = [(a, articles[a.article_id]) for a in claim.alerts if a.article_id in articles]
    if not listed:
        return None
    listed.sort(key=lambda pair: _newest_first(pair[1]))
    topic = escape(subscription.topic) if subscription.topic else None
    values = {"count": len(listed), "topic": topic, "hours": subscription.digest_hours}
    if subscription.digest_hours is not None:
        key = "digest_topic" if topic else "digest_everything"
    else:
        key = "burst_topic" if topic else "burst_everything"
    head = texts.text(lang, key, **values)
    lines = [digest_line(article, lang, len(alert.siblings)) for alert, article in listed]
    body = "\n".join(lines)
    while utf16_len(head) + 2 + utf16_len(body) > MAX_MESSAGE and len(lines) > 1:
        lines.pop()  # never reached with max_listed lines of cut headlines; a safety net
        body = "\n".join(lines)
    return f"{head}\n\n{body}"


def _newest_first(article: Article) -> tuple[int, int]:
    """Sort key: newest publication date first, undated articles last."""
    day = parse_published(article.published)
    return (0, -day.toordinal()) if day else (1, 0)


def digest_line(article: Article, lang: str, others: int = 0) -> str:
    """`• Headline — Outlet, 22 Oct 2025`, the headline linked to the article; what is not
    known (a local file's outlet, a date) left out."""
    title = shown_title(article)
    if len(title) > _TITLE_CHARS:
        title = title[: _TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    url = article.url if article.url and article.url.startswith(("http://", "https://")) else None
    linked = f'<a href="{escape(url)}">{escape(title)}</a>' if url else escape(title)
    details = byline(article, lang).replace(" · ", ", ")
    more = f" +{others}" if others else ""
    if not details and not more:
        return f"• {linked}"
    return f"• {linked} — <i>{escape(details)}{more}</i>"


def alert_markup(subscription: Subscription, lang: str, muted: bool) -> InlineKeyboardMarkup:
    """🔕 Mute 24 h (or 🔔 Unmute while muted) and Unsubscribe, for the alert's subscription."""
    sid = subscription.id
    toggle = (
        InlineKeyboardButton(texts.text(lang, "button_unmute"), callback_data=f"unmute:{sid}")
        if muted
        else InlineKeyboardButton(
            texts.text(lang, "button_mute", hours=MUTE_HOURS), callback_data=f"mute:{sid}"
        )
    )
    stop = InlineKeyboardButton(
        texts.text(lang, "button_unsubscribe"), callback_data=f"unsub:{sid}"
    )
    return InlineKeyboardMarkup([[toggle, stop]])


def _heading(subscription: Subscription, lang: str) -> str:
    if subscription.topic:
        return texts.text(lang, "alert_topic", topic=escape(subscription.topic))
    return texts.text(lang, "alert_everything")
