"""The bot's handlers, side by side, one module per command or concern (as PTB's examples):

`questions` (a question in any form, its pages, small talk, example buttons), `help` (/start,
/help), `lang` (/lang), `votes` (👍/👎), `latest` (/latest), `inline` (@bot question),
`subscriptions` (/subscribe..., alert buttons, the delivery job), `admin` (sources, /reindex,
the polling job), `language_note` (before every handler) and `errors` (`on_error`).

Each is `async def handler(update, context) -> None`: parse, call the core off the event loop,
reply. What they share is in `bot/telegram/chat.py`; a handler module never imports another.
They are wired in `bot/telegram/app.py`.
"""
