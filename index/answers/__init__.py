"""Answers: a short written answer citing the passages found (optional, an LLM).

`prompt` builds the request in the question's language, `writer` calls an OpenAI-compatible
server with a timeout and a cache, `citations` checks that the answer cites only what it was given.
"""
