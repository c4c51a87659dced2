"""BM25 tokenizer across scripts, and names matched across scripts by transliteration."""

import subprocess
import sys

import pytest

from index.news_index import NewsIndex
from index.retrieval.lexical import LexicalIndex, consonant_skeleton, tokenize
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ट्रम्प ने कहा।", ["ट्रम्प", "ने", "कहा"]),  # vowel signs and virama stay in the word
        ("Tổng thống Nga, Putin!", ["tổng", "thống", "nga", "putin"]),
        ("白宫官员", ["白宫", "宫官", "官员"]),
        ("Rubio's 75% Donetsk", ["rubio", "s", "75", "donetsk"]),
    ],
)
def test_tokenizer_keeps_words_of_every_script(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("native", "latin"),
    [("ट्रम्प", "Trump"), ("बुडापेस्ट", "Budapest"), ("पुतिन", "Putin"), ("डोनेट्स्क", "Donetsk")],
)
def test_names_share_a_skeleton_across_scripts(native, latin):
    assert consonant_skeleton(native) == consonant_skeleton(latin)


def test_transliteration_lets_an_english_name_find_a_hindi_passage():
    texts = ["ट्रम्प और पुतिन बुडापेस्ट में मिलेंगे", "सोने की कीमत बढ़ी", "मौसम अच्छा है"]
    plain = LexicalIndex(["a", "b", "c"], texts, transliterate=False)
    bridged = LexicalIndex(["a", "b", "c"], texts, transliterate=True)
    assert plain.search("Trump Putin Budapest", 3) == []
    assert [pid for pid, _ in bridged.search("Trump Putin Budapest", 3)] == ["a"]


def test_lexical_mode_finds_the_exact_term(fake_index: NewsIndex, seeds_copy):
    fake_index.index_paths([seeds_copy])
    fake_index.searcher.mode = "lexical"
    answer = fake_index.ask("Luhansk", k=3, candidates=True)
    assert answer.candidates and "Luhansk" in answer.candidates[0].passage.text


def test_lexical_index_follows_changes(fake_index: NewsIndex, seeds_copy):
    fake_index.index_paths([seeds_copy])
    fake_index.searcher.mode = "lexical"
    before = fake_index.ask("zanzibar", k=3, candidates=True).candidates
    assert not any("Zanzibar" in c.passage.text for c in before)
    (seeds_copy / "new.txt").write_text("Zanzibar holds an election today.", encoding="utf-8")
    fake_index.index_paths([seeds_copy])
    assert "Zanzibar" in fake_index.ask("zanzibar", k=3, candidates=True).candidates[0].passage.text


def test_lexical_mode_falls_back_on_dense_when_no_word_is_shared(fake_index: NewsIndex, seeds_copy):
    fake_index.index_paths([seeds_copy])
    fake_index.searcher.mode = "lexical"
    assert fake_index.searcher.lexical_index().search("qqqq", 5) == []
    assert fake_index.ask("qqqq", k=3, candidates=True).candidates  # dense still ranks something


def test_an_index_without_bm25_finds_the_same_documents_and_refuses_to_rank():
    texts = ["ट्रम्प और पुतिन बुडापेस्ट में मिलेंगे", "Gold prices rose", "Trump spoke"]
    ranked = LexicalIndex(["a", "b", "c"], texts, transliterate=True)
    postings = LexicalIndex(["a", "b", "c"], texts, transliterate=True, ranked=False)
    for words in (["trump"], ["~trmp"], ["gold", "spoke"], ["absent"]):
        assert postings.containing(words) == ranked.containing(words)
    with pytest.raises(ValueError, match="postings only"):
        postings.search("Trump", 3)


def test_dense_search_neither_fits_bm25_nor_loses_it_when_the_mode_changes(
    fake_index: NewsIndex, seeds_copy
):
    fake_index.index_paths([seeds_copy])
    fake_index.searcher.mode = "dense"
    assert fake_index.ask("Why was the Budapest summit dropped?", k=3).hits
    assert not fake_index.searcher.lexical_index().ranked
    fake_index.searcher.mode = "hybrid"
    assert fake_index.searcher.lexical_index().ranked
    assert fake_index.ask("Luhansk", k=3, candidates=True).candidates


def test_a_dense_question_imports_neither_bm25s_nor_scipy(tmp_path, seeds_copy):
    """In a fresh process: a dense `ask` on the fake embedder leaves bm25s and scipy unloaded."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.root import open_core\n"
        "from bot.settings import Settings\n"
        "from tests.fakes import HashingEmbedder\n"
        f"data_dir = Path({str(tmp_path / 'data')!r})\n"
        "settings = Settings(_env_file=None, data_dir=data_dir, retrieval='dense')\n"
        "with open_core(settings, lock=True, embedder=HashingEmbedder()) as news:\n"
        f"    news.index_paths([Path({str(seeds_copy)!r})])\n"
        "    assert news.ask('Why was the Budapest summit dropped?', 3).hits\n"
        "print(sorted(m for m in ('bm25s', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
