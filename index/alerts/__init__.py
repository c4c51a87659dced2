"""Alerts: subscriptions to topics, the outbox, and matching newly indexed articles to them.

`subscriptions` stores topics per chat; `outbox` the alerts to deliver exactly once and the
articles still to match; `tables` declares their tables and `migrations/` their revisions
(index/store/schema.py); `matching` scores new articles against every topic when they are
embedded.
"""
