"""The Chroma vector store: passages with their precomputed embeddings, cosine space.

The collection's name is derived from the model identity, so vectors of two models never
share a collection; switching model means building a new one (`newsbot reindex --full`). A full
rebuild fills a staging collection beside the live one; the article database says which one
is live (`ArticleDB.live_collection`), so the switch is one transaction and searches see no gap.
"""

import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from index.errors import StoreError
from index.models import Passage
from index.settings import StoreSettings
from index.store.disk import disk_full, free_bytes, out_of_space
from index.store.vector_census import damaged

log = logging.getLogger(__name__)
# Free space an embedded-store write needs before it is tried (see VectorStore._writing):
# Chroma's SQLite log and index files grow by several times what a batch carries.
_ROOM_FLOOR = 512 * 1024
_ROOM_FACTOR = 8


@dataclass(frozen=True)
class StoredPassage:
    """A passage as the store returns it, with its cosine similarity to the query."""

    passage: Passage
    lang: str
    score: float


def collection_name(model_identity: str) -> str:
    """A valid Chroma name that differs for every model identity."""
    digest = hashlib.sha1(model_identity.encode()).hexdigest()[:16]
    return f"passages-{digest}"


def open_client(settings: StoreSettings) -> Any:
    """A Chroma server client when NEWSBOT_CHROMA_URL is set, else the data dir's own store."""
    if settings.chroma_url:
        return _http_client(settings.chroma_url, settings.chroma_database)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(settings.chroma_path),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )


def open_store(
    settings: StoreSettings, model_identity: str, client: Any = None, name: str | None = None
) -> "VectorStore":
    """The model's collection (`name`: the live one the article database names); a data dir
    store that cannot be opened (a damaged `chroma.sqlite3`) is a StoreError that says how to
    rebuild it from the article database."""
    if client is not None or settings.chroma_url:
        return VectorStore(client or open_client(settings), model_identity, name)
    try:
        store = VectorStore(open_client(settings), model_identity, name)
        store.count()  # a damaged file often opens, then fails on the first read
        store.folder = settings.chroma_path
        return store
    except Exception as exc:  # chromadb raises many types for a damaged file
        _forget_client(settings.chroma_path)
        raise damaged(settings.chroma_path, settings.db_path, exc) from exc


def move_aside(path: Path) -> Path:
    """Rename a damaged store folder out of the way (kept for inspection); returns its name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(target)
    _forget_client(path)
    return target


def _forget_client(path: Path) -> None:
    """chromadb keeps one client system per folder, even one that failed to start; drop it
    so the folder can be opened afresh."""
    systems = getattr(SharedSystemClient, "_identifier_to_system", {})
    systems.pop(str(path), None)


class VectorStore:
    """One collection of passages for one model."""

    def __init__(
        self, client: Any, model_identity: str, name: str | None = None, *, staging: bool = False
    ) -> None:
        self.name = name or collection_name(model_identity)
        self.model_identity = model_identity
        self.is_staging = staging  # filled by a full rebuild, not searched until promoted
        self.client = client
        self._collection = self._open()
        self._batch = max(1, int(client.get_max_batch_size()))
        self.writes = 0  # bumped on every change, so derived indexes know to rebuild
        self.folder: Path | None = None  # the data dir's store: where a full disk is asked

    def _open(self) -> Any:
        return self.client.get_or_create_collection(
            self.name,
            metadata={"model": self.model_identity[:500]},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def staging(self, name: str | None = None) -> "VectorStore":
        """A collection beside this one, for a full rebuild that must not disturb searches;
        `name` resumes the one an interrupted rebuild left."""
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        chosen = name or f"{collection_name(self.model_identity)}-{stamp}"
        staging = VectorStore(self.client, self.model_identity, chosen, staging=True)
        staging.folder = self.folder
        return staging

    def replace_with(self, staging: "VectorStore") -> None:
        """Search the complete `staging` collection from now on, then drop the old one.

        Call it after the article database made `staging` live: a search running meanwhile
        uses either collection, both whole."""
        old = self.name
        self._collection, self.name = staging._collection, staging.name
        self.is_staging = False
        self.writes += 1
        try:
            self.client.delete_collection(old)
        except Exception:  # only space is lost; `newsbot check` names leftovers
            log.warning("the replaced collection %s could not be deleted", old, exc_info=True)

    def upsert(
        self, passages: Sequence[Passage], embeddings: np.ndarray, lang: str | Sequence[str]
    ) -> None:
        """Write passages with stable ids, in batches the server accepts; `lang` is the
        language of every passage, or one per passage (passages of several articles)."""
        langs = [lang] * len(passages) if isinstance(lang, str) else list(lang)
        payload = int(embeddings.nbytes) + sum(len(p.text.encode()) for p in passages)
        with self._writing(payload):
            for start in range(0, len(passages), self._batch):
                chunk = passages[start : start + self._batch]
                self._collection.upsert(
                    ids=[p.id for p in chunk],
                    embeddings=embeddings[start : start + self._batch].tolist(),
                    documents=[p.text for p in chunk],
                    metadatas=[
                        {"article_id": p.article_id, "seq": p.seq, "lang": language}
                        for p, language in zip(
                            chunk, langs[start : start + self._batch], strict=True
                        )
                    ],
                )
        self.writes += 1

    def delete_ids(self, ids: Sequence[str]) -> None:
        with self._writing():
            for start in range(0, len(ids), self._batch):
                self._collection.delete(ids=list(ids[start : start + self._batch]))
        self.writes += 1

    def delete_article(self, article_id: str) -> None:
        with self._writing():
            self._collection.delete(where={"article_id": article_id})
        self.writes += 1

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        """Every passage of these articles, in one call per server batch."""
        with self._writing():
            for start in range(0, len(article_ids), self._batch):
                chunk = list(article_ids[start : start + self._batch])
                self._collection.delete(where={"article_id": {"$in": chunk}})
        self.writes += 1

    @contextmanager
    def _writing(self, payload: int = 0) -> Iterator[None]:
        """Chroma's errors do not say why a write failed; a full disk is asked and named.

        The room is checked BEFORE the embedded store writes: on a nearly full disk Chroma's
        own write can fail without returning (seen: an upsert that never came back), so the
        write is not tried without `_ROOM_FLOOR` plus `_ROOM_FACTOR` times its payload free."""
        if (
            self.folder is not None
            and free_bytes(self.folder) < _ROOM_FLOOR + _ROOM_FACTOR * payload
        ):
            raise disk_full(self.folder)
        try:
            yield
        except Exception as exc:
            if self.folder is not None and out_of_space(self.folder):
                raise disk_full(self.folder) from exc
            raise

    def all_texts(self) -> tuple[list[str], list[str]]:
        """Ids and texts of every passage, for indexes built beside this one (BM25)."""
        got = self._collection.get(include=["documents"])
        return list(got["ids"]), [d or "" for d in got["documents"]]

    def fetch(self, ids: list[str], query: np.ndarray) -> list[StoredPassage]:
        """Given passages scored against `query` (for candidates found by another channel)."""
        if not ids:
            return []
        got = self._collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        found = {
            pid: StoredPassage(
                passage=Passage(
                    id=pid, article_id=str(meta["article_id"]), seq=int(meta["seq"]), text=doc
                ),
                lang=str(meta.get("lang", "und")),
                score=float(np.asarray(vector, dtype=np.float32) @ query),
            )
            for pid, doc, meta, vector in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
        }
        return [found[i] for i in ids if i in found]

    def query(self, embedding: np.ndarray, n: int) -> list[StoredPassage]:
        count = self.count()
        if count == 0:
            return []
        try:
            result = self._collection.query(
                query_embeddings=[embedding.tolist()],
                n_results=min(n, count),
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:  # chromadb raises many types; callers need one
            raise StoreError(f"the vector store failed to answer: {exc}") from exc
        hits = []
        for pid, doc, meta, dist in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=True,
        ):
            passage = Passage(
                id=pid, article_id=str(meta["article_id"]), seq=int(meta["seq"]), text=doc
            )
            hits.append(
                StoredPassage(
                    passage=passage, lang=str(meta.get("lang", "und")), score=1.0 - float(dist)
                )
            )
        return hits

    def passages_of(
        self, article_ids: Sequence[str]
    ) -> dict[str, list[tuple[StoredPassage, np.ndarray]]]:
        """Every stored passage of these articles with its vector, in passage order."""
        if not article_ids:
            return {}
        got = self._collection.get(
            where={"article_id": {"$in": list(article_ids)}},
            include=["documents", "metadatas", "embeddings"],
        )
        found: dict[str, list[tuple[StoredPassage, np.ndarray]]] = {}
        for pid, doc, meta, vector in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        ):
            passage = Passage(
                id=pid, article_id=str(meta["article_id"]), seq=int(meta["seq"]), text=doc
            )
            stored = StoredPassage(passage, str(meta.get("lang", "und")), 0.0)
            found.setdefault(passage.article_id, []).append(
                (stored, np.asarray(vector, dtype=np.float32))
            )
        for passages in found.values():
            passages.sort(key=lambda pair: pair[0].passage.seq)
        return found

    def metadata(self, fresh: bool = False) -> dict[str, Any]:
        """The collection's own metadata (its model, and the language means estimated from
        its passages: index/store/language_means.py); `fresh`: as stored now, also when
        another process changed it."""
        if fresh:
            self._collection = self.client.get_collection(self.name, embedding_function=None)
        return dict(self._collection.metadata or {})

    def set_metadata(self, values: dict[str, Any]) -> None:
        """Add or change keys of the collection's metadata (Chroma replaces it whole)."""
        merged = {**self.metadata(fresh=True), **values}
        with self._writing():
            self._collection.modify(metadata=merged)

    def vectors_of(self, langs: Sequence[str]) -> tuple[list[str], np.ndarray, list[dict]]:
        """Ids, vectors and metadata of every passage stored with one of these language
        labels."""
        got = self._collection.get(
            where={"lang": {"$in": list(langs)}}, include=["embeddings", "metadatas"]
        )
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        return list(got["ids"]), vectors, [dict(m or {}) for m in got["metadatas"]]

    def count_of(self, langs: Sequence[str]) -> int:
        """How many passages are stored with one of these language labels."""
        return len(self._collection.get(where={"lang": {"$in": list(langs)}}, include=[])["ids"])

    def revector(self, ids: Sequence[str], vectors: np.ndarray, mark: dict[str, Any]) -> None:
        """Replace the vectors of stored passages (texts kept) and add `mark` to their
        metadata, in batches the server accepts."""
        with self._writing(int(vectors.nbytes)):
            for start in range(0, len(ids), self._batch):
                chunk = list(ids[start : start + self._batch])
                self._collection.update(
                    ids=chunk,
                    embeddings=vectors[start : start + self._batch].tolist(),
                    metadatas=[mark] * len(chunk),
                )
        self.writes += 1

    def count(self) -> int:
        return int(self._collection.count())

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])


def _http_client(url: str, database: str) -> Any:
    """Client of a `chroma run` server; the database is created on first use."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"NEWSBOT_CHROMA_URL must look like http://host:8000, not {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 8000)
    ssl = parts.scheme == "https"
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        admin = chromadb.AdminClient(
            ChromaSettings(
                anonymized_telemetry=False,
                chroma_api_impl="chromadb.api.fastapi.FastAPI",
                chroma_server_host=parts.hostname,
                chroma_server_http_port=port,
                chroma_server_ssl_enabled=ssl,
            )
        )
        try:
            admin.get_database(database)
        except Exception:  # chromadb raises NotFoundError or a generic one, by version
            admin.create_database(database)
        return chromadb.HttpClient(
            host=parts.hostname, port=port, ssl=ssl, database=database, settings=settings
        )
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(
            f"cannot reach the Chroma server at {url} ({exc}); is `chroma run` up?"
        ) from exc
