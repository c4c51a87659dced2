"""The chat preferences' revisions (bot/telegram/chat_prefs.py), a history of their own."""
