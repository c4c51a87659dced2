"""Passages: an article's text cut into the pieces that are embedded and cited.

`language` detects the language, `sentences` splits sentences in any script, `chunking` joins
sentences into overlapping passages of a bounded size.
"""
