"""What the words of a passage can confirm or rule out, in any script: names and numbers.

The dense vectors know topics well and names and numbers poorly: "who won the 2022 world
cup?" lands on the 2018 Ryder Cup, and "Budapest" alone, or "Peskov", finds nothing. Two
cheap checks on the words close that gap:

- a rare name of the question ("Budapest", "Peskov", "Песков", "पेस्कोव": a capitalised word
  past the first, or any word of a one- or two-word question, that few passages hold) is
  looked up in the lexical index, by word and by the consonant skeleton of its transliteration
  (index/retrieval/lexical.py), so it is found in any script. A passage that names it is a
  candidate even when dense search missed it, is shown whatever its cosine, and ranks
  `name_bonus` (model profile) higher.
- a number of the question (a year, a count) that no article of a story holds means the story
  does not answer it: it is shown, at most, as the nearest there is.
"""

import unicodedata

import regex

from index.retrieval.lexical import LexicalIndex, consonant_skeleton

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_DIGITS = regex.compile(r"[0-9]+")
_MIN_NAME = 4  # letters of a name; shorter words are too often something else
_MIN_SKELETON = 4  # consonants of a skeleton that may match across scripts
_SHORT_QUESTION = 2  # words: a question this short is a name or a topic, every word counts
# A name is rare when at most this many passages hold it. Measured: a share of the index (1%)
# instead gave the same product dev figures and cost XQuAD-R pooled mAP@20 0.008, this 0.002.
_RARE = 5


def numbers(text: str) -> frozenset[str]:
    """The numbers of two or more digits in `text`, in ASCII digits whatever the script."""
    ascii_digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return frozenset(n for n in _DIGITS.findall(ascii_digits) if len(n) >= 2)


def name_terms(question: str) -> list[list[str]]:
    """The question's name-like words, each as the lexical tokens that find it."""
    words = _WORD.findall(question)
    short = len(words) <= _SHORT_QUESTION
    terms = []
    for n, word in enumerate(words):
        if len(word) < _MIN_NAME or _CJK.search(word) or word.isdecimal():
            continue
        # A capital says "name" except on a sentence's first word ("What did Peskov say?").
        if not (short or (n > 0 and word[:1].isupper())):
            continue
        tokens = [unicodedata.normalize("NFC", word.lower())]
        skeleton = consonant_skeleton(word)
        if len(skeleton) >= _MIN_SKELETON:
            tokens.append("~" + skeleton)
        terms.append(tokens)
    return terms


def named_passages(question: str, lexical: LexicalIndex) -> set[str]:
    """The passages that hold a rare name of `question` (by word or skeleton)."""
    found: set[str] = set()
    for tokens in name_terms(question):
        holding = lexical.containing(tokens)
        if len(holding) <= _RARE:
            found |= holding
    return found
