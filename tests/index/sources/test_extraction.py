"""Text, title, date and outlet out of text, Markdown and HTML; clear errors for junk."""

import pytest

from index.errors import ExtractionError
from index.sources.extraction import extract_document
from tests.conftest import HINDI_SEED, VIETNAMESE_SEED


def test_dateline_gives_date_and_outlet():
    doc = extract_document(VIETNAMESE_SEED.read_bytes(), VIETNAMESE_SEED.name)
    assert doc.published == "2025-10-22"
    assert doc.outlet == "VTC News"
    assert doc.title == ""  # its first line is the first sentence, not a headline
    assert not doc.text.startswith("date")


def test_text_whose_first_line_is_a_sentence_has_no_title():
    doc = extract_document(HINDI_SEED.read_bytes(), HINDI_SEED.name)
    assert doc.published is None
    assert doc.title == ""


@pytest.mark.parametrize(
    ("first", "title"),
    [
        (
            "Death toll from Indonesia tsunami rises to 832",
            "Death toll from Indonesia tsunami rises to 832",
        ),
        (
            "Cá mập tấn công chú bé 13 tuổi lặn biển bắt tôm hùm tại California",
            "Cá mập tấn công chú bé 13 tuổi lặn biển bắt tôm hùm tại California",
        ),
        ("The death toll rose to 832 on Sunday.", ""),
        ("राष्ट्रपति ने कहा कि बैठक नहीं होगी।", ""),
        ("word " * 40, ""),  # far too long for a headline
    ],
)
def test_a_short_first_line_without_a_sentence_end_is_the_headline(first: str, title: str):
    body = "The death toll in the tsunami rose on Sunday. Rescuers are still searching."
    doc = extract_document(f"{first}\n{body}\n".encode(), "report.txt")
    assert doc.title == title
    assert doc.text.endswith(body)


def test_markdown_heading_is_the_title():
    doc = extract_document(b"# Summit off\n\nThe summit was dropped.\n", "a.md")
    assert doc.title == "Summit off"


def test_html_goes_through_trafilatura():
    html = (
        "<html><head><title>Summit dropped | Daily</title>"
        '<meta property="article:published_time" content="2025-10-21"></head><body>'
        "<nav>Home | World</nav><article><h1>Summit dropped</h1>"
        + "<p>The White House said there are no plans for a meeting in Budapest soon. </p>" * 5
        + "</article><footer>Copyright</footer></body></html>"
    )
    doc = extract_document(html.encode(), "page.html")
    assert "no plans for a meeting" in doc.text
    assert "Copyright" not in doc.text
    assert doc.title.startswith("Summit dropped")
    assert doc.published == "2025-10-21"


FRENCH = (
    "Le sommet de Budapest entre les présidents américain et russe a été annulé. Selon la "
    "Maison-Blanche, aucune rencontre n'est prévue « dans l'immédiat ». Les ministres des "
    "Affaires étrangères se sont parlé lundi ; la Russie exige que l'Ukraine cède davantage "
    "de territoire. Genève, où l'été fut très chaud, reste une option des diplomates.\n"
)


def test_latin1_text_is_decoded():
    doc = extract_document(FRENCH.encode("latin-1"), "a.txt")
    assert "Genève, où l'été" in doc.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (bytes(range(128, 256)) * 40, "encoding"),
        (b"date 2025-10-22 (VTC News) -\n\n", "no text"),
    ],
)
def test_unusable_bytes_raise_a_clear_error(data, message):
    with pytest.raises(ExtractionError, match=message):
        extract_document(data, "bad.txt")
