"""How OnnxRunner batches (index/embedding/onnx_backend.py): by token count, each batch cut to
its own longest text, rows back in the order given. A real ONNX Runtime session on a small
graph that reports what it was fed: per row, the width of its batch, its own token count and
its first token."""

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from index.embedding.onnx_backend import OnnxRunner


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A graph whose embedding of a row is (1, batch width, its tokens, its first token id),
    so the runner's normalisation is undone by dividing by the first component."""
    import onnxruntime as ort

    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])
    out = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", 4])
    nodes = [
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["input_ids"], ["i"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["i", "zero"], ["i0"]),
        helper.make_node("Add", ["i0", "one"], ["ones"]),  # a 1 per column, padding or not
        helper.make_node("ReduceMax", ["ones"], ["unit"], axes=[1], keepdims=1),
        helper.make_node("ReduceSum", ["ones", "axis"], ["width"], keepdims=1),
        helper.make_node("ReduceSum", ["m", "axis"], ["length"], keepdims=1),
        helper.make_node("Slice", ["i", "start", "stop", "axis"], ["first"]),
        helper.make_node("Concat", ["unit", "width", "length", "first"], ["embedding"], axis=1),
    ]
    constants = [
        helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
        helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
        helper.make_tensor("axis", TensorProto.INT64, [1], [1]),
        helper.make_tensor("start", TensorProto.INT64, [1], [0]),
        helper.make_tensor("stop", TensorProto.INT64, [1], [1]),
    ]
    graph = helper.make_graph(nodes, "probe", [ids, mask], [out], initializer=constants)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path: Path = tmp_path_factory.mktemp("graph") / "probe.onnx"
    onnx.save(model, str(path))
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def words(texts: list[str]) -> dict[str, np.ndarray]:
    """One token a word (its length as id), padded on the right to the call's longest text."""
    tokens = [[len(word) for word in text.split()] for text in texts]
    width = max(map(len, tokens))
    ids = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, seq in enumerate(tokens):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def fed(runner: OnnxRunner, texts: list[str], batch_size: int) -> np.ndarray:
    """Per row of the result: (batch width, tokens, first token id) that the graph saw."""
    vectors = runner.encode(texts, batch_size=batch_size)
    return np.rint(vectors[:, 1:] / vectors[:, :1]).astype(int)


# Characters and tokens disagree: the longest text in characters is one token.
TEXTS = [
    "a" * 60,  # 1 token, 60 characters
    "one two three four five",  # 5 tokens
    "xx y z w",  # 4 tokens
    "bbb",  # 1 token
    "pppp q r s t u v",  # 7 tokens
    "mmmmm n",  # 2 tokens
]
TOKENS = [1, 5, 4, 1, 7, 2]
FIRST = [60, 3, 2, 3, 4, 5]


def test_batches_by_token_count_each_cut_to_its_longest_text(session: Any):
    runner = OnnxRunner(session, words, agreement=1.0)
    widths = fed(runner, TEXTS, batch_size=2)[:, 0]
    # By tokens: (7, 5), (4, 2), (1, 1); each row is as wide as its pair's longest text.
    assert widths.tolist() == [1, 7, 4, 1, 7, 4]


@pytest.mark.parametrize("batch_size", [1, 2, 4, 32])
def test_rows_come_back_in_the_order_given(session: Any, batch_size: int):
    runner = OnnxRunner(session, words, agreement=1.0)
    seen = fed(runner, TEXTS, batch_size)
    assert seen[:, 1].tolist() == TOKENS
    assert seen[:, 2].tolist() == FIRST
    assert np.all(seen[:, 0] >= TOKENS)
    if batch_size == 1:
        assert seen[:, 0].tolist() == TOKENS  # alone, no padding at all


def test_no_texts_no_rows(session: Any):
    assert OnnxRunner(session, words, agreement=1.0).encode([]).shape == (0, 0)
