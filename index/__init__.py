"""The news index: sources -> articles -> passages -> embeddings -> store -> search.

Nothing here knows about Telegram; `bot/` and the `newsbot` CLI are thin fronts over it.
"""
