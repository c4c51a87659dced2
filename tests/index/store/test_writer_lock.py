"""One writer per data dir: a second one is refused with the holder named."""

import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import WriterLockedError
from index.store.writer_lock import WriterLock

HOLDER = """
import sys
from pathlib import Path
from index.store.writer_lock import WriterLock
lock = WriterLock(Path(sys.argv[1]), purpose="newsbot index big-folder/")
lock.acquire()
print("locked", flush=True)
sys.stdin.readline()
"""


def test_second_process_is_refused_and_told_who_writes(tmp_path: Path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[3],
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WriterLockedError) as error:
            WriterLock(tmp_path).acquire()
        message = str(error.value)
        assert f"pid {holder.pid}" in message
        assert "newsbot index big-folder/" in message
        assert "NEWSBOT_CHROMA_URL" in message
    finally:
        holder.communicate("\n", timeout=30)
    # Once the holder is gone, the lock is free again.
    with WriterLock(tmp_path):
        pass


def test_lock_is_freed_when_holder_dies_without_releasing(tmp_path: Path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[3],
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=30)
    with WriterLock(tmp_path):
        pass


def test_same_process_second_lock_is_refused(tmp_path: Path):
    with WriterLock(tmp_path), pytest.raises(WriterLockedError):
        WriterLock(tmp_path).acquire()
