"""The bot's words for small talk, /start's examples, inline mode and the language note, in
every language of `bot.telegram.texts`.

`example_1` to `example_3` are the questions offered as buttons after a greeting and on
/start; they suit the bundled seed articles (the Budapest summit): a deployment with other
sources may well change them.
"""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "small_talk_greeting": "Hello! 👋 Ask me about the news, in any language. For example:",
        "small_talk_thanks": "You're welcome! Ask me anything else about the news, for example:",
        "small_talk_other": "Ask me a question about the news, in any language. For example:",
        "start_examples": "Try one of these:",
        "example_1": "Why was the Budapest summit dropped?",
        "example_2": "What did the White House say about Trump and Putin?",
        "example_3": "What did Rubio and Lavrov discuss?",
        "and_more": "and {count} more",
        "language_note": "I don't speak {language} yet, so I will answer you in English. "
        "/lang switches me to Hindi, Vietnamese or Russian; articles are always shown in the "
        "language they were written in.",
        "inline_help_title": "Ask about the news",
        "inline_help_description": "Type a question after my name, e.g. {example}",
        "inline_help_text": "Ask me about the news: type <code>@{bot} your question</code> in "
        "any chat, or talk to me directly.",
        "inline_too_long_title": "Your question is too long",
        "inline_too_long_description": "{length} characters; the limit is {limit}.",
        "inline_slow_title": "One moment…",
        "inline_slow_description": "Too many searches in a row: wait a few seconds, then type on.",
        "inline_none_title": "Nothing found",
        "inline_none_description": "Nothing relevant for this question; try other words.",
    },
    "hi": {
        "small_talk_greeting": "नमस्ते! 👋 मुझसे समाचारों के बारे में किसी भी भाषा में पूछिए। जैसे:",
        "small_talk_thanks": "आपका स्वागत है! समाचारों के बारे में कुछ और पूछिए, जैसे:",
        "small_talk_other": "मुझसे समाचारों के बारे में किसी भी भाषा में सवाल पूछिए। जैसे:",
        "start_examples": "इनमें से कोई आज़माइए:",
        "example_1": "बुडापेस्ट शिखर सम्मेलन क्यों रद्द हुआ?",
        "example_2": "व्हाइट हाउस ने ट्रम्प और पुतिन के बारे में क्या कहा?",
        "example_3": "रुबियो और लावरोव ने किस बारे में बात की?",
        "and_more": "और {count} अन्य",
        "language_note": "मैं अभी {language} नहीं बोलता, इसलिए अंग्रेज़ी में उत्तर दूँगा। /lang से "
        "हिन्दी, वियतनामी या रूसी चुनिए।",
        "inline_help_title": "समाचारों के बारे में पूछिए",
        "inline_help_description": "मेरे नाम के बाद सवाल लिखिए, जैसे {example}",
        "inline_help_text": "मुझसे समाचारों के बारे में पूछिए: किसी भी चैट में "
        "<code>@{bot} आपका सवाल</code> लिखिए, या सीधे मुझसे बात कीजिए।",
        "inline_too_long_title": "आपका सवाल बहुत लंबा है",
        "inline_too_long_description": "{length} अक्षर; सीमा {limit} है।",
        "inline_slow_title": "एक क्षण…",
        "inline_slow_description": "लगातार बहुत सारी खोजें: कुछ सेकंड रुकिए, फिर लिखते रहिए।",
        "inline_none_title": "कुछ नहीं मिला",
        "inline_none_description": "इस सवाल के लिए कुछ प्रासंगिक नहीं मिला; दूसरे शब्द आज़माइए।",
    },
    "vi": {
        "small_talk_greeting": "Xin chào! 👋 Hãy hỏi tôi về tin tức, bằng bất kỳ ngôn ngữ nào. "
        "Ví dụ:",
        "small_talk_thanks": "Không có gì! Hãy hỏi tôi thêm về tin tức, ví dụ:",
        "small_talk_other": "Hãy đặt câu hỏi về tin tức, bằng bất kỳ ngôn ngữ nào. Ví dụ:",
        "start_examples": "Hãy thử một câu:",
        "example_1": "Vì sao hội nghị ở Budapest bị hủy?",
        "example_2": "Nhà Trắng nói gì về Trump và Putin?",
        "example_3": "Rubio và Lavrov đã bàn về điều gì?",
        "and_more": "và {count} nguồn khác",
        "language_note": "Tôi chưa nói được {language}, nên sẽ trả lời bằng tiếng Anh. /lang "
        "để chọn tiếng Hindi, tiếng Việt hoặc tiếng Nga.",
        "inline_help_title": "Hỏi về tin tức",
        "inline_help_description": "Gõ câu hỏi sau tên tôi, ví dụ {example}",
        "inline_help_text": "Hãy hỏi tôi về tin tức: gõ <code>@{bot} câu hỏi</code> trong bất "
        "kỳ cuộc trò chuyện nào, hoặc nhắn trực tiếp cho tôi.",
        "inline_too_long_title": "Câu hỏi quá dài",
        "inline_too_long_description": "{length} ký tự; giới hạn là {limit}.",
        "inline_slow_title": "Chờ một chút…",
        "inline_slow_description": "Quá nhiều lượt tìm liên tiếp: đợi vài giây rồi gõ tiếp.",
        "inline_none_title": "Không tìm thấy gì",
        "inline_none_description": "Không có gì liên quan đến câu hỏi này; hãy thử từ khác.",
    },
    "ru": {
        "small_talk_greeting": "Здравствуйте! 👋 Спросите меня о новостях на любом языке. "
        "Например:",
        "small_talk_thanks": "Пожалуйста! Спросите ещё что-нибудь о новостях, например:",
        "small_talk_other": "Задайте вопрос о новостях на любом языке. Например:",
        "start_examples": "Попробуйте один из вопросов:",
        "example_1": "Почему отменили саммит в Будапеште?",
        "example_2": "Что Белый дом сказал о Трампе и Путине?",
        "example_3": "О чём говорили Рубио и Лавров?",
        "and_more": "и ещё {count}",
        "language_note": "Я пока не говорю на языке «{language}», поэтому отвечу по-английски. "
        "/lang переключит меня на хинди, вьетнамский или русский.",
        "inline_help_title": "Спросите о новостях",
        "inline_help_description": "Напишите вопрос после моего имени, например {example}",
        "inline_help_text": "Спросите меня о новостях: напишите <code>@{bot} ваш вопрос</code> "
        "в любом чате или мне напрямую.",
        "inline_too_long_title": "Вопрос слишком длинный",
        "inline_too_long_description": "{length} символов; предел {limit}.",
        "inline_slow_title": "Минутку…",
        "inline_slow_description": "Слишком много поисков подряд: подождите несколько секунд.",
        "inline_none_title": "Ничего не найдено",
        "inline_none_description": "По этому вопросу ничего подходящего; попробуйте другие слова.",
    },
}
