"""Run a sentence-transformers model with ONNX Runtime, optionally int8-quantized.

sentence-transformers' own ONNX backend needs optimum-onnx, which (0.1.0) pins transformers
below 4.58, older than the one newsbot runs on. So the model is exported here, once, with
torch.onnx (tokens in, normalised sentence embeddings out: the model's own pooling and
normalisation are in the graph); int8 weights come from ONNX Runtime's dynamic quantization,
per channel. Tokenization stays with the model's tokenizer: its `transformers` wrapper when the
model is loaded, the `tokenizers` file alone on the light path (`onnx_embedder`), which needs
neither torch nor transformers to answer.

Exports are kept beside the models (NEWSBOT_MODEL_CACHE_DIR), one folder per model identity
(its name, sequence length and a fingerprint of its weights), so every data dir and every test
run shares one export. The graph keeps its weights in a file beside it (`model.onnx.data`),
which ONNX Runtime maps instead of copying: a session opens in a fraction of a second and costs
memory only for the rows of the vocabulary a text touches. A folder is built in a staging
directory and renamed into place with a manifest (size, modification time and SHA-256 of each
file, and how closely its vectors matched torch's when it was built); a file whose size or time
differs from its manifest is hashed again, a folder whose files do not match is rebuilt, and a
crash mid-export leaves only a staging directory that nothing trusts (removed by the next build).
The manifest code is shared with the bundled model (index/embedding/manifest.py).
"""

import hashlib
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index import progress
from index.embedding.manifest import damage, read_manifest, write_manifest

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

_OPSET = 17
_FORMAT = 2  # bump when the export changes meaning: older folders are then not reused
_GRAPH = "model.onnx"
_WEIGHTS = "model.onnx.data"  # the fp32 graph's weights, mapped by ONNX Runtime
_MANIFEST = "newsbot-onnx.json"
_STAGING = ".building-onnx-"
# Checked against torch when a graph is built: vectors this close share torch's index.
PROBES = (
    "The Budapest summit between Trump and Putin was dropped.",
    "व्हाइट हाउस ने कहा कि ट्रम्प और पुतिन की मुलाकात की कोई योजना नहीं है।",
    "Giá vàng hôm nay tăng mạnh sau khi ngân hàng trung ương giữ nguyên lãi suất.",
    "短",
)


Tokenize = Callable[[list[str]], dict[str, np.ndarray]]


class OnnxRunner:
    """Encodes texts with an ONNX session; the same vectors (or near) as the torch model."""

    def __init__(self, session: Any, tokenize: Tokenize, agreement: float) -> None:
        self.session = session
        self.tokenize = tokenize  # texts -> the graph's int64 inputs, padded and truncated
        self.agreement = agreement  # least cosine to torch's vectors on PROBES, at build time
        self.inputs = [i.name for i in session.get_inputs()]

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Normalised embeddings, row i for text i. The texts are tokenized once, together,
        and run `batch_size` at a time in order of their token counts, each batch cut to its
        own longest text: little padding, whatever the script (a character count says little
        about tokens across languages)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        tokens = self.tokenize(list(texts))
        mask = tokens["attention_mask"]
        lengths = mask.sum(axis=1)
        if not _padded_on_the_right(mask, lengths):  # a left-padding tokenizer: keep its width
            lengths = np.full(len(texts), mask.shape[1])
        order = np.argsort(-lengths, kind="stable")
        rows: list[np.ndarray] = []
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = int(lengths[batch].max())
            feed = {name: tokens[name][batch, :width] for name in self.inputs}
            rows.append(self.session.run(None, feed)[0])
        vectors = np.concatenate(rows).astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result


def _padded_on_the_right(mask: np.ndarray, lengths: np.ndarray) -> bool:
    """Whether every row's tokens come first and its padding after them."""
    return bool(np.array_equal(mask, np.arange(mask.shape[1]) < lengths[:, None]))


def hf_tokenize(tokenizer: Any, max_length: int) -> Tokenize:
    """The loaded model's (transformers) tokenizer as the graph's input."""

    def tokenize(texts: list[str]) -> dict[str, np.ndarray]:
        tokens = tokenizer(
            texts, padding=True, truncation=True, max_length=max_length, return_tensors="np"
        )
        return {name: np.asarray(tokens[name], dtype=np.int64) for name in tokens}

    return tokenize


def open_session(folder: Path) -> Any:
    """An ONNX Runtime session on the graph in `folder` (a complete build)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    return ort.InferenceSession(str(folder / _GRAPH), options, providers=["CPUExecutionProvider"])


def export_agreement(folder: Path) -> float:
    """The agreement with torch that `folder`'s manifest records (0 when there is none)."""
    manifest = _manifest(folder)
    return float(manifest["agreement"]) if manifest is not None else 0.0


def onnx_runner(
    model: "SentenceTransformer", name: str, cache: Path, quantized: bool
) -> OnnxRunner:
    """Open the model's ONNX graph from `cache`, exporting (and quantizing) it the first time."""
    folder = export_folder(model, name, cache, quantized)
    tokenize = hf_tokenize(model.tokenizer, model.max_seq_length or 512)
    return OnnxRunner(open_session(folder), tokenize, export_agreement(folder))


def export_folder(model: "SentenceTransformer", name: str, cache: Path, quantized: bool) -> Path:
    """The folder of the model's (fp32 or int8) graph in `cache`, built the first time."""
    key = export_key(model, name)
    fp32 = _built(cache / f"onnx-{key}", lambda path: _export(model, path), model)
    if not quantized:
        return fp32
    return _built(cache / f"onnx-{key}-int8", lambda path: _quantize(fp32 / _GRAPH, path), model)


def export_key(model: "SentenceTransformer", name: str) -> str:
    """Names the model's export: its name, sequence length and a fingerprint of its weights
    (a strided sample of every tensor), so another model or new weights get a new export."""
    digest = hashlib.sha256(f"{_FORMAT}|{_OPSET}|{name}|{model.max_seq_length}".encode())
    for tensor_name, tensor in model.state_dict().items():
        flat = tensor.detach().reshape(-1)
        sample = flat[:: max(1, flat.numel() // 1024)].float().cpu().numpy()
        digest.update(f"{tensor_name}|{tuple(tensor.shape)}|".encode())
        digest.update(sample.tobytes())
    return digest.hexdigest()[:16]


def _built(folder: Path, build: Callable[[Path], None], model: "SentenceTransformer") -> Path:
    """`folder` as a complete build: reused if its files match its manifest, else built in a
    staging directory (with its agreement with torch measured) and renamed into place."""
    if intact(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder.parent)
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-", dir=folder.parent))
    try:
        graph = staging / _GRAPH
        log.info("exporting the embedding model to ONNX once, into %s", folder)
        with progress.step("onnx-export"):
            build(graph)
            agreement = _agreement(model, graph)
        write_manifest(staging, _MANIFEST, agreement=agreement)
        if intact(folder):  # another process finished the same build meanwhile
            return folder
        if folder.exists():  # damaged or partial: replaced whole
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(staging, folder)
        except OSError:  # another process renamed its complete build first
            if not intact(folder):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def intact(folder: Path) -> bool:
    """Whether `folder` holds a complete build: every file of its manifest (the graph among
    them), checked by index/embedding/manifest.py (sizes on every load, hashes when a time
    changed). An export of an older format, without per-file entries, is rebuilt."""
    manifest = _manifest(folder)
    if manifest is None or not isinstance(manifest["files"], dict):
        return False
    return _GRAPH in manifest["files"] and damage(folder, _MANIFEST) is None


def _manifest(folder: Path) -> dict[str, Any] | None:
    return read_manifest(folder, _MANIFEST, frozenset({"files", "agreement"}))


def _remove_abandoned(parent: Path) -> None:
    """Staging directories of builds whose process is gone (a crash mid-export)."""
    for staging in parent.glob(f"{_STAGING}*"):
        pid = staging.name[len(_STAGING) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _agreement(model: "SentenceTransformer", graph: Path) -> float:
    """The least cosine between torch's vectors and the graph's on a few probe texts."""
    tokenize = hf_tokenize(model.tokenizer, model.max_seq_length or 512)
    runner = OnnxRunner(open_session(graph.parent), tokenize, agreement=0.0)
    reference = np.asarray(
        model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True),
        dtype=np.float32,
    )
    return float(np.min(np.sum(reference * runner.encode(PROBES), axis=1)))


def _export(model: "SentenceTransformer", path: Path) -> None:
    """The graph at `path`, its weights beside it in `_WEIGHTS` (mapped when opened)."""
    import onnx
    import torch

    names = list(model.tokenizer.model_input_names)
    sample = model.tokenizer(
        ["a short sentence", "and a second one"], padding=True, return_tensors="pt"
    )

    class Graph(torch.nn.Module):
        """Tokens in, the model's normalised sentence embedding out."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(names, tensors, strict=True)))["sentence_embedding"]

    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}}
    # The tracer warns about Python branches on shapes; the graph is checked against torch's
    # vectors when built (the manifest's agreement) and by the tests, so these are expected.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Graph().eval(),
            tuple(sample[n] for n in names),
            str(path),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=_OPSET,
            dynamo=False,
        )
    whole = onnx.load(str(path))
    onnx.save_model(
        whole, str(path), save_as_external_data=True, location=_WEIGHTS, size_threshold=1024
    )


def _quantize(source: Path, path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(path), per_channel=True, weight_type=QuantType.QInt8)
