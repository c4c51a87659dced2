"""Errors as the Telegram user reads them: a text in their language, chosen by error code.

The core's errors (index/errors.py) carry a code and values; their English messages are for
logs and the command line. Here each code maps to a text key; a code without a text falls back
to its class's ancestors' codes, then to the generic "something went wrong". Values are
escaped for Telegram HTML. No message, traceback or raw English reaches a chat from here.
"""

from html import escape

from bot.telegram import texts
from index.errors import NewsbotError

# Codes whose words live under an older, feature-specific key.
_KEYS = {
    "question_empty": "ask_usage",
    "question_too_long": "too_long",
    "source_missing": "source_missing",
    "topic_too_long": "subscribe_too_long",
    "too_many": "subscribe_too_many",
    "duplicate": "subscribe_duplicate",
    "missing": "unsubscribe_missing",
    "bad_period": "subscribe_bad_period",
    "model_unavailable": "error_store_unavailable",
    "database_damaged": "error_store_unavailable",
    "database_unavailable": "error_store_unavailable",
    "error": "error",
}


def error_text(lang: str, exc: BaseException) -> str:
    """The user's text for `exc`, in `lang`; the generic one for anything unforeseen."""
    if isinstance(exc, NewsbotError):
        values = {k: escape(v) if isinstance(v, str) else v for k, v in exc.values.items()}
        for code in exc.codes():
            key = _KEYS.get(code, f"error_{code}")
            if key not in texts.keys(texts.DEFAULT_LANG):
                continue
            try:
                return texts.text(lang, key, **values)
            except (KeyError, IndexError, ValueError):  # the text needs a value this one lacks
                continue
    return texts.text(lang, "error")
