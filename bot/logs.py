"""Logging, configured once in `main` (the CLI's, then `newsbot run`'s), never a secret.

Neither the bot token nor a password written in a URL (`http://user:password@host/`) reaches
a log line, whatever logged it: at DEBUG, python-telegram-bot logs every update it receives,
so an admin's `/addsource` with a password in it would otherwise be written to the log.

One handler on the root logger, with a level: libraries that set their own loggers to DEBUG
(bm25s does, at import) are still held to it. The handler writes to whatever `sys.stderr` is
when a line is logged, as `logging.lastResort` does, so code that swaps stderr (a test runner)
never leaves it writing to a closed stream.
"""

import logging
import sys
from typing import TextIO

from index.sources.url_policy import without_userinfo

REDACTED = "<token>"
CLI_FORMAT = "newsbot: %(levelname)s %(message)s"
BOT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str, token: str) -> str:
    """`text` with every occurrence of the bot token replaced."""
    return text.replace(token, REDACTED) if token else text


class RedactSecrets(logging.Filter):
    """Replace the bot token, and drop the userinfo of any URL, wherever they would appear in
    a log line (URLs, error texts, tracebacks)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def _clean(self, text: str) -> str:
        return without_userinfo(redact(text, self.token))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


class StderrHandler(logging.StreamHandler):
    """A stream handler bound to the current `sys.stderr`, not to the one at set-up."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always the current sys.stderr


def quiet_library_logs() -> None:
    """httpx logs every request URL at INFO, and Bot API URLs contain the token; apscheduler
    logs each job it adds."""
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def stderr_handler(level: str, token: str = "", fmt: str = CLI_FORMAT) -> logging.Handler:
    """The one handler: stderr, at `level`, in `fmt`, without secrets."""
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter(fmt))
    handler.setLevel(level.upper())
    handler.addFilter(RedactSecrets(token))
    return handler


def configure_logging(level: str, token: str = "", fmt: str = CLI_FORMAT) -> None:
    """Root: one stderr handler at `level`, redacting secrets; replaces any earlier set-up."""
    root = logging.getLogger()
    root.handlers[:] = [stderr_handler(level, token, fmt)]
    root.setLevel(level.upper())
    quiet_library_logs()
