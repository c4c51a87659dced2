"""Language-neutral vectors for a multilingual model: each vector centred on its language.

A multilingual encoder writes a text's language into its vector: any two Hindi texts are a
little alike for being Hindi, so a Hindi question prefers a weak Hindi passage to a strong
Vietnamese one, and cosines of same-language pairs run higher than cross-language ones, which
defeats any single "nothing relevant" threshold. Centring removes most of that (Libovický et
al., 2020, "On the language neutrality of pre-trained multilingual representations"): from
each vector subtract the mean vector of its language, then normalise. Passages are centred by
their article's detected language; a question by the nearest of the per-language question
means (the model's own idea of its language, which needs no detection on three words).

The means come from background text: the same 96 sentences of real news in nine languages
(NTREX-128, CC BY-SA 4.0, `index/data/background.json`), embedded once per model and cached.
The bundled model's means ship with the package (`index/data/language_statistics.json`, keyed
by the model's identity and checked by a SHA-256 of its numbers; written by
`python -m bench.language_stats --write`), so only other models compute them.
Measured on XQuAD-R and on an answer-or-refuse benchmark in README "Quality".

A language without background text gets the mean of all means, unless a mean can be estimated
from enough of its own passages (`with_estimated_means`, at least `MIN_PASSAGES_FOR_MEAN`:
on a handful of passages of one story the "mean" is that story, and centring on it erases what
they say; index/store/language_means.py makes the estimate for a collection). Questions are
always centred on the background's question means. Detector labels that name a variety of a
language with a mean (py3langid calls some Chinese `wuu`) are read as that language first.
Measured leave-one-language-out by bench/language_loo.py.
"""

import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import progress

log = logging.getLogger(__name__)

BACKGROUND_FILE = Path(__file__).parents[1] / "data" / "background.json"
SHIPPED_FILE = Path(__file__).parents[1] / "data" / "language_statistics.json"
_VERSION = 1  # bump when the statistics change meaning: the cached files are then rebuilt

Encode = Callable[[Sequence[str]], np.ndarray]

# Labels a detector gives to a variety of a language whose mean we have: read as that language.
NEAR_LABELS = {"wuu": "zh", "yue": "zh", "gan": "zh", "hak": "zh", "nan": "zh", "cmn": "zh"}
# Fewest passages of a language from which its mean is estimated (bench/language_loo.py, XQuAD-R
# test articles, a language's background mean left out: 200 random passages beat the fallback
# in every language; the ~30 of one article are worse than the fallback).
MIN_PASSAGES_FOR_MEAN = 200


def canonical_language(lang: str) -> str:
    """`lang`, or the language it is a near label of ("wuu" -> "zh")."""
    return NEAR_LABELS.get(lang, lang)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class LanguageSpace:
    """Per-language mean vectors of one model, for passages and for questions."""

    langs: tuple[str, ...]
    passage_means: np.ndarray  # (languages, dim), raw passage vectors' mean per language
    query_means: np.ndarray  # (languages, dim), raw query vectors' mean per language
    tag: str  # names the centring in a vector-space identity (version and background text)
    background: int = -1  # how many leading means come from background text (-1: all)

    def __post_init__(self) -> None:
        if self.background < 0:
            object.__setattr__(self, "background", len(self.langs))

    def centre_passages(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Passage vectors minus their language's mean (the mean of all means if unknown)."""
        means = np.stack([self._passage_mean(lang) for lang in langs])
        return _normalise(vectors - means).astype(np.float32)

    def centre_queries(self, vectors: np.ndarray) -> np.ndarray:
        """Question vectors minus the nearest question mean of the background: the model's own
        idea of the question's language, which needs no language detection on a few words.
        Estimated means are for passages only: questions centred on them too did worse
        (bench/language_loo.py, "est. p+q": 0.506 against 0.509 pooled)."""
        means = self.query_means[: self.background]
        nearest = np.argmax(vectors @ _normalise(means).T, axis=1)
        return _normalise(vectors - means[nearest]).astype(np.float32)

    def _passage_mean(self, lang: str) -> np.ndarray:
        lang = canonical_language(lang)
        if lang in self.langs:
            return self.passage_means[self.langs.index(lang)]
        return self.passage_means[: self.background].mean(axis=0)  # the background's means

    def lacks(self, lang: str) -> bool:
        """Whether `lang` has no mean of its own here (it is centred on the fallback)."""
        lang = canonical_language(lang)
        return lang not in self.langs and lang != "und"

    def estimated(self) -> dict[str, np.ndarray]:
        """The passage means that were estimated from an index, not taken from background."""
        return {
            lang: self.passage_means[i] for i, lang in enumerate(self.langs) if i >= self.background
        }

    def with_means(self, means: Mapping[str, np.ndarray]) -> "LanguageSpace":
        """This space plus the passage means `means` of languages it lacks (estimated from an
        index). Their question means (those plus the background's mean question-minus-passage
        shift, the prompt's own direction) are kept for bench/language_loo.py, which measures
        them; `centre_queries` does not use them."""
        new = sorted(lang for lang in means if self.lacks(lang))
        if not new:
            return self
        shift = (self.query_means[: self.background] - self.passage_means[: self.background]).mean(
            axis=0
        )
        passages = np.stack([np.asarray(means[lang], dtype=np.float32) for lang in new])
        return LanguageSpace(
            self.langs + tuple(new),
            np.concatenate([self.passage_means, passages]).astype(np.float32),
            np.concatenate([self.query_means, passages + shift]).astype(np.float32),
            self.tag,
            self.background,
        )

    def with_estimated_means(
        self,
        raw_passages: np.ndarray,
        langs: Sequence[str],
        min_passages: int = MIN_PASSAGES_FOR_MEAN,
    ) -> "LanguageSpace":
        """This space plus a mean for every language without one that has at least
        `min_passages` of `raw_passages` (raw vectors, one language per row): their mean."""
        return self.with_means(estimate_means(self, raw_passages, langs, min_passages))

    def raw_passages(self, centred: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """The model's raw vectors back from `centre_passages`' output (same `langs`).

        Raw vectors have length 1 and a mean m is shorter than 1, so the raw vector
        r = m + t·c (c: the centred vector) is the one t > 0 with |r| = 1:
        t = -m·c + sqrt((m·c)² + 1 - |m|²). The store keeps only centred vectors; this is how
        a language's passages are centred again on a new mean without running the model."""
        means = np.stack([self._passage_mean(lang) for lang in langs]).astype(np.float64)
        centred = _normalise(np.asarray(centred, dtype=np.float64))
        along = np.sum(means * centred, axis=1, keepdims=True)
        room = np.maximum(along**2 + 1.0 - np.sum(means**2, axis=1, keepdims=True), 0.0)
        return (means + (np.sqrt(room) - along) * centred).astype(np.float32)


def estimate_means(
    space: LanguageSpace,
    raw_passages: np.ndarray,
    langs: Sequence[str],
    min_passages: int = MIN_PASSAGES_FOR_MEAN,
) -> dict[str, np.ndarray]:
    """{language: mean of its raw passage vectors} for each language `space` lacks that has at
    least `min_passages` rows of `raw_passages`."""
    canonical = np.array([canonical_language(lang) for lang in langs])
    return {
        lang: raw_passages[canonical == lang].mean(axis=0).astype(np.float32)
        for lang in sorted(set(canonical.tolist()))
        if space.lacks(lang) and int((canonical == lang).sum()) >= min_passages
    }


def load_language_space(
    identity: str, encode_passages: Encode, encode_queries: Encode, cache_dir: Path
) -> LanguageSpace:
    """The model's language space: shipped, cached, or computed once from the background."""
    texts = _background()
    tag, key = _keys(identity, texts)
    shipped = read_shipped(key)
    if shipped is not None:
        return shipped
    path = cache_dir / f"language-space-{key}.npz"
    if path.exists():
        try:
            with np.load(path) as stored:
                return _space(list(stored["langs"]), stored["passages"], stored["queries"], tag)
        except (OSError, ValueError, KeyError):  # damaged: computed again below
            log.warning("the language statistics in %s are damaged; computing them again", path)
    langs, passages, queries = compute_vectors(texts, encode_passages, encode_queries)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
    np.savez(partial, langs=np.array(langs), passages=passages, queries=queries)
    partial.replace(path)
    return _space(langs, passages, queries, tag)


def compute_language_space(
    identity: str, encode_passages: Encode, encode_queries: Encode
) -> LanguageSpace:
    """The model's language space computed afresh (no file read or written)."""
    texts = _background()
    tag, _ = _keys(identity, texts)
    return _space(*compute_vectors(texts, encode_passages, encode_queries), tag)


def compute_vectors(
    texts: dict[str, list[str]], encode_passages: Encode, encode_queries: Encode
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Languages, and their background texts' raw passage and query vectors."""
    log.info("computing the model's language statistics once (%d languages)", len(texts))
    langs = sorted(texts)
    passages, queries = [], []
    with progress.step("language-statistics", total=2 * len(langs)) as advance:
        for lang in langs:
            passages.append(encode_passages(texts[lang]))
            advance(1)
            queries.append(encode_queries(texts[lang]))
            advance(1)
    return langs, np.stack(passages), np.stack(queries)


def read_shipped(key: str, path: Path = SHIPPED_FILE) -> LanguageSpace | None:
    """The shipped language space if it is the one keyed `key` and its numbers are intact."""
    try:
        shipped = json.loads(path.read_text(encoding="utf-8"))
        if shipped["key"] != key:
            return None
        space = LanguageSpace(
            tuple(shipped["langs"]),
            np.asarray(shipped["passage_means"], dtype=np.float32),
            np.asarray(shipped["query_means"], dtype=np.float32),
            shipped["tag"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _digest(space) != shipped.get("sha256"):
        log.warning("the shipped language statistics in %s are damaged; computing them", path)
        return None
    return space


def write_shipped(identity: str, space: LanguageSpace, path: Path = SHIPPED_FILE) -> None:
    """Ship `space` as the language statistics of the model named `identity`."""
    _, key = _keys(identity, _background())
    shipped = {
        "key": key,
        "identity": identity,
        "tag": space.tag,
        "langs": list(space.langs),
        "passage_means": space.passage_means.tolist(),
        "query_means": space.query_means.tolist(),
        "sha256": _digest(space),
    }
    path.write_text(json.dumps(shipped, ensure_ascii=False) + "\n", encoding="utf-8")


def shipped_key(identity: str) -> str:
    """The key under which the statistics of the model named `identity` are kept."""
    return _keys(identity, _background())[1]


def _background() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = json.loads(BACKGROUND_FILE.read_text(encoding="utf-8"))
    return texts


def _keys(identity: str, texts: dict[str, list[str]]) -> tuple[str, str]:
    """The centring's tag (version and background) and the key of one model's statistics."""
    background = hashlib.sha1(json.dumps(texts, sort_keys=True).encode()).hexdigest()[:8]
    tag = f"centred-v{_VERSION}-{background}"
    return tag, hashlib.sha1(f"{tag}|{identity}".encode()).hexdigest()[:16]


def _digest(space: LanguageSpace) -> str:
    digest = hashlib.sha256("|".join(space.langs).encode())
    digest.update(np.ascontiguousarray(space.passage_means, dtype="<f4").tobytes())
    digest.update(np.ascontiguousarray(space.query_means, dtype="<f4").tobytes())
    return digest.hexdigest()


def _space(langs: list[str], passages: np.ndarray, queries: np.ndarray, tag: str) -> LanguageSpace:
    """Means of (languages, texts, dim) raw passage and query vectors."""
    return LanguageSpace(
        tuple(str(lang) for lang in langs),
        passages.mean(axis=1).astype(np.float32),
        queries.mean(axis=1).astype(np.float32),
        tag,
    )
