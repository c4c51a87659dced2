"""Language means estimated from a collection's own passages, for languages without background.

The model's means come from background text in nine languages (index/embedding/
language_space.py); a passage of another language is centred on the mean of those means. Once
a collection holds `MIN_PASSAGES_FOR_MEAN` passages of such a language, their mean is a better
centre (measured leave-one-language-out, docs/language-means.md): the writer estimates it then,
once, from the stored vectors, and centres that language's stored passages on it again.

The store keeps centred vectors only, but a raw vector comes back exactly from its centred one
and the mean it was centred on (`LanguageSpace.raw_passages`), so no passage is embedded
again. The estimate belongs to the collection, not to the model: it is recorded in the
collection's metadata (`means`: per language its mean, how many passages it came from, and a
stamp), so the vector identity (and the collection's name) stays the model's, a full rebuild
starts a collection without estimates and makes its own, and every process reading the
collection centres questions on the same means (`IndexMeans.refresh`, one metadata read
when the collection has changed).

Crash safety: the estimate is recorded (as pending) before any vector moves; each re-centred
passage is marked with the estimate's stamp; the record is marked done after the last one.
A writer that opens a collection with a pending estimate re-centres the unmarked passages
first (`finish`); until then searches may see that one language half re-centred.
"""

import base64
import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from index.embedding.collection_embedder import CollectionEmbedder
from index.embedding.embedder import Embedder
from index.embedding.language_space import (
    MIN_PASSAGES_FOR_MEAN,
    NEAR_LABELS,
    LanguageSpace,
    canonical_language,
)
from index.embedding.onnx_embedder import CentredEmbedding
from index.store.vectors import VectorStore

log = logging.getLogger(__name__)

KEY = "means"  # the collection metadata key holding the estimates (a JSON string)
MARK = "mean"  # the passage metadata key naming the estimate a passage was re-centred on


def labels(lang: str) -> list[str]:
    """The stored language labels that mean `lang` (itself and its near labels)."""
    return [lang] + sorted(label for label, near in NEAR_LABELS.items() if near == lang)


def _encode(mean: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(mean, dtype="<f4").tobytes()).decode()


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").copy()


class IndexMeans:
    """The centring of one collection: the model's `base` space plus the means estimated from
    the collection's own passages (recorded in its metadata)."""

    def __init__(
        self, store: VectorStore, base: LanguageSpace, min_passages: int = MIN_PASSAGES_FOR_MEAN
    ) -> None:
        self.store = store
        self.base = base
        self.min_passages = min_passages
        self._space = base
        self._text: object = None  # the record last decoded
        self._read(self.store.metadata())

    def space(self) -> LanguageSpace:
        """The space passages and questions of this collection are centred in."""
        return self._space

    def refresh(self) -> None:
        """Read the recorded estimates again (another process's writer may have made one,
        or a full rebuild replaced the collection): one metadata read, decoded only when it
        changed."""
        try:
            metadata = self.store.metadata(fresh=True)
        except Exception:  # chromadb raises many types; the search then says what is wrong
            log.debug("the collection %s could not be read", self.store.name, exc_info=True)
            return
        self._read(metadata)

    def recorded(self) -> dict[str, dict[str, Any]]:
        """{language: {"mean", "passages", "stamp", "done"}} as recorded in the collection."""
        text = self.store.metadata().get(KEY)
        try:
            found = json.loads(text) if isinstance(text, str) else {}
        except ValueError:
            log.warning("the language means recorded in %s are unreadable", self.store.name)
            return {}
        return found if isinstance(found, dict) else {}

    def after_write(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """After passages of `langs` were stored as `vectors`: estimate the mean of every
        language among them that has none and now has enough stored passages, centre its
        stored passages on it, and return `vectors` as they are now stored."""
        before = self._space
        lacking = sorted({canonical_language(lang) for lang in langs if before.lacks(lang)})
        for lang in lacking:
            if self.store.count_of(labels(lang)) >= self.min_passages:
                self._estimate(lang)
        if self._space is before:
            return vectors
        return self._space.centre_passages(before.raw_passages(vectors, langs), langs)

    def finish(self) -> None:
        """Complete a re-centring an interrupted writer left (before anything is written)."""
        for lang, entry in self.recorded().items():
            if not entry.get("done"):
                log.warning(
                    "centring the %s passages on their own mean, interrupted: resumed", lang
                )
                self._recentre(lang, _decode(entry["mean"]), str(entry["stamp"]))

    def _estimate(self, lang: str) -> None:
        ids, vectors, _ = self.store.vectors_of(labels(lang))
        raw = self._space.raw_passages(vectors, [lang] * len(ids))  # centred on the fallback
        mean = raw.mean(axis=0).astype(np.float32)
        stamp = f"{lang}-{hashlib.sha256(mean.tobytes()).hexdigest()[:12]}"
        entry = {
            "mean": _encode(mean),
            "passages": len(ids),
            "stamp": stamp,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "done": False,
        }
        self._record(lang, entry)  # first: a crash from here on is finished by `finish`
        log.info("%s: %d passages, centred on their own mean from now on", lang, len(ids))
        self._recentre(lang, mean, stamp)

    def _recentre(self, lang: str, mean: np.ndarray, stamp: str) -> None:
        """Centre the stored passages of `lang` not yet marked `stamp` on `mean`."""
        ids, vectors, metadatas = self.store.vectors_of(labels(lang))
        todo = [i for i, meta in enumerate(metadatas) if meta.get(MARK) != stamp]
        if todo:
            fallback = self.base.with_means({})  # what they were centred on: the fallback
            raw = fallback.raw_passages(vectors[todo], [lang] * len(todo))
            own = self.base.with_means({lang: mean})
            centred = own.centre_passages(raw, [lang] * len(todo))
            self.store.revector([ids[i] for i in todo], centred, {MARK: stamp})
        entry = self.recorded()[lang]
        self._record(lang, {**entry, "done": True})

    def _record(self, lang: str, entry: dict[str, Any]) -> None:
        recorded = {**self.recorded(), lang: entry}
        self.store.set_metadata({KEY: json.dumps(recorded, sort_keys=True)})
        self._read(self.store.metadata())

    def _read(self, metadata: dict[str, Any]) -> None:
        text = metadata.get(KEY)
        if text == self._text:
            return
        self._text = text
        try:
            found = json.loads(text) if isinstance(text, str) else {}
            means = {lang: _decode(entry["mean"]) for lang, entry in found.items()}
        except (ValueError, KeyError, TypeError):
            log.warning("the language means recorded in %s are unreadable", self.store.name)
            means = {}
        self._space = self.base.with_means(means)


def collection_embedder(
    model: Embedder, store: VectorStore, min_passages: int = MIN_PASSAGES_FOR_MEAN
) -> tuple[Embedder, IndexMeans | None]:
    """`model` centred as `store`'s collection centres (with its estimated means), and those
    means; a model that is not centred is returned as it is, with None."""
    if not isinstance(model, CentredEmbedding) or model.space is None:
        return model, None
    means = IndexMeans(store, model.space, min_passages)
    return CollectionEmbedder(model, means), means
