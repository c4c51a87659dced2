"""Offline language detection (py3langid: its model ships inside the wheel)."""

import py3langid

UNKNOWN = "und"


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of `text`, or "und" when there is no text to judge."""
    sample = text.strip()[:5000]
    if not any(ch.isalpha() for ch in sample):
        return UNKNOWN
    lang, _score = py3langid.classify(sample)
    return str(lang)
