"""The lexical channel: BM25 (bm25s) with a tokenizer that respects every script.

A word is a run of letters, combining marks and digits, so Hindi words keep their vowel signs
(a plain `\\w+` would cut "ट्रम्प" at its virama). Vietnamese syllables are words already.
Han, kana and Hangul runs become character bigrams, the usual unit for CJK retrieval.

Names cross scripts badly: "ट्रम्प" and "Trump" share no token. With `transliterate`, each
word also yields a "consonant skeleton" of its Latin transliteration ("buddaapestt" and
"budapest" both give "~bdpst"), which lets BM25 match names across scripts.

An index built with `ranked=False` holds the postings alone (which documents hold a word):
dense search asks only that of it, so it neither imports bm25s (and scipy) nor fits BM25.
"""

import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import regex
from unidecode import unidecode

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
_NOT_CONSONANT = regex.compile(r"[^b-df-hj-np-tv-xz]")
_REPEATS = regex.compile(r"(.)\1+")
_MIN_SKELETON = 3


def tokenize(text: str, transliterate: bool = False) -> list[str]:
    """Lowercased word tokens (CJK as bigrams), plus skeletons when asked."""
    tokens: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", text.lower())):
        if _CJK.search(word):
            tokens.extend(_cjk_tokens(word))
            continue
        tokens.append(word)
        if transliterate:
            skeleton = consonant_skeleton(word)
            if len(skeleton) >= _MIN_SKELETON:
                tokens.append("~" + skeleton)
    return tokens


def consonant_skeleton(word: str) -> str:
    """Consonants of the Latin transliteration, doubles collapsed: a script-neutral key."""
    latin = _NOT_CONSONANT.sub("", unidecode(word).lower())
    return _REPEATS.sub(r"\1", latin)


def _cjk_tokens(word: str) -> list[str]:
    tokens: list[str] = []
    for part in regex.split(r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+)", word):
        if not part:
            continue
        if _CJK.fullmatch(part):
            tokens.extend(part[i : i + 2] for i in range(max(1, len(part) - 1)))
        else:
            tokens.append(part)
    return tokens


class LexicalIndex:
    """BM25 over a fixed list of documents; rebuilt, not updated, when they change."""

    def __init__(
        self, ids: Sequence[str], texts: Sequence[str], transliterate: bool, ranked: bool = True
    ) -> None:
        self.ids = list(ids)
        self.transliterate = transliterate
        self.ranked = ranked  # False: postings only, no BM25 (`search` is then refused)
        tokenized = [tokenize(t, transliterate) or [""] for t in texts]
        self._postings: dict[str, set[int]] = {}
        for n, tokens in enumerate(tokenized):
            for token in tokens:
                self._postings.setdefault(token, set()).add(n)
        self._bm25: Any = None
        if ranked:
            import bm25s

            self._bm25 = bm25s.BM25()
            if self.ids:
                self._bm25.index(tokenized, show_progress=False)

    def containing(self, tokens: Sequence[str]) -> set[str]:
        """The ids of the documents that hold any of `tokens` (words or "~" skeletons)."""
        found: set[int] = set()
        for token in tokens:
            found |= self._postings.get(token, set())
        return {self.ids[n] for n in found}

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(id, BM25 score) of the best k documents with a positive score."""
        if not self.ranked:
            raise ValueError("this lexical index holds postings only (built with ranked=False)")
        tokens = tokenize(query, self.transliterate)
        if not self.ids or not tokens:
            return []
        docs, scores = self._bm25.retrieve(
            [tokens], k=min(k, len(self.ids)), show_progress=False, n_threads=1
        )
        return [
            (self.ids[int(d)], float(s))
            for d, s in zip(np.asarray(docs[0]), np.asarray(scores[0]), strict=True)
            if s > 0
        ]
