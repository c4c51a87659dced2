"""Run a sentence-transformers model with ONNX Runtime, optionally int8-quantized.

sentence-transformers' own ONNX backend needs optimum-onnx, which (0.1.0) pins transformers
below 4.58, older than the one newsbot runs on. So the model is exported here, once, with
torch.onnx (tokens in, normalised sentence embeddings out: the model's own pooling and
normalisation are in the graph), and cached in the data dir; int8 weights come from ONNX
Runtime's dynamic quantization, per channel. Tokenization stays with the model's tokenizer.
"""

import hashlib
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

_OPSET = 17


class OnnxRunner:
    """Encodes texts with an ONNX session; the same vectors (or near) as the torch model."""

    def __init__(self, session: Any, tokenizer: Any, max_length: int) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.max_length = max_length
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
    """Export (first time only) and open the model's ONNX graph from `cache`."""
    import onnxruntime as ort

    folder = cache / hashlib.sha1(f"{name}|{model.max_seq_length}".encode()).hexdigest()[:16]
    path = _exported(model, folder)
    if quantized:
        path = _quantized(path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return OnnxRunner(session, model.tokenizer, model.max_seq_length or 512)


def _exported(model: "SentenceTransformer", folder: Path) -> Path:
    path = folder / "model.onnx"
    if path.exists():
        return path
    import torch

    folder.mkdir(parents=True, exist_ok=True)
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
    partial = path.with_suffix(".partial")
    log.warning("exporting %s to ONNX once, into %s", path.parent.name, folder)
    # The tracer warns about Python branches on shapes; the graph is checked against torch's
    # vectors at several lengths by the tests, so these warnings are expected.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Graph().eval(),
            tuple(sample[n] for n in names),
            str(partial),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=_OPSET,
            dynamo=False,
        )
    partial.replace(path)  # a crash mid-export leaves no half file under the real name
    return path


def _quantized(source: Path) -> Path:
    path = source.with_name("model-int8.onnx")
    if path.exists():
        return path
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = path.with_suffix(".partial")
    quantize_dynamic(str(source), str(partial), per_channel=True, weight_type=QuantType.QInt8)
    partial.replace(path)
    return path
