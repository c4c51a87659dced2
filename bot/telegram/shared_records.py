"""What another worker needs to know, kept in the bot's records instead of one process's memory.

Several `newsbot run` processes may serve one bot token (webhook mode behind a load balancer):
any of them may get the next update of a chat, and each runs the same repeating jobs. So:

- `AnswerRecords`: the question a message answers, its language, the page it shows, the
  pages it has shown and its written answer. A "More ›" or a vote that reaches a worker which
  never saw the question finds it here and searches again (the same index gives the same
  pages; an index changed since may give other ones).
- `JobPeriods`: a repeating job runs once per period across all workers: each worker's tick
  tries to move the job's next time forward in one statement, and only the one whose update
  took runs it. A worker that stops leaves the next period to the others.
- `SharedPacer`: Telegram's limits are per token, not per process: the send times and
  "retry after" blocks are rows, reserved in one write transaction (the same answers as
  `alerts.pacing.Pacer`, which keeps them in memory).
- `RateLimits`: "n per window" per key (inline searches per user) counted across workers.

Per-process only, by design: the fairness queue (bot/telegram/fairness.py: which of this
process's waiting updates gets a slot next) and the caches that only save work (answers by
question, inline results).

The tables live beside the chat preferences (bot.sqlite3, or NEWSBOT_DATABASE_URL's
PostgreSQL; revision prefs_migrations/0002_shared.py); every method is one short transaction,
safe from worker threads and other processes. A check-then-write runs as an `immediate`
transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the records' advisory lock), so two workers
never both take the last slot.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from bot.telegram.alerts.pacing import Limits
from bot.telegram.chat_prefs import ChatPrefs

Clock = Callable[[], float]
_FORGET_SECONDS = 86400.0  # rate events older than this go, whatever their key


@dataclass(frozen=True)
class AnswerRecord:
    """A message's answer as another worker needs it."""

    answer_id: str
    question: str
    lang: str
    page: int
    seen: frozenset[int]
    written: tuple[str, tuple[int, ...]] | None  # the written answer's text and citations


class AnswerRecords:
    """Answers by message id; the oldest go when there are more than `capacity`."""

    def __init__(self, db: ChatPrefs, capacity: int = 10_000, clock: Clock = time.time) -> None:
        self.db = db
        self.capacity = capacity
        self.clock = clock

    def add(self, answer_id: str, question: str, lang: str) -> None:
        with self.db.database.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO answers (id, question, lang, created_at)"
                    " VALUES (:id, :q, :lang, :now) ON CONFLICT (id) DO NOTHING"
                ),
                {"id": answer_id, "q": question, "lang": lang, "now": self.clock()},
            )
            conn.execute(  # the oldest beyond `capacity` go
                text(
                    "DELETE FROM answers WHERE created_at <= (SELECT created_at FROM answers"
                    " ORDER BY created_at DESC LIMIT 1 OFFSET :keep)"
                ),
                {"keep": self.capacity},
            )

    def get(self, answer_id: str) -> AnswerRecord | None:
        with self.db.database.connect() as conn:
            row = conn.execute(
                text("SELECT question, lang, page, seen, written FROM answers WHERE id = :id"),
                {"id": answer_id},
            ).first()
        if row is None:
            return None
        written = json.loads(row[4]) if row[4] else None
        return AnswerRecord(
            answer_id=answer_id,
            question=row[0],
            lang=row[1],
            page=row[2],
            seen=frozenset(json.loads(row[3])),
            written=(written[0], tuple(written[1])) if written else None,
        )

    def show(self, answer_id: str, page: int) -> None:
        """The message now shows `page` (and so has shown it)."""
        with self.db.database.connect(immediate=True) as conn:
            row = conn.execute(
                text("SELECT seen FROM answers WHERE id = :id"), {"id": answer_id}
            ).first()
            if row is None:
                return
            seen = sorted(set(json.loads(row[0])) | {page})
            conn.execute(
                text("UPDATE answers SET page = :page, seen = :seen WHERE id = :id"),
                {"page": page, "seen": json.dumps(seen), "id": answer_id},
            )

    def write(self, answer_id: str, written: str, citations: tuple[int, ...]) -> None:
        with self.db.database.connect() as conn:
            conn.execute(
                text("UPDATE answers SET written = :written WHERE id = :id"),
                {"written": json.dumps([written, list(citations)]), "id": answer_id},
            )


class JobPeriods:
    """Which worker runs a repeating job this period."""

    def __init__(self, db: ChatPrefs, clock: Clock = time.time) -> None:
        self.db = db
        self.clock = clock

    def claim(self, job: str, worker: str, period: float) -> bool:
        """True for exactly one caller per `period` seconds, across processes: the job's
        next time moves `period` ahead only when it has come."""
        now = self.clock()
        with self.db.database.connect() as conn:
            cursor = conn.execute(
                text(
                    "INSERT INTO job_periods (job, next_at, worker, claimed_at)"
                    " VALUES (:job, :next, :worker, :now)"
                    " ON CONFLICT (job) DO UPDATE SET next_at = excluded.next_at,"
                    " worker = excluded.worker, claimed_at = excluded.claimed_at"
                    " WHERE job_periods.next_at <= :now"
                ),
                {"job": job, "next": now + period, "worker": worker, "now": now},
            )
            return cursor.rowcount == 1

    def last(self, job: str) -> tuple[str, float] | None:
        """Who ran `job` last, and when."""
        with self.db.database.connect() as conn:
            row = conn.execute(
                text("SELECT worker, claimed_at FROM job_periods WHERE job = :job"), {"job": job}
            ).first()
        return (row[0], row[1]) if row else None


class SharedPacer:
    """`alerts.pacing.Pacer`'s answers, with its send times and blocks in the records."""

    def __init__(self, db: ChatPrefs, clock: Clock = time.time, limits: Limits | None = None):
        self.db = db
        self.clock = clock
        self.limits = limits or Limits()

    def reserve(self, chat_id: int) -> float:
        """0 and the slot is taken; otherwise the seconds to wait before asking again."""
        now = self.clock()
        count, window = self._chat_limit(chat_id)
        # Count and take in one immediate transaction: no two workers take the last slot.
        with self.db.database.connect(immediate=True) as conn:
            conn.execute(text("DELETE FROM sends WHERE sent_at <= :old"), {"old": now - 60.0})
            blocked = conn.execute(
                text("SELECT MAX(blocked_until) FROM send_blocks WHERE chat_id IN (:chat, 0)"),
                {"chat": chat_id},
            ).scalar()
            if blocked is not None and blocked > now:
                return float(blocked - now)
            wait = max(
                self._wait(conn, chat_id, count, window, now),
                self._wait(conn, None, self.limits.global_per_second, 1.0, now),
            )
            if wait > 0:
                return wait
            conn.execute(
                text("INSERT INTO sends (chat_id, sent_at) VALUES (:chat, :now)"),
                {"chat": chat_id, "now": now},
            )
            return 0.0

    def block(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said "retry after": nothing goes to `chat_id` (None: anywhere) till then."""
        until = self.clock() + seconds
        with self.db.database.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO send_blocks (chat_id, blocked_until) VALUES (:chat, :until)"
                    " ON CONFLICT (chat_id) DO UPDATE SET blocked_until = CASE"
                    " WHEN excluded.blocked_until > send_blocks.blocked_until"
                    " THEN excluded.blocked_until ELSE send_blocks.blocked_until END"
                ),
                {"chat": chat_id or 0, "until": until},
            )

    def _chat_limit(self, chat_id: int) -> tuple[int, float]:
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            return self.limits.group_per_minute, 60.0
        return self.limits.private_per_second, 1.0

    @staticmethod
    def _wait(
        conn: Connection, chat_id: int | None, count: int, window: float, now: float
    ) -> float:
        """Seconds until fewer than `count` sends (to `chat_id`; None: to anyone) fall in the
        last `window` seconds."""
        where = "chat_id = :chat AND " if chat_id is not None else ""
        rows = conn.execute(
            text(
                f"SELECT sent_at FROM sends WHERE {where}sent_at > :since"
                " ORDER BY sent_at DESC LIMIT :count"
            ),
            {"chat": chat_id, "since": now - window, "count": count},
        ).all()
        if len(rows) < count:
            return 0.0
        return float(rows[-1][0] + window - now)


class RateLimits:
    """At most `count` events per `window` seconds for a key, across workers."""

    def __init__(self, db: ChatPrefs, clock: Clock = time.time) -> None:
        self.db = db
        self.clock = clock

    def allow(self, key: str, count: int, window: float) -> bool:
        """True (and counted) when `key` had fewer than `count` events in the last `window`."""
        now = self.clock()
        with self.db.database.connect(immediate=True) as conn:
            conn.execute(
                text(
                    "DELETE FROM rate_events WHERE (rate_key = :key AND seen_at <= :since)"
                    " OR seen_at <= :forgotten"
                ),
                {"key": key, "since": now - window, "forgotten": now - _FORGET_SECONDS},
            )
            seen = conn.execute(
                text("SELECT COUNT(*) FROM rate_events WHERE rate_key = :key"), {"key": key}
            ).scalar_one()
            if seen >= count:
                return False
            conn.execute(
                text("INSERT INTO rate_events (rate_key, seen_at) VALUES (:key, :now)"),
                {"key": key, "now": now},
            )
            return True
