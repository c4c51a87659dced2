"""The bot's words for written answers, in every language of `bot.telegram.texts`."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "written_answer": "Short answer, written by a language model from the passages below:",
    },
    "hi": {
        "written_answer": "संक्षिप्त उत्तर, नीचे दिए अंशों से एक भाषा मॉडल द्वारा लिखा गया:",
    },
    "vi": {
        "written_answer": "Trả lời ngắn, do một mô hình ngôn ngữ viết từ các đoạn trích dưới đây:",
    },
    "ru": {
        "written_answer": "Краткий ответ, написанный языковой моделью по отрывкам ниже:",
    },
}
