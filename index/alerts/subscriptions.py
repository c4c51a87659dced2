"""Subscriptions to topics and the alert outbox, in the article database.

Exactly once, across crashes:

- A new article waits in `unmatched` from the transaction that saves it. Its outbox rows are
  written in the transaction that marks it embedded (`record`), which also takes it out of
  `unmatched`; a crash in between leaves it waiting, and the next run matches it. So a
  stored article is matched once: never forgotten, never twice.
- The outbox row for a (subscription, article) pair is created once, ever (its primary key).
  A sender claims ONE row at a time (`claim_next`: status "sending", a lease and its name),
  sends, then marks it sent. Telegram has no idempotency key, so a row still "sending" when
  its lease runs out (its sender died with the message in flight, delivered or not) is marked
  failed, never sent again: a crash may lose the one alert in flight, never repeat one.
"""

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class PendingAlert:
    """An alert claimed for sending, with what the message needs."""

    subscription: Subscription
    article_id: str
    score: float
    passage: str
    best_sentence: str
    siblings: tuple[str, ...]  # article ids of the same story from other sources
    attempts: int


@dataclass(frozen=True)
class Match:
    """What matching found for one subscription and one new article."""

    subscription_id: int
    article_id: str
    score: float
    passage: str
    best_sentence: str
    siblings: tuple[str, ...] = ()
    merged: bool = False  # a sibling of a better article of the same story: never sent


_SUB_COLUMNS = "id, chat_id, topic, lang, created_by, created_at, paused_reason"


class Subscriptions:
    """Subscriptions and their alerts; every method is one short transaction."""

    def __init__(self, db: ArticleDB, max_per_chat: int = 20, max_topic_chars: int = 200) -> None:
        self.db = db
        self.max_per_chat = max_per_chat
        self.max_topic_chars = max_topic_chars

    # --- subscriptions --------------------------------------------------------------------

    def add(
        self, chat_id: int, topic: str | None, lang: str, created_by: int | None = None
    ) -> Subscription:
        topic = " ".join((topic or "").split()) or None
        if topic and len(topic) > self.max_topic_chars:
            raise SubscriptionError(
                f"the topic is {len(topic)} characters; the limit is {self.max_topic_chars}",
                "topic_too_long",
                length=len(topic),
                limit=self.max_topic_chars,
            )
        with self.db.connect() as conn:
            # Check and insert in one write transaction: 30 /subscribe at once store 20, not 22.
            conn.execute("BEGIN IMMEDIATE")
            count = conn.execute(
                "SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (chat_id,)
            ).fetchone()[0]
            if count >= self.max_per_chat:
                raise SubscriptionError(
                    f"this chat has {count} subscriptions, the most allowed; "
                    "remove one with /unsubscribe first",
                    "too_many",
                    limit=self.max_per_chat,
                )
            duplicate = conn.execute(
                "SELECT id FROM subscriptions WHERE chat_id = ? AND topic IS ?", (chat_id, topic)
            ).fetchone()
            if duplicate:
                raise SubscriptionError(
                    f"already subscribed to that (#{duplicate[0]})", "duplicate", id=duplicate[0]
                )
            cursor = conn.execute(
                "INSERT INTO subscriptions (chat_id, topic, lang, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (chat_id, topic, lang, created_by, utc_now()),
            )
            new_id = int(cursor.lastrowid or 0)
        return self.get(new_id)

    def get(self, subscription_id: int) -> Subscription:
        with self.db.connect() as conn:
            row = conn.execute(
                f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
        if row is None:
            raise SubscriptionError(
                f"there is no subscription #{subscription_id}", "missing", id=subscription_id
            )
        return Subscription(**dict(row))

    def for_chat(self, chat_id: int) -> list[Subscription]:
        return self._select("WHERE chat_id = ? ORDER BY id", (chat_id,))

    def all(self) -> list[Subscription]:
        return self._select("ORDER BY chat_id, id", ())

    def active(self) -> list[Subscription]:
        return self._select("WHERE paused_reason IS NULL ORDER BY id", ())

    def remove(self, subscription_id: int, chat_id: int | None = None) -> Subscription:
        """Delete one; with `chat_id`, only if it belongs to that chat (users' own)."""
        subscription = self.get(subscription_id)
        if chat_id is not None and subscription.chat_id != chat_id:
            raise SubscriptionError(
                f"there is no subscription #{subscription_id} in this chat",
                "missing",
                id=subscription_id,
            )
        with self.db.connect() as conn:
            conn.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
        return subscription

    def remove_all(self, chat_id: int) -> int:
        with self.db.connect() as conn:
            return conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)).rowcount

    def pause_chat(self, chat_id: int, reason: str) -> int:
        """Telegram refused delivery (blocked, kicked): stop matching until they return."""
        with self.db.connect() as conn:
            return conn.execute(
                "UPDATE subscriptions SET paused_reason = ? WHERE chat_id = ?", (reason, chat_id)
            ).rowcount

    def resume_chat(self, chat_id: int) -> int:
        with self.db.connect() as conn:
            return conn.execute(
                "UPDATE subscriptions SET paused_reason = NULL WHERE chat_id = ?", (chat_id,)
            ).rowcount

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """A group became a supergroup: its subscriptions (and queued alerts) follow it."""
        with self.db.connect() as conn:
            return conn.execute(
                "UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            ).rowcount

    def _select(self, where: str, args: tuple[object, ...]) -> list[Subscription]:
        with self.db.connect() as conn:
            rows = conn.execute(f"SELECT {_SUB_COLUMNS} FROM subscriptions {where}", args)
            return [Subscription(**dict(row)) for row in rows]

    # --- matching: which stored articles still wait for their alerts -----------------------

    def unmatched(self, article_ids: Sequence[str]) -> set[str]:
        """Those of `article_ids` whose alerts have not been written yet."""
        if not article_ids:
            return set()
        marks = ",".join("?" * len(article_ids))
        with self.db.connect() as conn:
            rows = conn.execute(
                f"SELECT article_id FROM unmatched WHERE article_id IN ({marks})", list(article_ids)
            )
            return {row[0] for row in rows}

    def unmatched_embedded(self, collection: str) -> list[str]:
        """Articles embedded in `collection` (their current text) whose alerts are not written:
        a crash or a failure came between the two, or a rebuild embedded them elsewhere."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT u.article_id FROM unmatched u"
                " JOIN articles a ON a.id = u.article_id"
                " JOIN embedded e ON e.article_id = a.id AND e.collection = ?"
                "  AND e.content_hash = a.content_hash"
                " ORDER BY a.indexed_at, a.id",
                (collection,),
            )
            return [row[0] for row in rows]

    # --- the outbox -----------------------------------------------------------------------

    def record(self, conn: sqlite3.Connection, matches: list[Match], matched: Iterable[str]) -> int:
        """Inside the caller's transaction: queue `matches` (a pair seen before is ignored)
        and mark the `matched` articles done. Returns how many alerts are new."""
        queued = 0
        for m in matches:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO alerts (subscription_id, article_id, status, score,"
                " passage, best_sentence, siblings, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    m.subscription_id,
                    m.article_id,
                    "merged" if m.merged else "queued",
                    m.score,
                    m.passage,
                    m.best_sentence,
                    json.dumps(list(m.siblings)),
                    utc_now(),
                ),
            )
            queued += cursor.rowcount if not m.merged else 0
        conn.executemany("DELETE FROM unmatched WHERE article_id = ?", [(aid,) for aid in matched])
        return queued

    def claim_next(
        self, claimer: str, now: float | None = None, lease_seconds: float = 120.0
    ) -> PendingAlert | None:
        """The next due alert, marked "sending" by `claimer` until `now + lease_seconds`;
        None when nothing is due. Rows whose lease ran out are marked failed first."""
        now = time.time() if now is None else now
        with self.db.connect() as conn:
            self._expire(conn, now)
            claimed = conn.execute(
                "UPDATE alerts SET status = 'sending', attempts = attempts + 1,"
                " lease_until = ?, claimed_by = ?"
                " WHERE rowid = (SELECT a.rowid FROM alerts a"
                "  JOIN subscriptions s ON s.id = a.subscription_id"
                "  WHERE a.status = 'queued' AND a.next_attempt_at <= ?"
                "  AND s.paused_reason IS NULL"
                "  ORDER BY a.next_attempt_at, a.created_at, a.article_id LIMIT 1)"
                " RETURNING subscription_id, article_id",
                (now + lease_seconds, claimer, now),
            ).fetchone()
            if claimed is None:
                return None
            row = conn.execute(
                f"SELECT {', '.join('s.' + c for c in _SUB_COLUMNS.split(', '))},"
                " a.article_id, a.score, a.passage, a.best_sentence, a.siblings, a.attempts"
                " FROM alerts a JOIN subscriptions s ON s.id = a.subscription_id"
                " WHERE a.subscription_id = ? AND a.article_id = ?",
                (claimed[0], claimed[1]),
            ).fetchone()
        return PendingAlert(
            subscription=Subscription(**{k: row[k] for k in _SUB_COLUMNS.split(", ")}),
            article_id=row["article_id"],
            score=row["score"],
            passage=row["passage"],
            best_sentence=row["best_sentence"],
            siblings=tuple(json.loads(row["siblings"])),
            attempts=row["attempts"],
        )

    def _expire(self, conn: sqlite3.Connection, now: float) -> int:
        return conn.execute(
            "UPDATE alerts SET status = 'failed', last_error = ?"
            " WHERE status = 'sending' AND lease_until <= ?",
            (_LOST, now),
        ).rowcount

    def mark_sent(self, alert: PendingAlert) -> None:
        self._finish(alert, "sent", None)

    def mark_failed(self, alert: PendingAlert, error: str) -> None:
        self._finish(alert, "failed", error)

    def reschedule(self, alert: PendingAlert, at: float, error: str | None = None) -> None:
        """Back in the queue, not before `at` (a RetryAfter, a pace, a network error)."""
        with self.db.connect() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'queued', next_attempt_at = ?, last_error = ?,"
                " claimed_by = NULL WHERE subscription_id = ? AND article_id = ?",
                (at, error, alert.subscription.id, alert.article_id),
            )

    def counts(self) -> dict[str, int]:
        """Alerts by status, for `newsbot subscriptions list` and tests."""
        with self.db.connect() as conn:
            rows = conn.execute("SELECT status, COUNT(*) FROM alerts GROUP BY status")
            return {row[0]: row[1] for row in rows}

    def _finish(self, alert: PendingAlert, status: str, error: str | None) -> None:
        with self.db.connect() as conn:
            conn.execute(
                "UPDATE alerts SET status = ?, sent_at = ?, last_error = ?, claimed_by = NULL"
                " WHERE subscription_id = ? AND article_id = ?",
                (status, utc_now(), error, alert.subscription.id, alert.article_id),
            )


_LOST = (
    "its sender stopped while sending it (a crash?): it may or may not have arrived, "
    "and is not sent again"
)
