"""The bot's words for answers (pages, feedback, written answers), in every language of
`bot.telegram.texts`."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "written_answer": "Short answer, written by a language model from the passages below:",
        "prev": "‹ Prev",
        "vote_up": "👍",
        "vote_down": "👎",
        "vote_saved": "Thanks, noted.",
        "vote_changed": "Thanks, your vote is changed.",
    },
    "hi": {
        "written_answer": "संक्षिप्त उत्तर, नीचे दिए अंशों से एक भाषा मॉडल द्वारा लिखा गया:",
        "prev": "‹ पिछला",
        "vote_up": "👍",
        "vote_down": "👎",
        "vote_saved": "धन्यवाद, दर्ज कर लिया।",
        "vote_changed": "धन्यवाद, आपका वोट बदल दिया गया।",
    },
    "vi": {
        "written_answer": "Trả lời ngắn, do một mô hình ngôn ngữ viết từ các đoạn trích dưới đây:",
        "prev": "‹ Trước",
        "vote_up": "👍",
        "vote_down": "👎",
        "vote_saved": "Cảm ơn, đã ghi nhận.",
        "vote_changed": "Cảm ơn, đã đổi đánh giá của bạn.",
    },
    "ru": {
        "written_answer": "Краткий ответ, написанный языковой моделью по отрывкам ниже:",
        "prev": "‹ Назад",
        "vote_up": "👍",
        "vote_down": "👎",
        "vote_saved": "Спасибо, учтено.",
        "vote_changed": "Спасибо, ваша оценка изменена.",
    },
}
