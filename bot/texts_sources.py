"""The bot's words for sources, reindexing and admin commands, in every language of `bot.texts`."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {},
    "hi": {},
    "vi": {},
    "ru": {},
}
