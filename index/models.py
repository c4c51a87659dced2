"""The values that flow through the pipeline: Article -> Passage -> Hit -> Answer."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article as stored in SQLite, the record of truth."""

    id: str
    source: str  # where it came from, for people: a file path, a feed or site name
    url: str | None  # a link a reader can open; None for local files
    title: str
    published: str | None  # ISO date (YYYY-MM-DD) or datetime when known
    lang: str  # ISO 639-1 code from language detection
    content_hash: str
    text: str
    outlet: str | None = None  # the publisher named in the text or metadata
    source_id: int | None = None  # the registered source it came from, if any


@dataclass(frozen=True)
class Passage:
    """A slice of an article that fits the embedding model, on sentence boundaries."""

    id: str  # "<article_id>:<seq>", stable while the article text is unchanged
    article_id: str
    seq: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A passage that answers a question, with everything needed to cite it."""

    passage: Passage
    article: Article
    score: float
    best_sentence: str
    siblings: tuple[Article, ...] = ()  # the story's other articles (and republished copies)
    story: int = -1  # which story of the answer it is on (0: the best); -1: its article's own
    weak: bool = False  # its story is well below the best one, or lacks the question's numbers


@dataclass(frozen=True)
class Answer:
    """The result of a question: hits sorted best first, or none when nothing is relevant."""

    question: str
    hits: tuple[Hit, ...]  # the passages shown: from `min_score` up, best first
    answered: bool  # `answer_score` reaches `close_score`: it answers; else hits are the nearest
    min_score: float
    close_score: float = 0.0
    candidates: tuple[Hit, ...] = field(default=(), repr=False)  # below-threshold, for eval
    answer_score: float = 0.0  # best (passage + its best sentence cosine) / 2 (+ name bonus)


@dataclass(frozen=True)
class ExtractedDocument:
    """Text of a document and what could be learnt about it, before it becomes an Article."""

    text: str
    title: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """A document fetched or read from a source, keyed by its stable location."""

    key: str  # "file:///abs/path" or the canonical URL: the article id derives from it
    source: str  # how people name where it came from
    document: ExtractedDocument
    source_id: int | None = None


@dataclass(frozen=True)
class DocumentFailure:
    """A document that could not be read, with a reason a person can act on."""

    key: str
    reason: str
