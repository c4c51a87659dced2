"""Readers' votes on answers (👍/👎): the start of a real-world evaluation set.

Its own SQLite file in the data dir (`feedback.sqlite3`), apart from the articles, or the
`votes` table of NEWSBOT_DATABASE_URL's PostgreSQL (its own migrations: schema.VOTES). Votes are
about what was shown, so each keeps the question, the reader's language and the articles and
passages shown, as they were, whatever later happens to the index. No user id is stored:
`voter` is a keyed hash of (answer, user) with a key that lives as long as the process (as the
answer ids do), enough to let one user change their vote on one answer and no more.
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from index.store import schema
from index.store.database import Database

FILE_NAME = "feedback.sqlite3"


@dataclass(frozen=True)
class Vote:
    answer_id: str
    question: str
    lang: str
    shown: list[dict[str, Any]]  # the articles shown, each with the passages shown of it
    vote: int  # +1 or -1
    voted_at: str


class FeedbackStore:
    """Votes, one per (answer, user); a second vote replaces the first."""

    def __init__(self, path: Path, url: str | None = None) -> None:
        self.path = path
        self.database = Database.open(url, path)
        self._key = secrets.token_bytes(32)
        schema.upgrade(self.database, schema.VOTES)
        # Insertion order among votes of one second: SQLite's rowid; PostgreSQL has none.
        self._order = "voted_at, rowid" if self.database.is_sqlite else "voted_at, answer_id"

    @classmethod
    def in_data_dir(cls, data_dir: Path, url: str | None = None) -> "FeedbackStore":
        return cls(data_dir / FILE_NAME, url)

    def close(self) -> None:
        self.database.close()

    def voter(self, answer_id: str, user_id: int) -> str:
        digest = hmac.new(self._key, f"{answer_id}:{user_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:24]

    def record(
        self,
        answer_id: str,
        user_id: int,
        question: str,
        lang: str,
        shown: list[dict[str, Any]],
        vote: int,
    ) -> bool:
        """Store the vote; True when it replaced an earlier vote of the same user."""
        if vote not in (-1, 1):
            raise ValueError(f"a vote is +1 or -1, not {vote}")
        voter = self.voter(answer_id, user_id)
        with self.database.connect() as conn:
            earlier = conn.execute(
                text("SELECT 1 FROM votes WHERE answer_id = :a AND voter = :v"),
                {"a": answer_id, "v": voter},
            ).first()
            conn.execute(
                text(
                    "INSERT INTO votes (answer_id, voter, question, lang, shown, vote, voted_at)"
                    " VALUES (:a, :v, :question, :lang, :shown, :vote, :t)"
                    " ON CONFLICT (answer_id, voter) DO UPDATE SET vote = excluded.vote,"
                    " shown = excluded.shown, voted_at = excluded.voted_at"
                ),
                {
                    "a": answer_id,
                    "v": voter,
                    "question": question,
                    "lang": lang,
                    "shown": json.dumps(shown, ensure_ascii=False),
                    "vote": vote,
                    "t": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            )
        return earlier is not None

    def votes(self) -> Iterator[Vote]:
        """Every vote, oldest first."""
        with self.database.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT answer_id, question, lang, shown, vote, voted_at FROM votes"
                    f" ORDER BY {self._order}"
                )
            ).all()
        for answer_id, question, lang, shown, vote, voted_at in rows:
            yield Vote(answer_id, question, lang, json.loads(shown), int(vote), voted_at)
