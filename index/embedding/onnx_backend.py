"""Run a sentence-transformers model with ONNX Runtime, optionally int8-quantized.

sentence-transformers' own ONNX backend needs optimum-onnx, which (0.1.0) pins transformers
below 4.58, older than the one newsbot runs on. So the model is exported here, once, with
torch.onnx (tokens in, normalised sentence embeddings out: the model's own pooling and
normalisation are in the graph); int8 weights come from ONNX Runtime's dynamic quantization,
per channel. Tokenization stays with the model's tokenizer.

Exports are kept beside the models (NEWSBOT_MODEL_CACHE_DIR), one folder per model identity
(its name, sequence length and a fingerprint of its weights), so every data dir and every test
run shares one export. A folder is built in a staging directory and renamed into place with a
manifest (size and SHA-256 of the graph, and how closely its vectors matched torch's when it
was built; index/embedding/manifest.py, shared with the bundled model); a folder whose graph
does not match its manifest is rebuilt, and a crash mid-export leaves only a staging directory
that nothing trusts (removed by the next build).
"""

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.embedding.manifest import damage, read_manifest, sha256, write_manifest

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

_OPSET = 17
_FORMAT = 1  # bump when the export changes meaning: older folders are then not reused
_GRAPH = "model.onnx"
_MANIFEST = "newsbot-onnx.json"
_STAGING = ".building-onnx-"
# Checked against torch when a graph is built: vectors this close share torch's index.
PROBES = (
    "The Budapest summit between Trump and Putin was dropped.",
    "व्हाइट हाउस ने कहा कि ट्रम्प और पुतिन की मुलाकात की कोई योजना नहीं है।",
    "Giá vàng hôm nay tăng mạnh sau khi ngân hàng trung ương giữ nguyên lãi suất.",
    "短",
)


class OnnxRunner:
    """Encodes texts with an ONNX session; the same vectors (or near) as the torch model."""

    def __init__(self, session: Any, tokenizer: Any, max_length: int, agreement: float) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.agreement = agreement  # least cosine to torch's vectors on PROBES, at build time
        self.inputs = [i.name for i in session.get_inputs()]

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Normalised embeddings; longest texts batched together to waste little padding."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), 0), dtype=np.float32)
        rows: list[np.ndarray] = []
        for start in range(0, len(order), batch_size):
            batch = [texts[i] for i in order[start : start + batch_size]]
            tokens = self.tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="np",
            )
            feed = {name: tokens[name].astype(np.int64) for name in self.inputs}
            rows.append(self.session.run(None, feed)[0])
        if not rows:
            return out
        vectors = np.concatenate(rows).astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result


def onnx_runner(
    model: "SentenceTransformer", name: str, cache: Path, quantized: bool
) -> OnnxRunner:
    """Open the model's ONNX graph from `cache`, exporting (and quantizing) it the first time."""
    import onnxruntime as ort

    key = export_key(model, name)
    fp32 = _built(cache / f"onnx-{key}", lambda path: _export(model, path), model)
    folder = fp32
    if quantized:
        folder = _built(
            cache / f"onnx-{key}-int8", lambda path: _quantize(fp32 / _GRAPH, path), model
        )
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(
        str(folder / _GRAPH), options, providers=["CPUExecutionProvider"]
    )
    manifest = _manifest(folder)
    assert manifest is not None  # _built returns only folders that have one
    return OnnxRunner(
        session, model.tokenizer, model.max_seq_length or 512, float(manifest["agreement"])
    )


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
    """`folder` as a complete build: reused if its graph matches its manifest, else built in a
    staging directory (with its agreement with torch measured) and renamed into place."""
    if _intact(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder.parent)
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-", dir=folder.parent))
    try:
        graph = staging / _GRAPH
        log.warning("exporting the embedding model to ONNX once, into %s", folder)
        build(graph)
        agreement = _agreement(model, graph)
        manifest = write_manifest(staging, _MANIFEST, agreement=agreement)
        # The graph's size and hash also at the top, as manifests before per-file ones had
        # them: a cache shared with an older newsbot stays valid for both.
        graph_entry = manifest["files"][_GRAPH]
        manifest |= {"size": graph_entry["size"], "sha256": graph_entry["sha256"]}
        (staging / _MANIFEST).write_text(json.dumps(manifest, indent=1))
        if _intact(folder):  # another process finished the same build meanwhile
            return folder
        if folder.exists():  # damaged or partial: replaced whole
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(staging, folder)
        except OSError:  # another process renamed its complete build first
            if not _intact(folder):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _intact(folder: Path) -> bool:
    """The graph matches its manifest (index/embedding/manifest.py: sizes on every load,
    hashes when a time changed); an older manifest, without per-file entries, is hashed."""
    manifest = _manifest(folder)
    if manifest is None:
        return False
    if "files" in manifest:
        return damage(folder, _MANIFEST) is None
    graph = folder / _GRAPH
    try:
        return graph.stat().st_size == manifest["size"] and sha256(graph) == manifest["sha256"]
    except OSError:
        return False


def _manifest(folder: Path) -> dict[str, Any] | None:
    return read_manifest(folder, _MANIFEST, frozenset({"size", "sha256", "agreement"}))


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
    import onnxruntime as ort

    session = ort.InferenceSession(str(graph), providers=["CPUExecutionProvider"])
    runner = OnnxRunner(session, model.tokenizer, model.max_seq_length or 512, agreement=0.0)
    reference = np.asarray(
        model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True),
        dtype=np.float32,
    )
    return float(np.min(np.sum(reference * runner.encode(PROBES), axis=1)))


def _export(model: "SentenceTransformer", path: Path) -> None:
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


def _quantize(source: Path, path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(path), per_channel=True, weight_type=QuantType.QInt8)
