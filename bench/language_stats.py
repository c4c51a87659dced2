"""Compute the bundled model's language statistics and ship them with the package.

    python -m bench.language_stats [--write] [--backend torch|onnx]

The per-language means (index/embedding/language_space.py) are a pure function of the model's
weights and the background text, so they ship in index/data/language_statistics.json instead
of costing every first run minutes. Rerun this with --write whenever the bundled model changes
(its weights, its build, its prompts): the test tests/index/embedding/test_language_space.py
fails until the shipped file matches the model. Without --write it prints how far the shipped
means are from a fresh computation. The reference is the model as sentence-transformers runs
it (torch); the ONNX backend's means are within 1e-3 of those (the test's tolerance).
"""

import argparse
import os
import time

import numpy as np

from bot.settings import Settings
from index.embedding.bundled import BUNDLED_NAME, bundled_model_dir, default_cache_dir
from index.embedding.embedder import SentenceTransformerEmbedder, backend_runner
from index.embedding.language_space import (
    SHIPPED_FILE,
    compute_language_space,
    read_shipped,
    shipped_key,
    write_shipped,
)
from index.embedding.profile import profile_for


def bundled_raw_embedder(backend: str) -> SentenceTransformerEmbedder:
    """The bundled model, not centred (what the statistics are computed from)."""
    from sentence_transformers import SentenceTransformer

    cache = Settings(_env_file=None).model_cache_dir or default_cache_dir()
    model = SentenceTransformer(str(bundled_model_dir(cache)), device="cpu", local_files_only=True)
    runner = backend_runner(model, BUNDLED_NAME, backend, cache)
    return SentenceTransformerEmbedder(
        model,
        name=BUNDLED_NAME,
        profile=profile_for(BUNDLED_NAME, {k: v for k, v in model.prompts.items() if v}),
        max_tokens=512,
        runner=runner,
        backend=backend,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {SHIPPED_FILE.name}")
    parser.add_argument("--backend", choices=["torch", "onnx"], default="torch")
    args = parser.parse_args()
    embedder = bundled_raw_embedder(args.backend)
    identity = embedder.identity
    start = time.perf_counter()
    fresh = compute_language_space(identity, embedder.raw_passages, embedder.raw_queries)
    seconds = time.perf_counter() - start
    print(f"{identity}: {len(fresh.langs)} languages in {seconds:.1f} s ({args.backend}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})")  # fmt: skip
    shipped = read_shipped(shipped_key(identity))
    if shipped is None:
        print(f"{SHIPPED_FILE} holds no statistics for this model")
    else:
        for label, ours, theirs in (
            ("passage", fresh.passage_means, shipped.passage_means),
            ("query", fresh.query_means, shipped.query_means),
        ):
            print(f"{label} means: max |fresh - shipped| = {np.abs(ours - theirs).max():.2e}")
    if args.write:
        write_shipped(identity, fresh)
        print(f"wrote {SHIPPED_FILE}")


if __name__ == "__main__":
    main()
