"""The bot's own words in English, Hindi, Vietnamese and Russian.

Only the bot's words are translated; passages stay in their original language. Every text is
Telegram HTML: placeholders are filled with values that the caller has already escaped.
"""

from typing import Final

from babel import Locale, UnknownLocaleError

from bot.telegram.texts import answers as texts_answers
from bot.telegram.texts import chat as texts_chat
from bot.telegram.texts import errors as texts_errors
from bot.telegram.texts import sources as texts_sources
from bot.telegram.texts import subscriptions as texts_subscriptions

DEFAULT_LANG: Final = "en"

LANGUAGE_NAMES: Final[dict[str, str]] = {
    "en": "English",
    "hi": "हिन्दी",
    "vi": "Tiếng Việt",
    "ru": "Русский",
}

_CORE_TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "cmd_help": "what I know and how to ask",
        "cmd_ask": "ask a question about the news",
        "cmd_lang": "choose my language",
        "help": (
            "<b>Ask me about the news, in any language.</b>\n"
            "I answer with passages from the articles I have read, each with its source, "
            "date and link, in the language it was written in.\n\n"
            "I know <b>{articles}</b> articles from {sources}, in {languages}.\n\n"
            "In a private chat just write your question. In a group use "
            "<code>/ask your question</code>, mention me, or reply to one of my messages.\n"
            "<code>/subscribe topic</code> alerts you when a new article about it arrives; "
            "<code>/subscribe digest 6h topic</code> sends at most one list every 6 hours. "
            "Each alert has buttons to mute or unsubscribe.\n"
            "/latest lists the newest articles (<code>/latest topic</code>: on a topic).\n"
            "In any chat, type <code>@{bot} question</code> to share an article.\n"
            "/lang chooses the language I speak."
        ),
        "ask_usage": "Usage: <code>/ask your question</code>, e.g. "
        "<code>/ask Why was the Budapest summit dropped?</code>",
        "nearest_only": "No passage answers this closely; the nearest:",
        "nothing_found": "Nothing relevant found for <i>{question}</i>\n"
        "Try other words, or ask about another story.",
        "too_long": "Your question is too long ({length} characters, the limit is {limit}). "
        "Ask it in a sentence or two.",
        "more": "More ›",
        "expired": "This answer has expired: please ask again.",
        "button_expired": "This button no longer works: please send the command again.",
        "page": "Page {page} of {pages}",
        "text_only": "I read text only: send me your question as a message.",
        "lang_usage": "Choose my language: {choices}",
        "lang_set": "I will speak English with you.",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
        "also_in": "Also in:",
        "weak_match": "weaker match",
        "no_sources": "no sources yet",
        "local_files": "local files",
        "no_languages": "no languages yet",
        "unknown_command": "I do not know {command}. /help lists what I can do.",
    },
    "hi": {
        "cmd_help": "मैं क्या जानता हूँ और कैसे पूछें",
        "cmd_ask": "समाचार के बारे में सवाल पूछिए",
        "cmd_lang": "मेरी भाषा चुनिए",
        "help": (
            "<b>मुझसे समाचारों के बारे में किसी भी भाषा में पूछिए।</b>\n"
            "मैं पढ़े हुए लेखों के अंशों से उत्तर देता हूँ, हर अंश के साथ उसका स्रोत, तारीख़ "
            "और लिंक, उसी भाषा में जिसमें वह लिखा गया था।\n\n"
            "मेरे पास {sources} से <b>{articles}</b> लेख हैं, इन भाषाओं में: {languages}।\n\n"
            "निजी चैट में बस अपना सवाल लिखिए। समूह में <code>/ask आपका सवाल</code> लिखिए, "
            "मुझे मेंशन कीजिए, या मेरे किसी संदेश का जवाब दीजिए।\n"
            "<code>/subscribe विषय</code> — उस विषय पर नया लेख आने पर सूचना; "
            "<code>/subscribe digest 6h विषय</code> — हर 6 घंटे में अधिकतम एक सूची। "
            "हर सूचना में म्यूट करने और सदस्यता हटाने के बटन हैं।\n"
            "/latest सबसे नए लेख दिखाता है (<code>/latest विषय</code>: किसी विषय पर)।\n"
            "किसी भी चैट में <code>@{bot} सवाल</code> लिखकर लेख साझा कीजिए।\n"
            "/lang से मेरी भाषा चुनिए।"
        ),
        "ask_usage": "उपयोग: <code>/ask आपका सवाल</code>, जैसे "
        "<code>/ask बुडापेस्ट शिखर सम्मेलन क्यों रद्द हुआ?</code>",
        "nearest_only": "कोई अंश इसका सीधा जवाब नहीं देता; सबसे क़रीबी:",
        "nothing_found": "इसके लिए कुछ प्रासंगिक नहीं मिला: <i>{question}</i>\n"
        "दूसरे शब्दों में पूछिए या किसी और ख़बर के बारे में।",
        "too_long": "आपका सवाल बहुत लंबा है ({length} अक्षर, सीमा {limit} है)। इसे एक-दो वाक्यों में पूछिए।",
        "more": "और ›",
        "expired": "यह उत्तर अब उपलब्ध नहीं है: कृपया फिर से पूछिए।",
        "button_expired": "यह बटन अब काम नहीं करता: कृपया कमांड फिर से भेजिए।",
        "page": "पृष्ठ {page} / {pages}",
        "text_only": "मैं केवल टेक्स्ट पढ़ता हूँ: अपना सवाल संदेश के रूप में भेजिए।",
        "lang_usage": "मेरी भाषा चुनिए: {choices}",
        "lang_set": "मैं आपसे हिन्दी में बात करूँगा।",
        "error": "माफ़ कीजिए, मेरी तरफ़ से कुछ गड़बड़ हो गई। कृपया थोड़ी देर में फिर कोशिश करें।",
        "also_in": "इनमें भी:",
        "weak_match": "कमज़ोर मेल",
        "no_sources": "अभी कोई स्रोत नहीं",
        "local_files": "स्थानीय फ़ाइलें",
        "no_languages": "अभी कोई भाषा नहीं",
        "unknown_command": "मैं {command} नहीं जानता। /help बताता है कि मैं क्या कर सकता हूँ।",
    },
    "vi": {
        "cmd_help": "tôi biết gì và cách hỏi",
        "cmd_ask": "đặt câu hỏi về tin tức",
        "cmd_lang": "chọn ngôn ngữ của tôi",
        "help": (
            "<b>Hãy hỏi tôi về tin tức, bằng bất kỳ ngôn ngữ nào.</b>\n"
            "Tôi trả lời bằng các đoạn trích từ những bài báo đã đọc, kèm nguồn, ngày và "
            "đường dẫn, giữ nguyên ngôn ngữ gốc.\n\n"
            "Tôi biết <b>{articles}</b> bài báo từ {sources}, bằng {languages}.\n\n"
            "Trong trò chuyện riêng, chỉ cần viết câu hỏi. Trong nhóm, dùng "
            "<code>/ask câu hỏi</code>, nhắc đến tôi, hoặc trả lời một tin nhắn của tôi.\n"
            "<code>/subscribe chủ đề</code> để được báo khi có bài mới về chủ đề đó; "
            "<code>/subscribe digest 6h chủ đề</code> gửi tối đa một danh sách mỗi 6 giờ. "
            "Mỗi thông báo có nút tắt tiếng và hủy đăng ký.\n"
            "/latest liệt kê các bài mới nhất (<code>/latest chủ đề</code>: theo chủ đề).\n"
            "Trong bất kỳ cuộc trò chuyện nào, gõ <code>@{bot} câu hỏi</code> để chia sẻ bài.\n"
            "/lang để chọn ngôn ngữ của tôi."
        ),
        "ask_usage": "Cách dùng: <code>/ask câu hỏi của bạn</code>, ví dụ "
        "<code>/ask Vì sao hội nghị ở Budapest bị hủy?</code>",
        "nearest_only": "Không có đoạn nào trả lời sát câu này; gần nhất là:",
        "nothing_found": "Không tìm thấy gì liên quan đến <i>{question}</i>\n"
        "Hãy thử từ khác hoặc hỏi về tin khác.",
        "too_long": "Câu hỏi quá dài ({length} ký tự, giới hạn là {limit}). "
        "Hãy hỏi trong một hai câu.",
        "more": "Xem thêm ›",
        "expired": "Câu trả lời này đã hết hạn: vui lòng hỏi lại.",
        "button_expired": "Nút này không còn dùng được: vui lòng gửi lại lệnh.",
        "page": "Trang {page}/{pages}",
        "text_only": "Tôi chỉ đọc văn bản: hãy gửi câu hỏi dưới dạng tin nhắn.",
        "lang_usage": "Chọn ngôn ngữ của tôi: {choices}",
        "lang_set": "Tôi sẽ nói tiếng Việt với bạn.",
        "error": "Xin lỗi, đã có lỗi ở phía tôi. Vui lòng thử lại sau giây lát.",
        "also_in": "Cũng có trên:",
        "weak_match": "ít sát hơn",
        "no_sources": "chưa có nguồn nào",
        "local_files": "tệp cục bộ",
        "no_languages": "chưa có ngôn ngữ nào",
        "unknown_command": "Tôi không biết lệnh {command}. /help liệt kê những gì tôi làm được.",
    },
    "ru": {
        "cmd_help": "что я знаю и как спрашивать",
        "cmd_ask": "задать вопрос о новостях",
        "cmd_lang": "выбрать мой язык",
        "help": (
            "<b>Спросите меня о новостях на любом языке.</b>\n"
            "Я отвечаю отрывками из прочитанных статей, с источником, датой и ссылкой, "
            "на языке оригинала.\n\n"
            "Статей в индексе: <b>{articles}</b>; источники: {sources}; языки: {languages}.\n\n"
            "В личном чате просто напишите вопрос. В группе используйте "
            "<code>/ask ваш вопрос</code>, упомяните меня или ответьте на моё сообщение.\n"
            "<code>/subscribe тема</code> — оповещение о новой статье на эту тему; "
            "<code>/subscribe digest 6h тема</code> — не чаще одного списка в 6 часов. "
            "Под каждым оповещением есть кнопки «тишина» и «отписаться».\n"
            "/latest — новейшие статьи (<code>/latest тема</code> — по теме).\n"
            "В любом чате напишите <code>@{bot} вопрос</code>, чтобы поделиться статьёй.\n"
            "/lang выбирает язык, на котором я говорю."
        ),
        "ask_usage": "Использование: <code>/ask ваш вопрос</code>, например "
        "<code>/ask Почему отменили саммит в Будапеште?</code>",
        "nearest_only": "Точного ответа нет; ближайшие фрагменты:",
        "nothing_found": "Ничего подходящего не найдено по запросу <i>{question}</i>\n"
        "Попробуйте другие слова или спросите о другой новости.",
        "too_long": "Вопрос слишком длинный ({length} символов, предел {limit}). "
        "Сформулируйте его в одном-двух предложениях.",
        "more": "Ещё ›",
        "expired": "Этот ответ устарел: спросите, пожалуйста, ещё раз.",
        "button_expired": "Эта кнопка больше не работает: отправьте команду ещё раз.",
        "page": "Страница {page} из {pages}",
        "text_only": "Я читаю только текст: пришлите вопрос сообщением.",
        "lang_usage": "Выберите мой язык: {choices}",
        "lang_set": "Я буду говорить с вами по-русски.",
        "error": "Извините, у меня что-то пошло не так. Попробуйте ещё раз чуть позже.",
        "also_in": "Также в:",
        "weak_match": "менее точное совпадение",
        "no_sources": "источников пока нет",
        "local_files": "локальные файлы",
        "no_languages": "языков пока нет",
        "unknown_command": "Я не знаю команды {command}. /help покажет, что я умею.",
    },
}


def _merged(*tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """One table per language from the core texts and each feature's own module."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in tables[0]}
    for table in tables:
        for lang, entries in table.items():
            clashes = merged[lang].keys() & entries.keys()
            if clashes:
                raise ValueError(f"text keys defined twice: {sorted(clashes)}")
            merged[lang].update(entries)
    return merged


# Each feature keeps its words in its own module (bot/telegram/texts/), in the same four languages.
_TEXTS: Final = _merged(
    _CORE_TEXTS,
    texts_sources.TEXTS,
    texts_subscriptions.TEXTS,
    texts_answers.TEXTS,
    texts_chat.TEXTS,
    texts_errors.TEXTS,
)


def supported(lang: str | None) -> str | None:
    """The supported language for a Telegram language code ("pt-br" -> None, "ru-RU" -> ru)."""
    if not lang:
        return None
    code = lang.lower().replace("_", "-").split("-", 1)[0]
    return code if code in _TEXTS else None


def text(lang: str, key: str, **values: object) -> str:
    """The bot's text `key` in `lang` (English when unknown), with `values` filled in."""
    table = _TEXTS.get(lang, _TEXTS[DEFAULT_LANG])
    return table.get(key, _TEXTS[DEFAULT_LANG][key]).format(**values)


def template(lang: str, key: str) -> str:
    """The unfilled text, placeholders and all (for checks that every language has them)."""
    return _TEXTS[lang][key]


def keys(lang: str) -> set[str]:
    return set(_TEXTS[lang])


def languages() -> list[str]:
    return list(_TEXTS)


def language_name(code: str, lang: str) -> str:
    """The name of the language `code` ("de") in `lang` ("German", "जर्मन"); the code itself
    when neither Babel nor our own names know it."""
    try:
        name = Locale.parse(lang).languages.get(code.lower().replace("-", "_").split("_")[0])
    except (UnknownLocaleError, ValueError):
        name = None
    return name or LANGUAGE_NAMES.get(code, code)
