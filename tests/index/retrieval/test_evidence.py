"""Names and numbers of a question, checked by words in any script."""

import numpy as np
import pytest

from index.retrieval.evidence import (
    IGNORED_NAME,
    ignores_a_name,
    name_terms,
    named_passages,
    numbers,
    stated_names,
    without,
)
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


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Was haben Trump und Putin in Helsinki vereinbart?", ["Trump", "Putin", "Helsinki"]),
        (
            "Quand Mike Pompeo doit-il se rendre en Corée du Nord ?",
            ["Mike Pompeo", "Corée", "Nord"],
        ),
        ("How is Max Scherzer's season going?", ["Max Scherzer's"]),
        ("Wie viele Häuser in Rheinland-Pfalz?", ["Häuser", "Rheinland-Pfalz"]),
        ("Who won in 2022 in the United States?", ["United States"]),  # not the first "Who"
        ("Is the EU in?", []),  # no word of 4 letters: too often something else
        ("Peskov", []),  # a name alone is the question, not a detail of it
        ("Что сказал Песков о встрече?", ["Песков"]),
        ("莱德杯最后一天开赛前，欧洲队领先几分？", []),  # no capitals, no stated names
    ],
)
def test_stated_names_are_runs_of_capitalised_words_past_the_first(question: str, names: list[str]):
    assert stated_names(question) == names


def test_a_name_is_left_out_of_the_question():
    assert without("What did Trump agree in Helsinki?", "Helsinki") == "What did Trump agree in ?"


def test_a_story_ignores_a_name_when_the_question_matches_it_better_without_it():
    story = np.eye(3, dtype=np.float32)[:2]  # two passages
    query = np.array([0.6, 0.0, 0.8], dtype=np.float32)  # best match 0.6
    closer = np.array([[0.6 + 2 * IGNORED_NAME, 0, 0.7]], dtype=np.float32)
    farther = np.array([[0.4, 0.0, 0.9]], dtype=np.float32)
    assert ignores_a_name(story, query, closer)  # the name drew the question away from it
    assert not ignores_a_name(story, query, farther)  # the name is what matched it
    assert not ignores_a_name(story, query, np.vstack([farther, farther]))
    assert ignores_a_name(story, query, np.vstack([farther, closer]))  # any one name
    assert not ignores_a_name(story, query, np.zeros((0, 3), dtype=np.float32))
