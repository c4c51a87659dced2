"""Embedding backends side by side: speed, and whether they rank like torch fp32.

For each backend (torch, onnx, onnx-int8; and which one `auto`, the default, runs): passages
embedded per second on NTREX news sentences, and the top-5 agreement with torch fp32 (how
many of torch's top 5 the backend also ranks in its top 5, averaged) for the XQuAD-R
questions against their pooled sentences.

    python -m bench.embedding_backends [--langs en,vi] [--limit 100] [--passages 400]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.corpus import NTREX
from bench.xquad_r import load_pool
from bot.settings import Settings
from index.embedding.embedder import load_embedder

XQUAD = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "xquad-r"
BACKENDS = ("torch", "onnx", "onnx-int8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--langs", default="en,vi")
    parser.add_argument("--limit", type=int, default=100, help="XQuAD-R questions per language")
    parser.add_argument("--passages", type=int, default=400, help="NTREX sentences to time")
    args = parser.parse_args(argv)
    lines = (NTREX / "newstest2019-ref.vie.txt").read_text(encoding="utf-8").splitlines()
    english = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    half = args.passages // 2
    passages = english[:half] + lines[:half]
    pool = load_pool(XQUAD, args.langs.split(","), args.limit)
    sentences = [s.text for s in pool.sentences]
    questions = [q.text for q in pool.questions]
    with tempfile.TemporaryDirectory() as data:
        base = Settings(data_dir=Path(data))
        ranks: dict[str, np.ndarray] = {}
        print(f"cpus: {os.cpu_count()}  questions: {len(questions)}  pool: {len(sentences)}")
        default = load_embedder(base.embedding).backend
        print(f"the default backend (auto) runs this model as: {default}")
        for backend in BACKENDS:
            model = load_embedder(base.model_copy(update={"embedding_backend": backend}).embedding)
            if backend == "torch":
                print(f"model: {model.name}")
            model.embed_passages(passages[:8])  # warm up
            start = time.perf_counter()
            model.embed_passages(passages)
            speed = len(passages) / (time.perf_counter() - start)
            scores = model.embed_queries(questions) @ model.embed_passages(sentences).T
            ranks[backend] = np.argsort(-scores, axis=1)[:, :5]
            agreement = np.mean(
                [
                    len(set(a) & set(b)) / 5
                    for a, b in zip(ranks["torch"], ranks[backend], strict=True)
                ]
            )
            print(
                f"{backend:10} {speed:7.1f} passages/s   top-5 agreement with torch {agreement:.3f}"
                f"   (ran as {model.backend})"
            )


if __name__ == "__main__":
    main()
