"""The bot's words for subscriptions and alerts, in every language of `bot.texts`."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {},
    "hi": {},
    "vi": {},
    "ru": {},
}
