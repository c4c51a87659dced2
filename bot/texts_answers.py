"""The bot's words for written answers, in every language of `bot.texts`."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {},
    "hi": {},
    "vi": {},
    "ru": {},
}
