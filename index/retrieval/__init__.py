"""Retrieval: from a question to ranked, cited passages.

`search` embeds the question, asks the vector store (and, in hybrid mode, the BM25 `lexical`
index, combined by `fusion`), optionally reranks (`reranker`), folds articles that tell one
story (`story_folding`, `story_groups`) and picks each passage's best sentence (`best_sentence`).
"""
