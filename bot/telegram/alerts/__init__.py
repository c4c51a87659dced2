"""Alerts as Telegram messages: sent from the outbox (`delivery`), drawn (`format`), paced to
Telegram's limits (`pacing`).

Imports the core, `bot/telegram/html.py` and `texts`; never the handlers, `chat` or the
services (the services build an `AlertDelivery`).
"""
