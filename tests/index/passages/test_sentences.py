"""Photo credits never open a best sentence; the caption above a credit is no sentence."""

import pytest

from index.passages.sentences import caption_flags, strip_credit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "ईपीए/शटरस्टॉक/रॉयटर्स व्हाइट हाउस के अधिकारी ने कहा, “सार्थक बातचीत हुई।",
            "व्हाइट हाउस के अधिकारी ने कहा, “सार्थक बातचीत हुई।",
        ),
        ("AFP/Getty Images Trump said so.", "Trump said so."),
        ("EPA/Reuters Officials met.", "Officials met."),
        ("(Photo: Getty) Officials met.", "Officials met."),
        # Not credits: lowercase words, dates, links, a credit line on its own.
        ("and/or we go.", "and/or we go."),
        ("Trump/Putin summit was dropped.", "Trump/Putin summit was dropped."),
        ("On 10/22/2025 they met.", "On 10/22/2025 they met."),
        ("example.org/a says so.", "example.org/a says so."),
        ("EPA/Reuters", "EPA/Reuters"),
    ],
)
def test_a_credit_never_opens_a_sentence(sentence: str, expected: str):
    assert strip_credit(sentence) == expected


def test_the_caption_above_a_glued_credit_is_a_caption():
    sentences = [
        "वाशिंगटन में राष्ट्रपति डोनाल्ड ट्रम्प, 10 अक्टूबर, 2025",
        "ईपीए/शटरस्टॉक/रॉयटर्स व्हाइट हाउस के अधिकारी ने कहा।",
        "क्रेमलिन ने कहा।",
    ]
    assert caption_flags(sentences) == [True, False, False]
