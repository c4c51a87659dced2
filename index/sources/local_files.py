"""Local sources: files and folders of .txt, .md and .html documents.

Only regular files are read: a named pipe would block the run, a device such as /dev/zero
never ends. Each read stops at the size limit (plus one byte, to know it was passed), whatever
the file's size said a moment before. Folders are walked with a list, not recursion, so no
depth is too deep; links to folders are not followed, so a link loop cannot make it endless.
"""

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from index.errors import InputError
from index.models import DocumentFailure, SourceDocument
from index.sources.extraction import HTML_SUFFIXES, TEXT_SUFFIXES, extract_document

SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Every supported file under `paths`, sorted; a missing path is an error up front."""
    missing = [shown_name(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(_walk(path)) if path.is_dir() else [path])
    return files


def _walk(top: Path) -> Iterator[Path]:
    """Entries under `top` with a supported suffix, hidden names skipped, at any depth."""
    folders = [top]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                found = list(entries)
        except OSError:
            continue  # an unreadable folder is skipped, as before
        for entry in found:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
            elif Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
                yield Path(entry.path)


def read_local_files(
    paths: Sequence[Path], max_bytes: int
) -> Iterator[SourceDocument | DocumentFailure]:
    """One SourceDocument per readable file, a DocumentFailure (with why) per other one."""
    for file in expand_paths(paths):
        key = Path(os.path.realpath(file)).as_uri()  # percent-encoded bytes: any name works
        name = shown_name(file)
        if file.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield DocumentFailure(
                key, f"{name}: unsupported file type (use {', '.join(SUPPORTED_SUFFIXES)})"
            )
            continue
        try:
            document = extract_document(read_regular_file(file, max_bytes), name)
        except InputError as exc:  # ExtractionError included
            yield DocumentFailure(key, str(exc))
        except OSError as exc:
            yield DocumentFailure(key, f"{name}: cannot be read ({exc.strerror})")
        else:
            yield SourceDocument(key=key, source=name, document=document)


def shown_name(file: Path) -> str:
    """The file's path as text anyone can store and print: bytes of a name that are not
    UTF-8 (Python keeps them as lone surrogates) become U+FFFD."""
    return os.fsencode(file).decode("utf-8", "replace")


def read_regular_file(file: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; InputError for anything else.

    The kind is checked before opening (opening a device can have effects) and again on the
    open file (it may have been swapped); the open does not wait, as it would for a pipe.
    """
    _refuse_unless_regular(file, os.stat(file).st_mode)
    fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        status = os.fstat(fd)
        _refuse_unless_regular(file, status.st_mode)
        if status.st_size > max_bytes:
            raise InputError(
                f"{shown_name(file)}: {status.st_size:,} bytes is over the {max_bytes:,}-byte limit"
            )
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{shown_name(file)}: over the {max_bytes:,}-byte limit")
    return data


def _refuse_unless_regular(file: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise InputError(f"{shown_name(file)}: not a regular file ({kind}); skipped")
