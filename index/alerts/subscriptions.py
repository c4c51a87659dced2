"""Subscriptions to topics and the alert outbox, in the article database.

Exactly once, across crashes:

- A new article waits in `unmatched` from the transaction that saves it. Its outbox rows are
  written in the transaction that marks it embedded (`record`), which also takes it out of
  `unmatched`; a crash in between leaves it waiting, and the next run matches it. So a
  stored article is matched once: never forgotten, never twice.
- The outbox row for a (subscription, article) pair is created once, ever (its primary key).
  A sender claims what ONE message will carry (`claim`: status "sending", a lease, its name
  and a claim id), sends it, then marks it sent. Telegram has no idempotency key, so rows
  still "sending" when their lease runs out (their sender died with the message in flight,
  delivered or not) are marked failed, never sent again: a crash may lose the one message in
  flight, never repeat one.

What one message carries:

- one alert, for an immediate subscription with at most `burst` alerts due;
- a digest of up to `max_listed` alerts of one subscription when more are due at once (a
  burst: a reindex that brought twelve articles is one message, not twelve);
- for a digest subscription (`digest_hours`), everything due for it, at most once every
  `digest_hours`: its first message goes when something arrives, the next one
  `digest_hours` later at the earliest.

A muted subscription (`muted_until` in the future) is not matched against new articles, and
alerts it already had queued wait until the mute ends.
"""

import json
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

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
    joins: str | None = None  # the article of this story the subscriber was alerted to before


@dataclass(frozen=True)
class Claim:
    """What one message carries: one alert, or a digest of several for one subscription."""

    subscription: Subscription
    alerts: tuple[PendingAlert, ...]
    claim_id: str

    @property
    def digest(self) -> bool:
        """A list of headlines (a digest subscription, or a burst), not one alert."""
        return self.subscription.digest_hours is not None or len(self.alerts) > 1

    @property
    def attempts(self) -> int:
        return max(a.attempts for a in self.alerts)


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


_SUB_COLUMNS = (
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
                    text(f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE id = :id"),
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
            rows = conn.execute(text(f"SELECT {_SUB_COLUMNS} FROM subscriptions {where}"), args)
            return [Subscription(**row) for row in rows.mappings()]

    # --- matching: which stored articles still wait for their alerts -----------------------

    def unmatched(self, article_ids: Sequence[str]) -> set[str]:
        """Those of `article_ids` whose alerts have not been written yet."""
        if not article_ids:
            return set()
        query = text("SELECT article_id FROM unmatched WHERE article_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        with self.db.connect() as conn:
            return {row[0] for row in conn.execute(query, {"ids": list(article_ids)})}

    def unmatched_embedded(self, collection: str) -> list[str]:
        """Articles embedded in `collection` (their current text) whose alerts are not written:
        a crash or a failure came between the two, or a rebuild embedded them elsewhere."""
        with self.db.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT u.article_id FROM unmatched u"
                    " JOIN articles a ON a.id = u.article_id"
                    " JOIN embedded e ON e.article_id = a.id AND e.collection = :c"
                    "  AND e.content_hash = a.content_hash"
                    " ORDER BY a.indexed_at, a.id"
                ),
                {"c": collection},
            )
            return [row[0] for row in rows]

    # --- the outbox -----------------------------------------------------------------------

    def record(self, conn: Connection, matches: list[Match], matched: Iterable[str]) -> int:
        """Inside the caller's transaction: queue `matches` (a pair seen before is ignored)
        and mark the `matched` articles done. Returns how many alerts are new."""
        queued = 0
        for m in matches:
            cursor = conn.execute(
                text(
                    "INSERT INTO alerts (subscription_id, article_id, status, score,"
                    " passage, best_sentence, siblings, created_at)"
                    " VALUES (:sub, :article, :status, :score, :passage, :best, :siblings, :t)"
                    " ON CONFLICT (subscription_id, article_id) DO NOTHING"
                ),
                {
                    "sub": m.subscription_id,
                    "article": m.article_id,
                    "status": "merged" if m.merged else "queued",
                    "score": m.score,
                    "passage": m.passage,
                    "best": m.best_sentence,
                    "siblings": json.dumps(list(m.siblings)),
                    "t": utc_now(),
                },
            )
            queued += cursor.rowcount if not m.merged else 0
            if m.joins is not None and cursor.rowcount:
                self._join(conn, m.subscription_id, m.joins, m.article_id)
        done = [{"id": aid} for aid in matched]
        if done:
            conn.execute(text("DELETE FROM unmatched WHERE article_id = :id"), done)
        return queued

    def _join(self, conn: Connection, subscription_id: int, earlier: str, article_id: str) -> None:
        """`article_id` is one more source of the story of the earlier alert on `earlier`:
        named under it as "also in" (when it is still to be sent, the message shows it)."""
        key = {"sub": subscription_id, "article": earlier}
        row = conn.execute(
            text(
                "SELECT siblings FROM alerts WHERE subscription_id = :sub AND article_id = :article"
            ),
            key,
        ).first()
        if row is None:
            return
        siblings = json.loads(row[0])
        if article_id not in siblings:
            conn.execute(
                text(
                    "UPDATE alerts SET siblings = :siblings"
                    " WHERE subscription_id = :sub AND article_id = :article"
                ),
                {**key, "siblings": json.dumps([*siblings, article_id])},
            )

    def alerted(
        self, subscription_ids: Sequence[int], since: str, per_subscription: int = 100
    ) -> dict[int, list[str]]:
        """For each subscription, the articles it was alerted to (sent or still to be)
        since `since` (UTC ISO), newest first: the stories a newcomer may join."""
        if not subscription_ids:
            return {}
        query = text(
            "SELECT subscription_id, article_id FROM alerts"
            " WHERE subscription_id IN :subs AND status != 'merged'"
            " AND created_at >= :since ORDER BY created_at DESC, article_id"
        ).bindparams(bindparam("subs", expanding=True))
        with self.db.connect() as conn:
            rows = conn.execute(query, {"subs": list(subscription_ids), "since": since}).all()
        found: dict[int, list[str]] = {}
        for subscription_id, article_id in rows:
            kept = found.setdefault(subscription_id, [])
            if len(kept) < per_subscription:
                kept.append(article_id)
        return found

    def claim(
        self,
        claimer: str,
        now: float | None = None,
        lease_seconds: float = 120.0,
        burst: int | None = 3,
        max_listed: int = 15,
    ) -> Claim | None:
        """What the next message carries, marked "sending" by `claimer` until
        `now + lease_seconds`; None when nothing is due. Rows whose lease ran out are marked
        failed first. More than `burst` alerts due for one immediate subscription (None:
        never) are one digest of at most `max_listed`; a digest subscription takes all that
        is due (at most `max_listed`) and its next message waits `digest_hours`."""
        now = time.time() if now is None else now
        # Choose and mark in one write transaction: no two claimers take the same alert.
        with self.db.connect(immediate=True) as conn:
            self._expire(conn, now)
            first = conn.execute(
                text(
                    "SELECT a.subscription_id, s.digest_hours FROM alerts a"
                    " JOIN subscriptions s ON s.id = a.subscription_id"
                    " WHERE a.status = 'queued' AND a.next_attempt_at <= :now"
                    " AND s.paused_reason IS NULL AND s.muted_until <= :now"
                    " AND (s.digest_hours IS NULL OR s.next_digest_at <= :now)"
                    f" ORDER BY {_DUE_ORDER} LIMIT 1"
                ),
                {"now": now},
            ).first()
            if first is None:
                return None
            subscription_id, digest_hours = first[0], first[1]
            due = [
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT a.article_id FROM alerts a WHERE a.subscription_id = :sub"
                        " AND a.status = 'queued' AND a.next_attempt_at <= :now"
                        f" ORDER BY {_DUE_ORDER} LIMIT :n"
                    ),
                    {"sub": subscription_id, "now": now, "n": max_listed},
                )
            ]
            folded = digest_hours is not None or (burst is not None and len(due) > burst)
            taken = due if folded else due[:1]
            claim_id = uuid.uuid4().hex
            conn.execute(
                text(
                    "UPDATE alerts SET status = 'sending', attempts = attempts + 1,"
                    " lease_until = :until, claimed_by = :by, claim_id = :claim"
                    " WHERE subscription_id = :sub AND article_id IN :taken"
                ).bindparams(bindparam("taken", expanding=True)),
                {
                    "until": now + lease_seconds,
                    "by": claimer,
                    "claim": claim_id,
                    "sub": subscription_id,
                    "taken": taken,
                },
            )
            if digest_hours is not None:
                conn.execute(
                    text("UPDATE subscriptions SET next_digest_at = :at WHERE id = :id"),
                    {"at": now + digest_hours * 3600, "id": subscription_id},
                )
            sub_row = (
                conn.execute(
                    text(f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE id = :id"),
                    {"id": subscription_id},
                )
                .mappings()
                .one()
            )
            subscription = Subscription(**sub_row)
            rows = (
                conn.execute(
                    text(
                        "SELECT article_id, score, passage, best_sentence, siblings, attempts"
                        f" FROM alerts a WHERE claim_id = :claim ORDER BY {_DUE_ORDER}"
                    ),
                    {"claim": claim_id},
                )
                .mappings()
                .all()
            )
        alerts = tuple(
            PendingAlert(
                subscription=subscription,
                article_id=row["article_id"],
                score=row["score"],
                passage=row["passage"],
                best_sentence=row["best_sentence"],
                siblings=tuple(json.loads(row["siblings"])),
                attempts=row["attempts"],
            )
            for row in rows
        )
        return Claim(subscription, alerts, claim_id)

    def _expire(self, conn: Connection, now: float) -> int:
        return conn.execute(
            text(
                "UPDATE alerts SET status = 'failed', last_error = :lost"
                " WHERE status = 'sending' AND lease_until <= :now"
            ),
            {"lost": _LOST, "now": now},
        ).rowcount

    def mark_sent(self, claim: Claim) -> None:
        self._finish(claim, "sent", None)

    def mark_failed(self, claim: Claim, error: str) -> None:
        self._finish(claim, "failed", error)

    def reschedule(self, claim: Claim, at: float, error: str | None = None) -> None:
        """Back in the queue, not before `at` (a RetryAfter, a pace, a network error)."""
        with self.db.connect() as conn:
            conn.execute(
                text(
                    "UPDATE alerts SET status = 'queued', next_attempt_at = :at,"
                    " last_error = :error, claimed_by = NULL"
                    " WHERE claim_id = :claim AND status = 'sending'"
                ),
                {"at": at, "error": error, "claim": claim.claim_id},
            )
            if claim.subscription.digest_hours is not None:  # its digest is still to come
                conn.execute(
                    text("UPDATE subscriptions SET next_digest_at = 0 WHERE id = :id"),
                    {"id": claim.subscription.id},
                )

    def counts(self) -> dict[str, int]:
        """Alerts by status, for `newsbot subscriptions list` and tests."""
        with self.db.connect() as conn:
            rows = conn.execute(text("SELECT status, COUNT(*) FROM alerts GROUP BY status"))
            return {row[0]: int(row[1]) for row in rows}

    def _finish(self, claim: Claim, status: str, error: str | None) -> None:
        with self.db.connect() as conn:
            conn.execute(
                text(
                    "UPDATE alerts SET status = :status, sent_at = :t, last_error = :error,"
                    " claimed_by = NULL WHERE claim_id = :claim"
                ),
                {"status": status, "t": utc_now(), "error": error, "claim": claim.claim_id},
            )


_DUE_ORDER = "a.next_attempt_at, a.created_at, a.article_id"
_LOST = (
    "its sender stopped while sending it (a crash?): it may or may not have arrived, "
    "and is not sent again"
)
