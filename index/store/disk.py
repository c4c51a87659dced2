"""When the file system says no: one StorageError that names the path and what to do.

A full disk, a read-only folder or a file where a folder should be reach newsbot as an
OSError (from Python) or a SQLite error code (from SQLite's own writes). Both become a
StorageError here, so every front prints one line instead of a traceback; the callers make
sure nothing half-written is left behind (they write beside the target and rename).
"""

import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import StorageError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_WRONG_KIND = {errno.ENOTDIR, errno.EEXIST, errno.EISDIR}


def storage_error(exc: OSError, path: Path | str | None = None) -> StorageError:
    """The StorageError for `exc`, naming `path` (else the file the OS named)."""
    where = str(path or exc.filename or "a file")
    if exc.errno in _FULL:
        return disk_full(where)
    if exc.errno in _READ_ONLY:
        return StorageError(
            f"cannot write to {where}: the file system is read-only or newsbot may not write "
            "there; choose another place or fix the permissions",
            code="read_only",
            path=where,
        )
    if exc.errno in _WRONG_KIND:
        return StorageError(
            f"{where} is in the way: a file stands where newsbot needs a folder (or the other "
            "way round); move it, or point NEWSBOT_DATA_DIR at a folder",
            code="wrong_kind",
            path=where,
        )
    reason = exc.strerror or str(exc)
    return StorageError(f"cannot read or write {where}: {reason}", path=where)


def disk_full(where: Path | str) -> StorageError:
    return StorageError(
        f"no space left on the disk holding {where}: free some space (or choose another "
        "place) and run the command again; nothing half-written was kept",
        code="disk_full",
        path=str(where),
    )


def sqlite_storage_error(exc: sqlite3.Error, path: Path) -> StorageError | None:
    """The StorageError for a SQLite error that comes from the file system, else None."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name == "SQLITE_FULL" or "disk is full" in text:
        return disk_full(path)
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return storage_error(OSError(errno.EROFS, "read-only"), path)
    if name.startswith("SQLITE_CANTOPEN") or name.startswith("SQLITE_IOERR"):
        return StorageError(
            f"cannot read or write {path} ({exc}): is its folder there, writable and not full?",
            path=str(path),
        )
    return None


@contextmanager
def file_system_errors(path: Path | None = None) -> Iterator[None]:
    """Inside, an OSError becomes a StorageError naming `path` (or the file the OS named)."""
    try:
        yield
    except OSError as exc:
        raise storage_error(exc, path or (Path(exc.filename) if exc.filename else None)) from exc


def free_bytes(folder: Path) -> int:
    """Bytes free on the disk holding `folder` (a statvfs: cheap enough before every write);
    a folder that is not there (yet) counts as roomy, and its write says what is wrong."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 1 << 62


def out_of_space(folder: Path, room: int = 1 << 20) -> bool:
    """Whether the disk holding `folder` cannot give `room` more bytes now: asked by reserving
    them in a scratch file, for libraries whose errors do not carry the OS's reason."""
    try:
        handle, name = tempfile.mkstemp(prefix=".space-probe-", dir=folder)
    except OSError as exc:
        return exc.errno in _FULL
    try:
        os.posix_fallocate(handle, 0, room)
    except OSError as exc:
        return exc.errno in _FULL
    finally:
        os.close(handle)
        os.unlink(name)
    return False


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
