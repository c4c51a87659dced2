"""Subscriptions to topics: who wants alerts about what, and how (at once, or as a digest).

The alerts themselves (what matched, what is due, what was sent) are the outbox's
(index/alerts/outbox.py); both live in the records database (index/alerts/tables.py).
A muted subscription (`muted_until` in the future) is not matched against new articles, and
alerts it already had queued wait until the mute ends.
"""

import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from index.errors import SubscriptionError
from index.store.article_db import ArticleDB, utc_now


@dataclass(frozen=True)
class Subscription:
    id: int
    chat_id: int
    topic: str | None  # None: every new article
    lang: str  # the subscriber's language, for the bot's words in alerts
    created_by: int | None
    created_at: str
    paused_reason: str | None = None
    digest_hours: int | None = None  # None: each alert as it comes (bursts folded)
    next_digest_at: float = 0.0  # a digest subscription's next message, not before (epoch)
    muted_until: float = 0.0  # no alerts before this time (epoch); 0: not muted

    def muted(self, now: float | None = None) -> bool:
        return self.muted_until > (time.time() if now is None else now)


MIN_DIGEST_HOURS, MAX_DIGEST_HOURS = 1, 168
_PERIOD = re.compile(r"([0-9]{1,3})\s*([hd])", re.IGNORECASE)
_PERIOD_LIKE = re.compile(r"[0-9]{1,3}\s*[^\W\d_]{0,8}")  # "2m", "30min", "6": a period meant


def parse_period(text: str) -> int | None:
    """Hours from "6h" or "1d" (1 h to 7 days); None when `text` is no period at all (the
    first word of a topic). A word that starts like one but is not ("2m", "30min", "6") is a
    SubscriptionError("bad_period"), never a topic with the default period."""
    found = _PERIOD.fullmatch(text.strip())
    if found is None:
        if _PERIOD_LIKE.fullmatch(text.strip()):
            raise SubscriptionError(
                f"{text.strip()!r} is not a digest period: use hours or days, such as 6h or 1d",
                "bad_period",
                low=MIN_DIGEST_HOURS,
                high=MAX_DIGEST_HOURS,
            )
        return None
    hours = int(found.group(1)) * (24 if found.group(2).lower() == "d" else 1)
    if not MIN_DIGEST_HOURS <= hours <= MAX_DIGEST_HOURS:
        raise SubscriptionError(
            f"a digest comes every {MIN_DIGEST_HOURS} to {MAX_DIGEST_HOURS} hours, not {hours}",
            "bad_period",
            low=MIN_DIGEST_HOURS,
            high=MAX_DIGEST_HOURS,
        )
    return hours


SUB_COLUMNS = (
    "id, chat_id, topic, lang, created_by, created_at, paused_reason,"
    " digest_hours, next_digest_at, muted_until"
)


class Subscriptions:
    """Subscriptions and their alerts; every method is one short transaction."""

    def __init__(self, db: ArticleDB, max_per_chat: int = 20, max_topic_chars: int = 200) -> None:
        self.db = db
        self.max_per_chat = max_per_chat
        self.max_topic_chars = max_topic_chars

    # --- subscriptions --------------------------------------------------------------------

    def add(
        self,
        chat_id: int,
        topic: str | None,
        lang: str,
        created_by: int | None = None,
        digest_hours: int | None = None,
    ) -> Subscription:
        """Subscribe `chat_id` to `topic` (None: every new article); with `digest_hours`, at
        most one message every that many hours, listing the headlines."""
        topic = " ".join((topic or "").split()) or None
        if digest_hours is not None and not MIN_DIGEST_HOURS <= digest_hours <= MAX_DIGEST_HOURS:
            raise SubscriptionError(
                f"a digest comes every {MIN_DIGEST_HOURS} to {MAX_DIGEST_HOURS} hours",
                "bad_period",
                low=MIN_DIGEST_HOURS,
                high=MAX_DIGEST_HOURS,
            )
        if topic and len(topic) > self.max_topic_chars:
            raise SubscriptionError(
                f"the topic is {len(topic)} characters; the limit is {self.max_topic_chars}",
                "topic_too_long",
                length=len(topic),
                limit=self.max_topic_chars,
            )
        # Check and insert in one write transaction: 30 /subscribe at once store 20, not 22.
        with self.db.connect(immediate=True) as conn:
            count = conn.execute(
                text("SELECT COUNT(*) FROM subscriptions WHERE chat_id = :chat"), {"chat": chat_id}
            ).scalar_one()
            if count >= self.max_per_chat:
                raise SubscriptionError(
                    f"this chat has {count} subscriptions, the most allowed; "
                    "remove one with /unsubscribe first",
                    "too_many",
                    limit=self.max_per_chat,
                )
            duplicate = conn.execute(
                text(
                    "SELECT id FROM subscriptions"
                    " WHERE chat_id = :chat AND topic IS NOT DISTINCT FROM :topic"
                ),
                {"chat": chat_id, "topic": topic},
            ).first()
            if duplicate:
                raise SubscriptionError(
                    f"already subscribed to that (#{duplicate[0]})", "duplicate", id=duplicate[0]
                )
            new_id = conn.execute(
                text(
                    "INSERT INTO subscriptions"
                    " (chat_id, topic, lang, created_by, created_at, digest_hours)"
                    " VALUES (:chat, :topic, :lang, :by, :t, :hours) RETURNING id"
                ),
                {
                    "chat": chat_id,
                    "topic": topic,
                    "lang": lang,
                    "by": created_by,
                    "t": utc_now(),
                    "hours": digest_hours,
                },
            ).scalar_one()
        return self.get(new_id)

    def get(self, subscription_id: int) -> Subscription:
        with self.db.connect() as conn:
            row = (
                conn.execute(
                    text(f"SELECT {SUB_COLUMNS} FROM subscriptions WHERE id = :id"),
                    {"id": subscription_id},
                )
                .mappings()
                .first()
            )
        if row is None:
            raise SubscriptionError(
                f"there is no subscription #{subscription_id}", "missing", id=subscription_id
            )
        return Subscription(**row)

    def for_chat(self, chat_id: int) -> list[Subscription]:
        return self._select("WHERE chat_id = :chat ORDER BY id", {"chat": chat_id})

    def all(self) -> list[Subscription]:
        return self._select("ORDER BY chat_id, id", {})

    def active(self, now: float | None = None) -> list[Subscription]:
        """Those new articles are matched against: neither paused nor muted."""
        now = time.time() if now is None else now
        return self._select(
            "WHERE paused_reason IS NULL AND muted_until <= :now ORDER BY id", {"now": now}
        )

    def own(self, subscription_id: int, chat_id: int | None) -> Subscription:
        """The subscription, if it belongs to `chat_id` (None: any chat)."""
        subscription = self.get(subscription_id)
        if chat_id is not None and subscription.chat_id != chat_id:
            raise SubscriptionError(
                f"there is no subscription #{subscription_id} in this chat",
                "missing",
                id=subscription_id,
            )
        return subscription

    def mute(self, subscription_id: int, chat_id: int | None, until: float) -> Subscription:
        """No alerts before `until` (epoch seconds); 0 unmutes."""
        self.own(subscription_id, chat_id)
        with self.db.connect() as conn:
            conn.execute(
                text("UPDATE subscriptions SET muted_until = :until WHERE id = :id"),
                {"until": until, "id": subscription_id},
            )
        return self.get(subscription_id)

    def remove(self, subscription_id: int, chat_id: int | None = None) -> Subscription:
        """Delete one; with `chat_id`, only if it belongs to that chat (users' own)."""
        subscription = self.own(subscription_id, chat_id)
        with self.db.connect() as conn:
            conn.execute(text("DELETE FROM subscriptions WHERE id = :id"), {"id": subscription_id})
        return subscription

    def remove_all(self, chat_id: int) -> int:
        with self.db.connect() as conn:
            return conn.execute(
                text("DELETE FROM subscriptions WHERE chat_id = :chat"), {"chat": chat_id}
            ).rowcount

    def pause_chat(self, chat_id: int, reason: str) -> int:
        """Telegram refused delivery (blocked, kicked): stop matching until they return."""
        with self.db.connect() as conn:
            return conn.execute(
                text("UPDATE subscriptions SET paused_reason = :reason WHERE chat_id = :chat"),
                {"reason": reason, "chat": chat_id},
            ).rowcount

    def resume_chat(self, chat_id: int) -> int:
        with self.db.connect() as conn:
            return conn.execute(
                text("UPDATE subscriptions SET paused_reason = NULL WHERE chat_id = :chat"),
                {"chat": chat_id},
            ).rowcount

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """A group became a supergroup: its subscriptions (and queued alerts) follow it."""
        with self.db.connect() as conn:
            return conn.execute(
                text("UPDATE subscriptions SET chat_id = :new WHERE chat_id = :old"),
                {"new": new_chat_id, "old": old_chat_id},
            ).rowcount

    def _select(self, where: str, args: dict[str, Any]) -> list[Subscription]:
        with self.db.connect() as conn:
            rows = conn.execute(text(f"SELECT {SUB_COLUMNS} FROM subscriptions {where}"), args)
            return [Subscription(**row) for row in rows.mappings()]
