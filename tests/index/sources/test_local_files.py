"""Local paths: regular files only, bounded reads, any depth; the rest skipped with a reason."""

import os
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

import pytest

from index.models import DocumentFailure, SourceDocument
from index.news_index import NewsIndex
from index.sources.local_files import expand_paths, read_local_files

T = TypeVar("T")
STORY = b"Harbour works begin.\n\nThe city council approved the new harbour wall on Monday."


def finishes(work: Callable[[], T], within: float = 30) -> T:
    """The result of `work`, run in a thread; fails (instead of hanging) if it never returns."""
    result: list[T] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), f"still running after {within} s"
    return result[0]


@pytest.fixture
def fifo(tmp_path: Path):
    """A named pipe with a supported suffix; released afterwards if a reader still waits on it."""
    path = tmp_path / "news" / "pipe.txt"
    path.parent.mkdir()
    os.mkfifo(path)
    yield path
    with suppress(OSError):  # a reader blocked in open() gets end-of-file; else ENXIO
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def test_a_fifo_given_by_name_is_skipped_with_a_reason(fifo: Path):
    [got] = finishes(lambda: list(read_local_files([fifo], 1_000_000)))
    assert isinstance(got, DocumentFailure) and "not a regular file" in got.reason


def test_indexing_a_folder_with_a_fifo_indexes_the_rest(fake_index: NewsIndex, fifo: Path):
    (fifo.parent / "story.txt").write_bytes(STORY)
    report = finishes(lambda: fake_index.index_paths([fifo.parent]))
    assert report.new == 1
    assert ["FIFO" in f.reason for f in report.failures] == [True]


def test_a_symlink_to_dev_zero_is_refused_without_reading(tmp_path: Path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    [got] = finishes(lambda: list(read_local_files([tmp_path / "zero.txt"], 1_000_000)))
    assert isinstance(got, DocumentFailure)
    assert "not a regular file (a character device)" in got.reason


def test_reads_stop_at_the_limit_whatever_the_file_size_says(tmp_path: Path):
    """/proc files are regular files of size 0 with kilobytes in them, like a file that grew
    after it was measured: the read itself stops at the limit."""
    smaps = Path("/proc/self/smaps")
    assert smaps.stat().st_size == 0 and len(smaps.read_bytes()) > 2_000
    (tmp_path / "grown.txt").symlink_to(smaps)
    [got] = read_local_files([tmp_path / "grown.txt"], 2_000)
    assert isinstance(got, DocumentFailure) and "over the 2,000-byte limit" in got.reason


@pytest.fixture
def deep_folder(tmp_path: Path):
    """tmp_path/d/d/.../d, 1,400 deep, removed bottom-up afterwards (pytest's own clean-up,
    shutil.rmtree, is recursive on Python 3.11 and would die on it)."""
    folders = [tmp_path]
    for _ in range(1_400):
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    yield folders[-1]
    for folder in reversed(folders[1:]):
        for entry in folder.iterdir():
            if not entry.is_dir():
                entry.unlink()
        folder.rmdir()


def test_a_folder_1400_deep_is_walked(tmp_path: Path, deep_folder: Path):
    (deep_folder / "deep.txt").write_bytes(STORY)
    (tmp_path / "top.txt").write_bytes(STORY)

    got = list(read_local_files([tmp_path], 1_000_000))

    assert [type(d) for d in got] == [SourceDocument, SourceDocument]
    assert {Path(d.source).name for d in got if isinstance(d, SourceDocument)} == {
        "deep.txt",
        "top.txt",
    }


def test_symlink_loops_end(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_bytes(STORY)
    (tmp_path / "a" / "up").symlink_to("..")  # folder links are not followed
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")  # a link to itself

    assert expand_paths([tmp_path]) == [tmp_path / "a" / "story.txt", tmp_path / "loop.txt"]
    story, loop = read_local_files([tmp_path], 1_000_000)
    assert isinstance(story, SourceDocument)
    assert isinstance(loop, DocumentFailure) and "cannot be read" in loop.reason


def test_a_file_name_that_is_not_utf8_is_indexed_and_named(fake_index: NewsIndex, tmp_path: Path):
    """Linux names are bytes: `caf\\xe9.txt` (Latin-1) once crashed the article database."""
    folder = tmp_path / "news"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(raw, "wb") as file:
        file.write(b"Budapest summit dropped. Trump and Putin will not meet there this month.\n")
    (folder / "empty.txt").write_bytes(b"")

    report = fake_index.index_paths([folder])

    assert (report.new, report.failed) == (1, 1)
    (article,) = fake_index.db.all_articles()
    assert article.source == f"{folder}/caf\ufffd.txt"
    assert fake_index.ask("Budapest summit").hits[0].article.source == article.source
