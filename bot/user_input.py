"""Text from outside (Telegram messages, command arguments, argv) made safe for the core.

A Telegram update is JSON, and JSON can carry lone UTF-16 surrogates ("\\ud800") that no
encoder, tokenizer or database accepts; argv bytes that are not UTF-8 arrive as the same
surrogates (Python's surrogateescape). One user's bytes must never fail work done for others,
so such text is cleaned where it comes in: lone surrogates become U+FFFD, control characters
other than line breaks and tabs become spaces.
"""

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ID = re.compile("#?([0-9]{1,18})")


def clean(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD and control characters by spaces."""
    return _CONTROL.sub(" ", _LONE_SURROGATE.sub("\ufffd", text))


def number(text: str) -> int | None:
    """An id as users type it ("7", "#7"); None for anything else, "²", "٣" or 5,000 digits
    included (ids are SQLite integers: at most 18 digits here)."""
    match = _ID.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def undecodable(text: str) -> bool:
    """True when `text` holds lone surrogates: bytes that were not UTF-8, or a broken string."""
    return _LONE_SURROGATE.search(text) is not None
