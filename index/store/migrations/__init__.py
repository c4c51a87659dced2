"""Alembic's environment (env.py) and the store's revisions: index/store/schema.py."""
