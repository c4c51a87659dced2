"""The alert outbox: what matched each subscription, what is due, what was sent.

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

Its rows live in the records database (`alerts` and `unmatched`, index/alerts/tables.py).
"""

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from index.alerts.subscriptions import SUB_COLUMNS, Subscription
from index.store.article_db import ArticleDB, utc_now


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


class Outbox:
    """The alerts to deliver exactly once; every method is one short transaction."""

    def __init__(self, db: ArticleDB) -> None:
        self.db = db

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
                    text(f"SELECT {SUB_COLUMNS} FROM subscriptions WHERE id = :id"),
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
