"""The light query path: a model's exported ONNX graph and its `tokenizers` file, nothing more.

Loading a model with sentence-transformers imports torch and transformers (seconds, and more
than a gigabyte); a question needs none of it once the model has been exported: the graph
holds the encoder with its pooling and normalisation, `tokenizers` reads the model's own
`tokenizer.json`, and the prompts are plain strings. So the first load of a model on an ONNX
backend (through sentence-transformers, `embedder.py`) leaves a recipe in the model cache:
which export, which tokenizer file and its padding, the sequence length, the vector size and
the declared prompts. It is written only after the light tokenizer was seen to give the model
tokenizer's tokens (long texts cut alike), and it is keyed by the model folder's path, the
size and time of each of its files, and the backend, so a rebuilt or changed model never finds
an old recipe. Every later load finds the recipe and answers from the graph alone.
"""

import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.embedding.language_space import LanguageSpace
from index.embedding.onnx_backend import (
    PROBES,
    OnnxRunner,
    export_agreement,
    intact,
    open_session,
)
from index.embedding.profile import ModelProfile
from index.passages.language import detect_language

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

_VERSION = 1  # bump when a recipe changes meaning: older ones are then not read
_PREFIX = "light-recipe-"
# A text longer than any model's sequence length: the recipe is checked to cut it alike.
_LONG_PROBE = " ".join(PROBES) * 60


def vector_identity(
    name: str, passage_prompt: str, dimension: int, backend: str, space: LanguageSpace | None
) -> str:
    """Names a vector space: model, passage prompt, size, int8 or not, and its centring.

    fp32 ONNX runs only when its vectors matched torch's at export, so it shares torch's space;
    int8 vectors differ a little: a collection of their own."""
    suffix = "|int8" if backend == "onnx-int8" else ""
    centred = f"|{space.tag}" if space else ""
    return f"{name}|{passage_prompt}|{dimension}{suffix}{centred}"


@dataclass(frozen=True)
class Recipe:
    """What the light path needs to know about an exported model."""

    name: str  # the model's name in vector identities
    export: str  # the export's folder in the model cache
    tokenizer: str  # the model's tokenizer.json
    pad_id: int
    pad_token: str
    max_seq_length: int
    dimension: int
    prompts: dict[str, str]  # the model's declared prompts


class LightTokenizer:
    """The model's `tokenizers` file: padding and truncation as the model tokenizer does them."""

    def __init__(self, path: Path, max_length: int, pad_id: int, pad_token: str) -> None:
        from tokenizers import Tokenizer

        self.batching = Tokenizer.from_file(str(path))
        self.batching.enable_truncation(max_length)
        self.batching.enable_padding(pad_id=pad_id, pad_token=pad_token)
        self._counting: Any = None  # the same without truncation, made when first needed
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> dict[str, np.ndarray]:
        encodings = self.batching.encode_batch(texts)
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }

    def count(self, text: str) -> int:
        return len(self.counting.encode(text, add_special_tokens=True).ids)

    def pieces(self, text: str) -> int:
        return len(self.counting.encode(text, add_special_tokens=False).tokens)

    @property
    def counting(self) -> Any:
        """A copy that neither truncates nor pads: counting needs every token (indexing only;
        a question never counts, so answering never pays for the copy)."""
        with self._lock:
            if self._counting is None:
                from tokenizers import Tokenizer

                self._counting = Tokenizer.from_str(self.batching.to_str())
                self._counting.no_truncation()
                self._counting.no_padding()
            return self._counting


class CentredEmbedding:
    """`embed_passages` and `embed_queries` from a model's raw vectors, centred on their
    language when the model has a LanguageSpace (`space`; None: raw vectors). Shared by the
    sentence-transformers embedder and the light ONNX one."""

    space: LanguageSpace | None

    def raw_passages(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def raw_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_passages(
        self, texts: Sequence[str], langs: Sequence[str] | None = None
    ) -> np.ndarray:
        vectors = self.raw_passages(texts)
        if self.space is None:
            return vectors
        if langs is None:
            langs = [detect_language(text) for text in texts]
        return self.space.centre_passages(vectors, langs)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.raw_queries(texts)
        return vectors if self.space is None else self.space.centre_queries(vectors)


class OnnxEmbedder(CentredEmbedding):
    """An exported model with its prompts, answering without torch or transformers."""

    def __init__(
        self,
        runner: OnnxRunner,
        tokenizer: LightTokenizer,
        recipe: Recipe,
        profile: ModelProfile,
        max_tokens: int,
        backend: str,
    ) -> None:
        self._runner = runner
        self._tokenizer = tokenizer
        self.name = recipe.name
        self.dimension = recipe.dimension
        self.profile = profile
        self.query_prompt = profile.query_prompt
        self.passage_prompt = profile.passage_prompt
        self.backend = backend
        self.space: LanguageSpace | None = None
        self._max_tokens = min(max_tokens, recipe.max_seq_length)

    @property
    def identity(self) -> str:
        return vector_identity(
            self.name, self.passage_prompt, self.dimension, self.backend, self.space
        )

    @property
    def passage_token_budget(self) -> int:
        prompt = self._tokenizer.pieces(self.passage_prompt) if self.passage_prompt else 0
        return self._max_tokens - prompt

    def count_tokens(self, text: str) -> int:
        return self._tokenizer.count(text)

    def raw_passages(self, texts: Sequence[str]) -> np.ndarray:
        """The model's own passage vectors, not centred."""
        return self._runner.encode([self.passage_prompt + t for t in texts])

    def raw_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._runner.encode([self.query_prompt + t for t in texts])


def open_light(
    cache: Path, model_dir: Path, backend: str
) -> tuple[OnnxRunner, LightTokenizer, Recipe] | None:
    """The runner, tokenizer and recipe of the model in `model_dir` on `backend`, if its
    recipe and export are in `cache` and intact; None: load it with sentence-transformers."""
    recipe = _read(_recipe_path(cache, model_dir, backend))
    if recipe is None or not intact(cache / recipe.export):
        return None
    tokenizer_file = Path(recipe.tokenizer)
    if not tokenizer_file.is_file():
        return None
    folder = cache / recipe.export
    # ONNX Runtime builds its session without the GIL, `tokenizers` reads its file holding it:
    # side by side, a cold start waits for the longer of the two instead of both.
    with ThreadPoolExecutor(1, thread_name_prefix="onnx-session") as pool:
        session = pool.submit(open_session, folder)
        tokenizer = LightTokenizer(
            tokenizer_file, recipe.max_seq_length, recipe.pad_id, recipe.pad_token
        )
        runner = OnnxRunner(session.result(), tokenizer, export_agreement(folder))
    return runner, tokenizer, recipe


def write_recipe(
    model: "SentenceTransformer",
    name: str,
    model_dir: Path,
    backend: str,
    cache: Path,
    export: Path,
    dimension: int,
) -> bool:
    """Leave the recipe of `model` (loaded from `model_dir`, exported into `export`), if its
    `tokenizers` file gives the model tokenizer's tokens; False when it does not (the light
    path is then never taken for this model)."""
    tokenizer_file = model_dir / "tokenizer.json"
    hf = model.tokenizer
    max_length = int(model.max_seq_length or 512)
    if not tokenizer_file.is_file() or hf.pad_token_id is None:
        return False
    recipe = Recipe(
        name=name,
        export=export.name,
        tokenizer=str(tokenizer_file.resolve()),
        pad_id=int(hf.pad_token_id),
        pad_token=str(hf.pad_token),
        max_seq_length=max_length,
        dimension=dimension,
        prompts=dict(getattr(model, "prompts", None) or {}),
    )
    light = LightTokenizer(tokenizer_file, max_length, recipe.pad_id, recipe.pad_token)
    texts = [*PROBES, _LONG_PROBE]
    theirs = hf(texts, padding=True, truncation=True, max_length=max_length, return_tensors="np")
    ours = light(texts)
    if any(not np.array_equal(np.asarray(theirs[k]), ours[k]) for k in theirs):
        log.info("%s: its tokenizer file tokenizes otherwise; no light path", name)
        return False
    path = _recipe_path(cache, model_dir, backend)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(asdict(recipe)))
    partial.replace(path)
    return True


def _recipe_path(cache: Path, model_dir: Path, backend: str) -> Path:
    """Keyed by the model folder's path and the size and time of each of its files."""
    root = model_dir.resolve()
    digest = hashlib.sha256(f"{_VERSION}|{root}|{backend}".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"|{path.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return cache / f"{_PREFIX}{digest.hexdigest()[:16]}.json"


def _read(path: Path) -> Recipe | None:
    try:
        fields: dict[str, Any] = json.loads(path.read_text())
        return Recipe(**fields)
    except (OSError, ValueError, TypeError):
        return None
