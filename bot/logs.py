"""Logging, configured once in `main` (the CLI's, then `newsbot run`'s), never the bot token.

One handler on the root logger, with a level: libraries that set their own loggers to DEBUG
(bm25s does, at import) are still held to it. The handler writes to whatever `sys.stderr` is
when a line is logged, as `logging.lastResort` does, so code that swaps stderr (a test runner)
never leaves it writing to a closed stream.
"""

import logging
import sys
from typing import TextIO

REDACTED = "<token>"
CLI_FORMAT = "newsbot: %(levelname)s %(message)s"
BOT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str, token: str) -> str:
    """`text` with every occurrence of the bot token replaced."""
    return text.replace(token, REDACTED) if token else text


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a log line (URLs, error texts)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, REDACTED)
            record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, REDACTED)
        if record.stack_info and self.token in record.stack_info:
            record.stack_info = record.stack_info.replace(self.token, REDACTED)
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


def configure_logging(level: str, token: str = "", fmt: str = CLI_FORMAT) -> None:
    """Root: one stderr handler at `level`, redacting `token`; replaces any earlier set-up."""
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter(fmt))
    handler.setLevel(level.upper())
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet_library_logs()
