"""One writer per data dir: Chroma's embedded store is not safe for two writing processes.

An advisory `flock` on a file in the data dir; the holder writes its pid and command there so
a second writer can be told who holds it. The kernel drops the lock when the holder dies, so a
crash never leaves a stale lock behind.
"""

import fcntl
import json
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

from index.errors import WriterLockedError
from index.store.disk import file_system_errors

LOCK_NAME = "writer.lock"


class ExclusiveLock(Protocol):
    """The seam for who may write: `WriterLock` (a file lock, for the embedded single-machine
    default) is one; a lock or lease held in PostgreSQL (several machines) is another. `acquire`
    raises WriterLockedError when another holder has it; `release` gives it back."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...


class WriterLock(ExclusiveLock):
    """Held while a process may write to the data dir's article database and vector store."""

    def __init__(self, data_dir: Path, purpose: str = "") -> None:
        self.path = data_dir / LOCK_NAME
        self.purpose = purpose or " ".join(
            os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)
        )
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        with file_system_errors():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _describe(handle.read())
            handle.close()
            raise WriterLockedError(
                f"another newsbot process is writing to {self.path.parent} ({holder}). "
                "Wait for it to finish, stop it, or send the work to it: while `newsbot run` is "
                "up, use the bot's admin commands; with a Chroma server (NEWSBOT_CHROMA_URL) "
                "several processes may write."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": self.purpose}))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> "WriterLock":
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _describe(content: str) -> str:
    try:
        info = json.loads(content)
        return f"pid {info['pid']}, `{info['command']}`"
    except (ValueError, KeyError, TypeError):
        return "a process that did not say who it is"
