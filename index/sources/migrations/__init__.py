"""The sources' revisions, one history with the store's (index/store/schema.py)."""
