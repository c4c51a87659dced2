"""Sentence splitting for every script we meet: "।" in Hindi, "。" in Chinese, "." elsewhere.

sentencex (Wikimedia) knows the terminators and abbreviations of ~250 languages.
"""

import re

from sentencex import segment

_FALLBACK_LANG = "en"


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of `text` in order, stripped, paragraph breaks always ending a sentence."""
    code = lang if lang and lang != "und" else _FALLBACK_LANG
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        try:
            parts = segment(code, paragraph)
        except Exception:  # an unknown code: the generic rules are a fine guess
            parts = segment(_FALLBACK_LANG, paragraph)
        sentences.extend(part.strip() for part in parts if part.strip())
    return sentences


# Photo captions and credits, bylines: text around an article, never what a reader asked about.
_PHOTO_WORDS = (
    r"photo|photos|picture|image|credit|file photo|ảnh|nguồn ảnh|фото|снимок|फोटो|फ़ोटो|तस्वीर|"
    r"चित्र|foto|bild|图|圖|照片"
)
_CREDIT = rf"\((?:[^()]*\b)?(?:{_PHOTO_WORDS})\s*[:/：][^()]*\)"
_CREDIT_AT_END = re.compile(rf"{_CREDIT}\W*$", re.I)
_CREDIT_AT_START = re.compile(rf"^\W*{_CREDIT}", re.I)
_CREDIT_START = re.compile(rf"^[^\w(]*(?:{_PHOTO_WORDS})\s*[:：]", re.I)
_BYLINE = re.compile(
    r"^\W*(?:by|reporting by|writing by|editing by|additional reporting by|bởi|автор|"
    r"текст|रिपोर्ट|लेखक)\s*[:\s]\s*\S",
    re.I,
)
_CONTRIBUTED = re.compile(
    r"contributed (?:reporting )?to this report|contributed to this story|"
    r"इस रिपोर्ट में योगदान|đóng góp cho bài|в подготовке материала (?:приняли|принял)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?।。！？…\"”»]\s*$")
_AGENCIES = frozenset(  # picture agencies, in the scripts we meet
    [
        "afp",
        "ap",
        "epa",
        "reuters",
        "getty",
        "shutterstock",
        "bloomberg",
        "xinhua",
        "ani",
        "pti",
        "tass",
        "ria",
        "sputnik",
        "efe",
        "dpa",
        "anadolu",
        "file",
        "pool",
        "ईपीए",
        "एएफपी",
        "एपी",
        "रॉयटर्स",
        "शटरस्टॉक",
        "गेटी",
        "पीटीआई",
        "एएनआई",
        "рейтер",
        "рейтерс",
        "тасс",
        "риа",
        "афп",
    ]
)
_SLASH_WORD = re.compile(r"^\W*?([^\s/\d.:()]+(?:/[^\s/\d.:()]+)+)(?: Images)?\s+")


def is_caption_or_byline(sentence: str) -> bool:
    """A photo caption or credit ("… (Ảnh: Getty)", "Photo: AP", "EPA/Shutterstock/Reuters")
    or a byline ("By Jane Doe", "… contributed to this report"): never a best sentence."""
    text = sentence.strip()
    if _CREDIT_AT_END.search(text) or _CREDIT_START.match(text):
        return True
    if _CONTRIBUTED.search(text):
        return True
    words = text.split()
    if _BYLINE.match(text) and len(words) <= 8:
        return True
    # A credit line: a few words joined by slashes and no sentence end ("AFP/Getty Images").
    return "/" in text and len(words) <= 4 and not _SENTENCE_END.search(text)


def strip_credit(sentence: str) -> str:
    """The sentence without a photo credit the splitter left at its start: "(Photo: Getty)"
    or a credit line glued to it ("ईपीए/शटरस्टॉक/रॉयटर्स व्हाइट हाउस के अधिकारी ने कहा...")."""
    text = _CREDIT_AT_START.sub("", sentence).strip() or sentence
    credit = _slash_credit(text)
    return text[len(credit) :].strip() if credit else text


def _slash_credit(sentence: str) -> str:
    """A credit line the splitter glued to the start of a sentence: a word of two or more
    names joined by slashes ("EPA/Shutterstock/Reuters"), with text after it; "" if none.
    Not dates or links ("10/22/2025", "example.org/a"), nor lowercase words ("and/or")."""
    match = _SLASH_WORD.match(sentence)
    if not match or not sentence[match.end() :].strip():
        return ""
    parts = match.group(1).split("/")
    if any(part[0].islower() for part in parts):
        return ""
    # Two names may be a subject ("Trump/Putin summit..."): only with a picture agency.
    if len(parts) < 3 and not any(part.casefold() in _AGENCIES for part in parts):
        return ""
    return match.group(0)


def caption_flags(sentences: list[str]) -> list[bool]:
    """Which of a passage's consecutive sentences are captions: `is_caption_or_byline`, and
    a sentence whose credit the splitter put at the start of the next one ("Trump and Putin."
    then "(Photo: Getty) Officials said ...")."""
    flags = [is_caption_or_byline(s) for s in sentences]
    for i in range(1, len(sentences)):
        if _CREDIT_AT_START.match(sentences[i]) or _slash_credit(sentences[i]):
            flags[i - 1] = True
    return flags


def caption_sentences(text: str, lang: str) -> set[str]:
    """Sentences of an article's captions, credits and bylines, found by paragraph: a
    caption paragraph ("Putin and Trump. (Photo: Getty)") or a short one just above a credit
    line ("EPA/Shutterstock/Reuters") is a caption in every sentence."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    found: set[str] = set()
    for i, paragraph in enumerate(paragraphs):
        sentences = split_sentences(paragraph, lang)
        credit = is_caption_or_byline(paragraph)
        above_credit = (
            i + 1 < len(paragraphs)
            and len(paragraph) <= 200
            and "/" in paragraphs[i + 1]
            and is_caption_or_byline(paragraphs[i + 1])
        )
        if credit or above_credit:
            found.update(sentences)
        else:
            found.update(s for s in sentences if is_caption_or_byline(s))
    return found
