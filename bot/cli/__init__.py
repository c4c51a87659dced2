"""The `newsbot` command line: every capability of the bot, without Telegram.

`main` is the typer app; one module per command group (`sources`, `subscriptions`, `data`,
`evaluation`); `common` holds the consoles, settings loading and error reporting;
`answer_text` draws an answer for the terminal and as JSON.
"""
