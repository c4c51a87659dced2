"""Names and numbers of a question, checked by words in any script."""

import pytest

from index.retrieval.evidence import name_terms, named_passages, numbers
from index.retrieval.lexical import LexicalIndex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("who won the 2022 world cup?", {"2022"}),
        ("२०२२ विश्व कप किसने जीता?", {"2022"}),  # Devanagari digits
        ("khoảng 75% Donetsk, ngày 23/10", {"75", "23", "10"}),
        ("3 killed", set()),  # one digit says too little
        ("no numbers", set()),
    ],
)
def test_numbers_are_read_in_any_script(text: str, expected: set[str]):
    assert numbers(text) == expected


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Peskov", ["peskov"]),
        ("पेस्कोव", ["पेस्कोव"]),
        ("What did Peskov say?", ["peskov"]),  # the first word's capital says nothing
        ("Why was the Budapest summit dropped?", ["budapest"]),
        ("why was the summit dropped?", []),
        ("2022", []),
    ],
)
def test_names_are_capitalised_words_or_a_short_question(question: str, names: list[str]):
    assert [tokens[0] for tokens in name_terms(question)] == names


def test_a_rare_name_is_found_in_any_script_a_common_word_is_not():
    texts = ["Ông Peskov cho biết", "Песков заявил", "पेस्कोव ने कहा"] + [
        f"Putin said thing {n}" for n in range(10)
    ]
    index = LexicalIndex([str(n) for n in range(len(texts))], texts, transliterate=True)
    assert named_passages("Peskov", index) == {"0", "1", "2"}
    assert named_passages("Что сказал Песков?", index) == {"0", "1", "2"}
    assert named_passages("What did Putin say?", index) == set()  # in every passage: not rare
