"""Alerts: subscriptions to topics, and the matching of newly indexed articles to them.

`subscriptions` stores topics per chat and the outbox of alerts to deliver exactly once;
`matching` scores new articles against every topic when they are embedded.
"""
