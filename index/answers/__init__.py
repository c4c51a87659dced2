"""Answers: what is made of the passages found for a reader.

`pages` groups them into one block per article (snippets around the best sentence, each
sentence shown once), a page at a time; the rest writes a short answer citing them
(optional, an LLM).

`prompt` builds the request in the question's language, `writer` calls an OpenAI-compatible
server with a timeout and a cache, `citations` checks that the answer cites only what it was given.
"""
