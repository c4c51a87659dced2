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
- so does a name the question states as a detail ("... in Helsinki", "... au Japon") that the
  story does not answer to: asked without that name, the question matches the story as well
  or better (`ignores_a_name`). Words cannot check this across scripts (Кёльн, Помпео and
  Japon share no skeleton with their stories' words); the model can, by the difference.
"""

import unicodedata

import numpy as np
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
_NAMED_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*")
# A story ignores a name when the question without it matches the story better by more than
# this (cosine). Measured on the product benchmark's dev questions (docs/quality-benchmark.md):
# removing a name the story holds lowers its best match (by 0.005 to 0.25, but for "Nord" of
# "Corée du Nord": +0.016); removing "Helsinki", "Japon", "Yagi" raises it by 0.02 to 0.06.
IGNORED_NAME = 0.02


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


def stated_names(question: str) -> list[str]:
    """The names a question states as details: runs of capitalised words past the first
    ("Mike Pompeo", "Rheinland-Pfalz", "Max Scherzer's"), with a word of at least 4 letters,
    in a question longer than a name alone. Scripts without capitals state none."""
    words = list(_NAMED_WORD.finditer(question))
    if len(words) <= _SHORT_QUESTION:
        return []
    runs: list[list[regex.Match[str]]] = []
    for n, word in enumerate(words):
        if n == 0 or not word.group()[:1].isupper():
            continue
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last is words[n - 1]
            and not question[last.end() : word.start()].strip()
        ):
            runs[-1].append(word)
        else:
            runs.append([word])
    return [
        question[run[0].start() : run[-1].end()]
        for run in runs
        if any(len(w.group()) >= _MIN_NAME and not w.group().isdecimal() for w in run)
    ]


def without(question: str, name: str) -> str:
    """The question with `name` left out."""
    return " ".join(question.replace(name, " ").split())


def ignores_a_name(passages: np.ndarray, query: np.ndarray, without_names: np.ndarray) -> bool:
    """Whether a story (its passage vectors) matches the question asked without one of its
    names (rows of `without_names`) better, by more than IGNORED_NAME, than the question."""
    if not len(passages) or not len(without_names):
        return False
    best = float((passages @ query).max())
    return bool(((passages @ without_names.T).max(axis=0) > best + IGNORED_NAME).any())
