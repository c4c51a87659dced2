"""Cut an article into passages that fit the embedding model, on sentence boundaries.

A passage is a run of whole sentences whose token count (by the model's own tokenizer) stays
under the budget; consecutive passages share a small overlap of sentences, so an answer that
straddles a cut is still whole in one of them. Only a single sentence longer than the
budget is cut inside, at word boundaries (or characters, for scripts without spaces).
"""

from collections.abc import Callable

from index.passages.sentences import split_sentences

TokenCounter = Callable[[str], int]


def chunk_text(
    text: str,
    lang: str,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_sentences: int = 1,
) -> list[str]:
    """Passages of `text`, each at most `max_tokens` tokens long."""
    pieces: list[tuple[str, int]] = []
    for sentence in split_sentences(text, lang):
        pieces.extend(_fit_sentence(sentence, count_tokens, max_tokens))

    passages: list[str] = []
    current: list[tuple[str, int]] = []
    for piece in pieces:
        if current and _total(current) + piece[1] > max_tokens:
            passages.append(_join(current))
            current = _overlap(current, piece, overlap_sentences, max_tokens)
        current.append(piece)
    if current:
        passages.append(_join(current))
    return passages


def _fit_sentence(
    sentence: str, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[str, int]]:
    """The sentence itself when it fits, else word-bounded slices of it that do."""
    tokens = count_tokens(sentence)
    if tokens <= max_tokens:
        return [(sentence, tokens)]
    words = sentence.split(" ") if " " in sentence.strip() else list(sentence)
    glue = " " if " " in sentence.strip() else ""
    slices: list[tuple[str, int]] = []
    current: list[str] = []
    for word in words:
        candidate = glue.join([*current, word])
        if current and count_tokens(candidate) > max_tokens:
            done = glue.join(current)
            slices.append((done, count_tokens(done)))
            current = [word]
        else:
            current.append(word)
    if current:
        done = glue.join(current)
        slices.append((done, count_tokens(done)))
    return slices


def _overlap(
    previous: list[tuple[str, int]],
    upcoming: tuple[str, int],
    overlap_sentences: int,
    max_tokens: int,
) -> list[tuple[str, int]]:
    """The last sentences of the previous passage that still leave room for the next one."""
    kept = previous[-overlap_sentences:] if overlap_sentences else []
    while kept and _total(kept) + upcoming[1] > max_tokens:
        kept = kept[1:]
    # A passage that would only repeat the previous one's tail adds nothing.
    return kept if len(kept) < len(previous) else []


def _total(pieces: list[tuple[str, int]]) -> int:
    return sum(tokens for _, tokens in pieces)


def _join(pieces: list[tuple[str, int]]) -> str:
    return " ".join(text for text, _ in pieces)
