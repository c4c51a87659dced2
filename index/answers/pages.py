"""An answer as a reader takes it in: one block per story, a page of blocks at a time.

Search returns passages, story by story; a reader wants stories. Each story of an answer
becomes one block: its lead article (title, outlet, date, link), its best one or two passages
as short snippets around their best sentence, each citing its own article (a story told in
Hindi and in Vietnamese may answer from the Vietnamese report), and the story's other
articles as "also in". A block whose story is well below the best one is marked weak. Pages
are built when first opened, in order: the best sentences of page 3 are not computed (the
costly part: every sentence of its passages goes through the model) until someone asks for page 3. A
sentence is shown once per answer, however much passages overlap; captions, credits,
bylines and the article's own headline are never a best sentence.

Core code: no Telegram, no markup. `bot/telegram/html.py` and `bot/cli/answer_text.py` draw it.
"""

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from index.answers.citing import headline, outlet_name, without_headline
from index.answers.writer import WrittenAnswer
from index.models import Answer, Article, Hit, Passage
from index.passages.sentences import (
    caption_flags,
    caption_sentences,
    split_sentences,
    strip_credit,
)

SNIPPET_CHARS = 300  # a snippet: about this many characters around its best sentence
SECOND_SNIPPET_CHARS = 200  # the second snippet of an article is shorter
MAX_SNIPPETS = 2
# A second snippet only when its best sentence is nearly as close to the question as the
# first's (cosine): otherwise it is filler that pushes the next article off the screen.
SECOND_SNIPPET_MARGIN = 0.1
ELLIPSIS = "…"
_CITE = re.compile(r"\[(\d{1,3})\]")
_REPEATED_CITE = re.compile(r"(\[\d{1,3}\])(?:\s*\1)+")


class Scorer(Protocol):
    """Scores sentences against a question (index/retrieval/best_sentence.py: the model)."""

    def scores(
        self, question: str, sentences: Sequence[str], langs: Sequence[str]
    ) -> np.ndarray: ...


@dataclass(frozen=True)
class Snippet:
    """A short piece of a passage: `best` is its best sentence, the rest its context."""

    passage: Passage
    article: Article  # the passage's own article: a story's snippets may come from several
    score: float
    before: str
    best: str  # as shown: a very long sentence is cut
    after: str
    sentence: str  # the best sentence, whole

    @property
    def text(self) -> str:
        return self.before + self.best + self.after


@dataclass(frozen=True)
class ArticleBlock:
    """One story of an answer, numbered across the whole answer (1-based), led by `article`."""

    number: int
    article: Article
    hits: tuple[Hit, ...]  # its passages among the answer's hits, in the order search gave
    snippets: tuple[Snippet, ...]
    siblings: tuple[Article, ...]  # the story's articles with no snippet shown ("also in")
    weak: bool = False  # the story is well below the best, or lacks the question's numbers


def group_hits(hits: Sequence[Hit]) -> list[list[Hit]]:
    """Hits of the same story together (of the same article, for hits of no story), stories
    in the order of their first hit."""
    groups: dict[tuple[int, str], list[Hit]] = {}
    for hit in hits:
        story = (hit.story, "") if hit.story >= 0 else (-1, hit.article.id)
        groups.setdefault(story, []).append(hit)
    return list(groups.values())


def key(sentence: str) -> str:
    """What makes two sentences the same for "shown once": case and spacing aside."""
    return " ".join(sentence.split()).casefold()


def body_sentences(passage: Passage, article: Article) -> list[str]:
    """The passage's sentences without the article's headline glued to the first one, its
    captions, or photo credits the splitter glued to a sentence."""
    text = without_headline(passage.text, article).strip()
    sentences = split_sentences(text, article.lang) if text else []
    flags = caption_flags(sentences)  # found before a credit is cut off what it credits
    return [strip_credit(s) for s, caption in zip(sentences, flags, strict=True) if not caption]


class AnswerPages:
    """An answer's pages of article blocks, each built when first asked for (thread-safe).

    Without a scorer (no model at hand) the search's own best sentence is used, else the
    first sentence that is not a caption."""

    def __init__(self, answer: Answer, per_page: int, scorer: Scorer | None) -> None:
        self.answer = answer
        self.per_page = max(1, per_page)
        self.scorer = scorer
        self.groups = group_hits(answer.hits)
        self._pages: list[tuple[ArticleBlock, ...]] = []
        self._shown: set[str] = set()
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        return max(1, -(-len(self.groups) // self.per_page))

    @property
    def built(self) -> int:
        """Pages whose best sentences are computed so far."""
        return len(self._pages)

    def page(self, number: int) -> tuple[ArticleBlock, ...]:
        """The blocks of page `number` (0-based, clamped); earlier pages are built first, so
        what they show is never shown again."""
        number = min(max(number, 0), self.count - 1)
        with self._lock:
            while len(self._pages) <= number:
                self._pages.append(self._build(len(self._pages)))
            return self._pages[number]

    def renumbered(self, written: WrittenAnswer) -> WrittenAnswer:
        """The writer cites passages [n] (the answer's hits, in order); a reader sees
        articles, so each [n] becomes its article's number, and a repeat of it goes."""
        article_of: dict[int, int] = {}
        position = {hit.passage.id: n for n, hit in enumerate(self.answer.hits, start=1)}
        for number, hits in enumerate(self.groups, start=1):
            for hit in hits:
                article_of[position[hit.passage.id]] = number
        text = _CITE.sub(lambda m: f"[{article_of.get(int(m[1]), int(m[1]))}]", written.text)
        text = _REPEATED_CITE.sub(r"\1", text)
        cited = tuple(dict.fromkeys(article_of.get(n, n) for n in written.citations))
        return WrittenAnswer(text, cited)

    def all_blocks(self) -> list[ArticleBlock]:
        return [block for n in range(self.count) for block in self.page(n)]

    def _build(self, number: int) -> tuple[ArticleBlock, ...]:
        start = number * self.per_page
        groups = self.groups[start : start + self.per_page]
        # Snippets come from an article's best passages: a spare one is enough to choose from.
        candidates = [hits[: MAX_SNIPPETS + 1] for hits in groups]
        split = {
            hit.passage.id: body_sentences(hit.passage, hit.article)
            for hits in candidates
            for hit in hits
        }
        captions = {
            hit.article.id: {key(c) for c in caption_sentences(hit.article.text, hit.article.lang)}
            for hits in candidates
            for hit in hits
        }
        scores = self._scores(candidates, split, captions)
        blocks = []
        for offset, hits in enumerate(groups):
            article = hits[0].article
            snippets: list[Snippet] = []
            floor = -np.inf
            for hit in candidates[offset]:
                if len(snippets) == MAX_SNIPPETS:
                    break
                sentences = split[hit.passage.id]
                # Another article of the story was placed here by search for being near the
                # story's best: its snippet is not filler, whatever its sentence scores, and
                # gets a first snippet's room (its answer may be a sentence past the best).
                other = hit.article.id not in {s.article.id for s in snippets}
                budget = SNIPPET_CHARS if other else SECOND_SNIPPET_CHARS
                snippet = self._snippet(
                    hit,
                    sentences,
                    captions[hit.article.id],
                    scores,
                    budget,
                    -np.inf if other else floor,
                )
                if snippet is not None:
                    snippets.append(snippet)
                    floor = scores.get(key(snippet.sentence), 0.0) - SECOND_SNIPPET_MARGIN
            cited = {s.article.id for s in snippets} | {article.id}
            siblings: dict[str, Article] = {}
            for hit in hits:
                for sibling in (hit.article, *hit.siblings):
                    if sibling.id not in cited:
                        siblings.setdefault(sibling.id, sibling)
            blocks.append(
                ArticleBlock(
                    number=start + offset + 1,
                    article=article,
                    hits=tuple(hits),
                    snippets=tuple(snippets),
                    siblings=tuple(siblings.values()),
                    weak=hits[0].weak,
                )
            )
        return tuple(blocks)

    def _scores(
        self,
        groups: list[list[Hit]],
        split: dict[str, list[str]],
        captions: dict[str, set[str]],
    ) -> dict[str, float]:
        """Each candidate sentence's score against the question: one model call per page,
        each distinct sentence once."""
        candidates: dict[str, tuple[str, str]] = {}  # key -> (sentence, lang)
        for hits in groups:
            for hit in hits:
                for sentence in split[hit.passage.id]:
                    k = key(sentence)
                    if k not in self._shown and k not in captions[hit.article.id]:
                        candidates.setdefault(k, (sentence, hit.article.lang))
        if self.scorer is None:
            best = {key(h.best_sentence) for hits in groups for h in hits if h.best_sentence}
            return {k: (1.0 if k in best else 0.0) for k in candidates}
        keys = list(candidates)
        values = self.scorer.scores(
            self.answer.question,
            [candidates[k][0] for k in keys],
            [candidates[k][1] for k in keys],
        )
        return dict(zip(keys, np.asarray(values, dtype=float).tolist(), strict=True))

    def _snippet(
        self,
        hit: Hit,
        sentences: list[str],
        captions: set[str],
        scores: dict[str, float],
        budget: int,
        floor: float,
    ) -> Snippet | None:
        """About `budget` characters of the passage around its best sentence not yet shown;
        None when every sentence of the passage is shown already (or a caption), or when its
        best scores under `floor`."""
        flags = caption_flags(sentences)
        usable = [
            i
            for i, s in enumerate(sentences)
            if key(s) not in self._shown and key(s) not in captions and not flags[i]
        ]
        if not usable:
            return None
        best = max(usable, key=lambda i: (scores.get(key(sentences[i]), 0.0), -i))
        if scores.get(key(sentences[best]), 0.0) < floor:
            return None
        core = sentences[best]
        if len(core) > budget:
            self._shown.add(key(core))
            cut = clip_end(core, budget)
            lead = "" if best == 0 else ELLIPSIS + " "
            return Snippet(hit.passage, hit.article, hit.score, lead, cut, "", core)
        low = high = best
        room = budget - len(core)
        fits = set(usable)
        while room > 0:  # grow after, then before, while whole unseen sentences fit
            grown = False
            if high + 1 in fits and len(sentences[high + 1]) + 1 <= room:
                high += 1
                room -= len(sentences[high]) + 1
                grown = True
            if low - 1 in fits and len(sentences[low - 1]) + 1 <= room:
                low -= 1
                room -= len(sentences[low]) + 1
                grown = True
            if not grown:
                break
        parts = sentences[best + 1 : high + 1]
        tail = ""
        if high + 1 in fits and room >= 60:  # a good piece of the next sentence fits
            high += 1
            parts = [*parts, clip_end(sentences[high], room - 1)]
        elif high + 1 < len(sentences):
            tail = " " + ELLIPSIS
        for sentence in sentences[low : high + 1]:
            self._shown.add(key(sentence))
        before = "".join(s + " " for s in sentences[low:best])
        return Snippet(
            passage=hit.passage,
            article=hit.article,
            score=hit.score,
            before=(ELLIPSIS + " " if low > 0 else "") + before,
            best=core,
            after="".join(" " + s for s in parts) + tail,
            sentence=core,
        )


def clip_end(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + ELLIPSIS


def block_dict(block: ArticleBlock, full_text: bool = False) -> dict[str, Any]:
    """A story block as plain data (`ask --json`, stored votes): its lead article cited as a
    reader sees it, its snippets (each with its own article), whether it is weak, and with
    `full_text` each passage's whole text."""
    article = block.article
    passages = []
    for snippet in block.snippets:
        entry: dict[str, Any] = {
            "passage_id": snippet.passage.id,
            "score": round(snippet.score, 4),
            "best_sentence": snippet.sentence,
            "snippet": snippet.text,
            "article": citation_dict(snippet.article),
        }
        if full_text:
            entry["text"] = snippet.passage.text
        passages.append(entry)
    return {
        "n": block.number,
        "article_id": article.id,
        "title": headline(article),
        "source": outlet_name(article),
        "url": article.url,
        "published": article.published,
        "lang": article.lang,
        "passages": passages,
        "siblings": [citation_dict(s) for s in block.siblings],
        "weak": block.weak,
    }


def citation_dict(article: Article) -> dict[str, Any]:
    """How JSON cites an article (a hit's, a block's, or a sibling of the same story)."""
    return {
        "article_id": article.id,
        "title": headline(article),
        "source": outlet_name(article),
        "url": article.url,
        "published": article.published,
        "lang": article.lang,
    }
