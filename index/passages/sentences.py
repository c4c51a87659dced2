"""Sentence splitting for every script we meet: "।" in Hindi, "。" in Chinese, "." elsewhere.

sentencex (Wikimedia) knows the terminators and abbreviations of ~250 languages.
"""

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
