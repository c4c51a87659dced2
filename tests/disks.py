"""Small real file systems for tests: a tmpfs of a few hundred KB that fills up, or one
mounted read-only (as root, `chmod` does not stop a write; a read-only mount does).

The test suite runs as root (CI too), which mounting needs; `mounted` fails loudly otherwise.
"""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def mounted(path: Path, size: str, *, read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of `size` (e.g. "256k") at `path`, unmounted on leaving."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the disk holding `folder` until `leave` bytes at most stay free; returns the
    filler file (delete it to give the space back)."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as handle:
        block = b"\0" * 4096
        try:
            while True:
                handle.write(block)
        except OSError:
            pass
    with filler.open("r+b") as handle:  # give back `leave` bytes
        handle.truncate(max(0, filler.stat().st_size - leave))
    return filler
