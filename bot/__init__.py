"""The fronts of newsbot: the Telegram bot and the `newsbot` command line."""
