"""The Telegram bot (python-telegram-bot v22): a thin front over the index.

`app` builds the Application (long polling or webhook) and its jobs; `questions`, `admin` and
`subscriptions` are the handlers; `texts` holds every word users read, in four languages;
`html` draws answers as Telegram HTML; `alert_delivery`, `alert_format` and `alert_pacing` send
alerts from the outbox; `services` builds what handlers use, once per process.
"""
