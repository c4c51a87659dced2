"""The Telegram bot (python-telegram-bot v22): a thin front over the index.

From the top down (a module imports only what is below it):

- `app`: the Application (long polling or webhook), its handlers and jobs, wired in one place;
- `handlers/`: one module per command or concern, side by side, never importing each other;
- `chat`: what the handlers share (replies, the reader's language, error texts);
- `context` and `services`: the typed per-process state handlers reach as `context.services`;
- `alerts/`: alerts from the outbox (delivery, format, pacing);
- `html`, `answer_cache`, `inline_cache`, `chat_prefs`, `fairness`, `progress`: the pieces;
- `texts/`: every word users read, in four languages, and the phrase tables of small talk.
"""
