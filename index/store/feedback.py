"""Readers' votes on answers (👍/👎): the start of a real-world evaluation set.

Its own SQLite file in the data dir (`feedback.sqlite3`), apart from the articles: votes are
about what was shown, so each keeps the question, the reader's language and the articles and
passages shown, as they were, whatever later happens to the index. No user id is stored:
`voter` is a keyed hash of (answer, user) with a key that lives as long as the process (as the
answer ids do), enough to let one user change their vote on one answer and no more.
"""

import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FILE_NAME = "feedback.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    question TEXT NOT NULL,
    lang TEXT NOT NULL,
    shown TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, voter)
);
"""


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

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._key = secrets.token_bytes(32)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> "FeedbackStore":
        return cls(data_dir / FILE_NAME)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

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
        with closing(self._connect()) as conn, conn:
            earlier = conn.execute(
                "SELECT 1 FROM votes WHERE answer_id = ? AND voter = ?", (answer_id, voter)
            ).fetchone()
            conn.execute(
                "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(answer_id, voter) DO UPDATE SET vote = excluded.vote,"
                " shown = excluded.shown, voted_at = excluded.voted_at",
                (
                    answer_id,
                    voter,
                    question,
                    lang,
                    json.dumps(shown, ensure_ascii=False),
                    vote,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
        return earlier is not None

    def votes(self) -> Iterator[Vote]:
        """Every vote, oldest first."""
        with closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT answer_id, question, lang, shown, vote, voted_at FROM votes"
                " ORDER BY voted_at, rowid"
            ).fetchall()
        for answer_id, question, lang, shown, vote, voted_at in rows:
            yield Vote(answer_id, question, lang, json.loads(shown), int(vote), voted_at)
