"""Cut an article into passages that fit the embedding model, on sentence boundaries.

A passage is a run of whole sentences whose token count (by the model's own tokenizer) stays
under the budget; consecutive passages share a small overlap of sentences, so an answer that
straddles a cut is still whole in one of them. Only a single sentence longer than the
budget is cut inside, at word boundaries (or characters, for scripts without spaces).

One article yields at most `max_passages` passages, and a passage identical to an earlier one
of the same article is kept once: a degenerate document (one word repeated for megabytes, a
page of boilerplate) costs what a long article costs, not minutes of the writer's time.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from index.passages.sentences import split_sentences

TokenCounter = Callable[[str], int]
Piece = tuple[str, int]  # a sentence (or a slice of one) and its token count


@dataclass(frozen=True)
class Chunks:
    """An article's passages, and what was left out of them."""

    passages: list[str]
    repeats: int = 0  # passages identical to an earlier one of the article: stored once
    unread_chars: int = 0  # text after the last passage the bound allowed (0: all of it read)

    @property
    def cut_short(self) -> bool:
        return self.unread_chars > 0


def chunk_text(
    text: str,
    lang: str,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_sentences: int = 1,
) -> list[str]:
    """Passages of `text`, each at most `max_tokens` tokens long (no bound, repeats kept)."""
    return [
        passage for passage, _ in _passages(text, lang, count_tokens, max_tokens, overlap_sentences)
    ]


def chunk_article(
    text: str,
    lang: str,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_sentences: int = 1,
    max_passages: int | None = None,
) -> Chunks:
    """At most `max_passages` passages of `text` are cut (repeats count: they cost the cutting
    too); of those, identical ones are kept once. The rest of the text is not read."""
    kept: list[str] = []
    seen: set[str] = set()
    cut = repeats = consumed = 0
    for passage, read in _passages(text, lang, count_tokens, max_tokens, overlap_sentences):
        if max_passages is not None and cut >= max_passages:
            return Chunks(kept, repeats, max(1, len(text) - consumed))
        cut += 1
        consumed = read
        if passage in seen:
            repeats += 1
            continue
        seen.add(passage)
        kept.append(passage)
    return Chunks(kept, repeats, 0)


def _passages(
    text: str, lang: str, count_tokens: TokenCounter, max_tokens: int, overlap_sentences: int
) -> Iterator[tuple[str, int]]:
    """(passage, characters of the text read so far), one passage at a time."""
    current: list[Piece] = []
    read = 0
    for sentence in split_sentences(text, lang):
        for piece in _fit_sentence(sentence, count_tokens, max_tokens):
            if current and _total(current) + piece[1] > max_tokens:
                yield _join(current), read
                current = _overlap(current, piece, overlap_sentences, max_tokens)
            current.append(piece)
            read += len(piece[0]) + 1
    if current:
        yield _join(current), read


def _fit_sentence(sentence: str, count_tokens: TokenCounter, max_tokens: int) -> Iterator[Piece]:
    """The sentence itself when it fits, else word-bounded slices of it that do.

    Each slice is the longest run of words that fits, found by doubling then halving, so a
    sentence of n words costs about (n / slice) * log(slice) token counts, not n."""
    tokens = count_tokens(sentence)
    if tokens <= max_tokens:
        yield sentence, tokens
        return
    spaced = " " in sentence.strip()
    words = sentence.split(" ") if spaced else list(sentence)
    glue = " " if spaced else ""
    start = 0
    while start < len(words):
        end, fits = _longest_fit(words, start, glue, count_tokens, max_tokens)
        yield glue.join(words[start:end]), fits
        start = end


def _longest_fit(
    words: list[str], start: int, glue: str, count_tokens: TokenCounter, max_tokens: int
) -> tuple[int, int]:
    """(end, tokens): words[start:end] is the longest run from `start` within `max_tokens`
    (at least one word, even one longer than the budget)."""

    def count(end: int) -> int:
        return count_tokens(glue.join(words[start:end]))

    good, good_tokens = start + 1, count(start + 1)
    step = 1
    bad = None
    while bad is None and good < len(words):  # double until a run is too long
        step *= 2
        end = min(start + step, len(words))
        tokens = count(end)
        if tokens <= max_tokens:
            good, good_tokens = end, tokens
        else:
            bad = end
    while bad is not None and bad - good > 1:  # then halve the gap
        middle = (good + bad) // 2
        tokens = count(middle)
        if tokens <= max_tokens:
            good, good_tokens = middle, tokens
        else:
            bad = middle
    return good, good_tokens


def _overlap(
    previous: list[Piece],
    upcoming: Piece,
    overlap_sentences: int,
    max_tokens: int,
) -> list[Piece]:
    """The last sentences of the previous passage that still leave room for the next one."""
    kept = previous[-overlap_sentences:] if overlap_sentences else []
    while kept and _total(kept) + upcoming[1] > max_tokens:
        kept = kept[1:]
    # A passage that would only repeat the previous one's tail adds nothing.
    return kept if len(kept) < len(previous) else []


def _total(pieces: list[Piece]) -> int:
    return sum(tokens for _, tokens in pieces)


def _join(pieces: list[Piece]) -> str:
    return " ".join(text for text, _ in pieces)
