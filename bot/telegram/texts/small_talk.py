"""Small talk is not a question: greetings, thanks, "ok" and emoji, the phrases people write
to the bot that are no question, in many languages (the bot answers them with a short friendly
reply and example questions: see bot/telegram/handlers/questions.py).

What counts as small talk (`small_talk_kind`), decided on the whole message:

- a message with no letter or digit at all (emoji, "?", "!!!");
- a known greeting, thanks or acknowledgement, alone or with "bot"/the bot's name and
  punctuation around it: a short list in many languages ("hi", "नमस्ते", "xin chào",
  "привет", "thanks", "спасибо", "ok", "hola", "你好"...), stretched letters folded
  ("hiii", "helloooo").

Anything else is searched, one word included: "Gaza" or "bitcoin" is a fine question. The
reply is in the user's /lang choice, else the greeting's own language when the bot speaks it
("привет" gets Russian), else their Telegram language, else English.
"""

import re
import unicodedata
from typing import Final

GREETING, THANKS, OTHER = "greeting", "thanks", "other"

# phrase -> (kind, the language it is in, when the bot speaks it)
_PHRASES: Final[dict[str, tuple[str, str | None]]] = {
    **{
        p: (GREETING, "en")
        for p in (
            "hi",
            "hello",
            "hey",
            "hiya",
            "howdy",
            "yo",
            "sup",
            "hi there",
            "hello there",
            "hey there",
            "good morning",
            "good afternoon",
            "good evening",
            "good day",
            "morning",
            "greetings",
            "start",
            "whats up",
            "what's up",
            "how are you",
        )
    },
    **{
        p: (THANKS, "en")
        for p in (
            "thanks",
            "thank you",
            "thank you very much",
            "thanks a lot",
            "many thanks",
            "thx",
            "ty",
            "cheers",
            "great thanks",
            "ok thanks",
            "ok thank you",
        )
    },
    **{
        p: (OTHER, "en")
        for p in (
            "ok",
            "okay",
            "k",
            "kk",
            "cool",
            "nice",
            "great",
            "good",
            "fine",
            "yes",
            "no",
            "yep",
            "nope",
            "sure",
            "bye",
            "goodbye",
            "good night",
            "lol",
            "wow",
            "hm",
            "hmm",
            "test",
            "alright",
            "got it",
            "i see",
            "help",
        )
    },
    **{
        p: (GREETING, "hi")
        for p in (
            "नमस्ते",
            "नमस्कार",
            "प्रणाम",
            "राम राम",
            "हाय",
            "हेलो",
            "हैलो",
            "namaste",
            "namaskar",
            "सुप्रभात",
            "शुभ संध्या",
        )
    },
    **{
        p: (THANKS, "hi")
        for p in (
            "धन्यवाद",
            "शुक्रिया",
            "बहुत धन्यवाद",
            "बहुत शुक्रिया",
            "dhanyavad",
            "dhanyawad",
            "shukriya",
        )
    },
    **{p: (OTHER, "hi") for p in ("ठीक है", "अच्छा", "हाँ", "हां", "नहीं", "ओके", "ठीक")},
    **{
        p: (GREETING, "vi")
        for p in (
            "xin chào",
            "chào",
            "chào bạn",
            "chào bot",
            "alo",
            "chào buổi sáng",
            "xin chao",
            "chao",
            "chao ban",
        )
    },
    **{
        p: (THANKS, "vi")
        for p in (
            "cảm ơn",
            "cám ơn",
            "cảm ơn bạn",
            "cám ơn bạn",
            "cảm ơn nhiều",
            "cam on",
            "cảm ơn nha",
        )
    },
    **{p: (OTHER, "vi") for p in ("được", "vâng", "dạ", "ừ", "tạm biệt", "không", "có")},
    **{
        p: (GREETING, "ru")
        for p in (
            "привет",
            "здравствуйте",
            "здравствуй",
            "добрый день",
            "доброе утро",
            "добрый вечер",
            "хай",
            "приветик",
            "салют",
            "здорово",
        )
    },
    **{
        p: (THANKS, "ru")
        for p in (
            "спасибо",
            "спасибо большое",
            "большое спасибо",
            "благодарю",
            "спс",
        )
    },
    **{
        p: (OTHER, "ru")
        for p in (
            "ок",
            "окей",
            "хорошо",
            "понятно",
            "ясно",
            "ага",
            "да",
            "нет",
            "пока",
            "до свидания",
            "ладно",
            "круто",
        )
    },
    # Languages the bot does not speak: the reply is in the user's language.
    **{
        p: (GREETING, None)
        for p in (
            "hola",
            "buenos días",
            "bonjour",
            "salut",
            "hallo",
            "guten tag",
            "moin",
            "servus",
            "ciao",
            "olá",
            "oi",
            "merhaba",
            "selam",
            "hej",
            "hoi",
            "ahoj",
            "cześć",
            "szia",
            "你好",
            "您好",
            "嗨",
            "こんにちは",
            "안녕하세요",
            "안녕",
            "مرحبا",
            "السلام عليكم",
            "سلام",
            "שלום",
            "γεια",
            "γεια σου",
            "привіт",
            "вітаю",
            "salam",
            "halo",
            "sawasdee",
            "สวัสดี",
            "হ্যালো",
            "নমস্কার",
            "வணக்கம்",
            "నమస్తే",
            "ہیلو",
        )
    },
    **{
        p: (THANKS, None)
        for p in (
            "gracias",
            "merci",
            "danke",
            "danke schön",
            "grazie",
            "obrigado",
            "obrigada",
            "teşekkürler",
            "tack",
            "dziękuję",
            "köszönöm",
            "谢谢",
            "謝謝",
            "ありがとう",
            "감사합니다",
            "شكرا",
            "תודה",
            "ευχαριστώ",
            "дякую",
            "terima kasih",
            "ขอบคุณ",
            "ধন্যবাদ",
            "நன்றி",
            "شکریہ",
        )
    },
}
_FILLERS: Final = {"bot", "newsbot", "there", "all", "everyone", "👋", "🙏"}
_STRETCHED = re.compile(r"(\w)\1{2,}")  # "hiii" -> "hi", "helloooo" -> "hello"


def small_talk_kind(text: str, bot_username: str | None = None) -> tuple[str, str | None] | None:
    """(kind, the language of the phrase or None) when `text` is small talk; None when it
    should be searched."""
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return OTHER, None
    words = [
        w
        for w in _words(text)
        if w not in _FILLERS and (bot_username is None or w != bot_username.lower())
    ]
    phrase = " ".join(words)
    found = _PHRASES.get(phrase) or _PHRASES.get(_STRETCHED.sub(r"\1", phrase))
    return found


def _words(text: str) -> list[str]:
    """Lower-case words, without the punctuation, symbols and @mentions around them."""
    text = re.sub(r"@\w+", " ", unicodedata.normalize("NFC", text).casefold())
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" or ch == "'" else " " for ch in text)
    return [w.strip("'") for w in kept.split() if w.strip("'")]
