"""Small talk is not a question: greetings, thanks, "ok" and emoji get a short friendly reply
with example questions as buttons (pressing one asks it); /start shows the same examples.

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

import asyncio
import re
import unicodedata
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.telegram import texts
from bot.telegram.context import BotContext
from bot.telegram.html import escape
from bot.telegram.questions import (
    addressed_question,
    answer,
    group_question,
    help_command,
    private_question,
    unknown_callback,
)
from bot.telegram.replies import reply

GREETING, THANKS, OTHER = "greeting", "thanks", "other"
EXAMPLE_KEYS: Final = ("example_1", "example_2", "example_3")  # in bot/telegram/texts/chat.py

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


async def private_message(update: Update, context: BotContext) -> None:
    """Any text in a private chat: small talk gets its reply, anything else is a question."""
    message = update.effective_message
    assert message is not None
    if not await small_talk(update, context, message.text or ""):
        await private_question(update, context)


async def group_message(update: Update, context: BotContext) -> None:
    """A group message that mentions the bot or replies to it: the same, for what it says."""
    message = update.effective_message
    assert message is not None
    said = addressed_question(message, context.bot.id, context.bot.username)
    if said is None or not await small_talk(update, context, said):
        await group_question(update, context)


async def small_talk(update: Update, context: BotContext, text: str) -> bool:
    """Reply to `text` if it is small talk (and say so with True); False: search it."""
    found = small_talk_kind(text, context.bot.username)
    if found is None:
        return False
    kind, phrase_lang = found
    lang = await _reply_lang(update, context, phrase_lang)
    await reply(update, context, texts.text(lang, f"small_talk_{kind}"), examples_markup(lang))
    return True


async def start_command(update: Update, context: BotContext) -> None:
    """/start: what /help says, then the example questions as buttons."""
    await help_command(update, context)
    lang = await _reply_lang(update, context, None)
    await reply(update, context, texts.text(lang, "start_examples"), examples_markup(lang))


async def example_callback(update: Update, context: BotContext) -> None:
    """An example question's button: ask it, as if the user had written it."""
    query = update.callback_query
    assert query is not None
    parsed = _EXAMPLE_DATA.fullmatch(query.data or "")
    lang = texts.supported(parsed.group(1)) if parsed else None
    if parsed is None or lang is None or int(parsed.group(2)) >= len(EXAMPLE_KEYS):
        await unknown_callback(update, context)
        return
    await query.answer()
    question = texts.text(lang, EXAMPLE_KEYS[int(parsed.group(2))])
    await reply(update, context, f"❓ <b>{escape(question)}</b>")  # what the answer answers
    await answer(update, context, question)


_EXAMPLE_DATA = re.compile(r"ask:([a-z]{2}):([0-9])")  # see examples_markup


def examples_markup(lang: str) -> InlineKeyboardMarkup:
    """One button per example question, one per row (they are sentences)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.text(lang, key), callback_data=f"ask:{lang}:{i}")]
            for i, key in enumerate(EXAMPLE_KEYS)
        ]
    )


async def _reply_lang(update: Update, context: BotContext, phrase_lang: str | None) -> str:
    """The /lang choice, else the phrase's language if the bot speaks it, else Telegram's."""
    user = update.effective_user
    chosen = None
    if user is not None:
        chosen = await asyncio.to_thread(context.services.prefs.language, user.id)
    return (
        chosen
        or texts.supported(phrase_lang)
        or texts.supported(user.language_code if user else None)
        or texts.DEFAULT_LANG
    )
