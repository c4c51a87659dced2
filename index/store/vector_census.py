"""How many passages the data dir's vector store holds, read without Chroma or the model.

`newsbot stats` and `newsbot restore` must stay fast and model-free, yet they should notice a
vector store that lost what the article database says it holds (a deleted `chroma/` folder, a
truncated `chroma.sqlite3`). Chroma keeps a row per stored passage in its SQLite file (the
metadata segment of each collection); that file is opened read-only and counted here, and its
header is checked against its size so a cut file is found without reading it all.

This knows one detail of Chroma's layout (tables `collections`, `segments`, `embeddings`); if a
Chroma version lays it out otherwise, the census says "unknown" (None) rather than guess.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from index.errors import StoreError

CHROMA_FILE = "chroma.sqlite3"
_HEADER = b"SQLite format 3\x00"
_COUNT = (
    "SELECT COUNT(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id"
    " JOIN collections c ON s.collection = c.id WHERE c.name = ? AND s.scope = 'METADATA'"
)


def stored_passages(chroma_path: Path, collection: str, db_path: Path) -> int | None:
    """Passages `collection` holds in the store at `chroma_path`: 0 when the store is gone,
    None when its layout is not one this census knows. A damaged file is a StoreError naming
    `newsbot check --rebuild` (the articles in `db_path` are safe)."""
    path = chroma_path / CHROMA_FILE
    if not path.is_file():
        return 0
    try:
        _check_size(path)
        uri = path.resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=2)) as conn:
            return int(conn.execute(_COUNT, (collection,)).fetchone()[0])
    except sqlite3.OperationalError as exc:
        busy = getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")
        if busy or "no such" in str(exc):  # a writer holds it, or another layout: cannot tell
            return None
        raise damaged(chroma_path, db_path, exc) from exc
    except (sqlite3.DatabaseError, ValueError, OSError) as exc:
        raise damaged(chroma_path, db_path, exc) from exc


def damaged(chroma_path: Path, db_path: Path, exc: Exception) -> StoreError:
    """The one message for a vector store that cannot be read (also `open_store`'s)."""
    return StoreError(
        f"the vector store in {chroma_path} cannot be opened ({exc}). The articles are safe "
        f"in {db_path}: rebuild the vectors from them with `newsbot check --rebuild` (the "
        "damaged folder is kept aside)"
    )


def lost_passages(stored: int, expected: int, chroma_path: Path | str) -> StoreError:
    """The store holds fewer passages than the article database says it should."""
    return StoreError(
        f"the vector store in {chroma_path} holds {stored} of the {expected} passages the "
        "article database says it has (it was deleted, replaced or restored apart from it): "
        "run `newsbot check` to embed the missing ones again (`newsbot check --rebuild` if "
        "that fails)",
        code="store_drift",
        stored=stored,
        expected=expected,
    )


def _check_size(path: Path) -> None:
    """A SQLite file shorter than its header says was cut (a full disk, a bad copy)."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(_HEADER):
        raise ValueError("not a SQLite file")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    if counter_valid and pages and pages * page_size > path.stat().st_size:
        raise ValueError(
            f"the file is cut short: {path.stat().st_size} bytes of {pages * page_size}"
        )
