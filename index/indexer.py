"""The write path: documents -> articles (SQLite) -> passages -> embeddings (Chroma).

Order matters for crash safety. The article is saved first, its passages are written to the
vector store with stable ids, and only then is it marked as embedded. A crash anywhere leaves
an article that is either fully searchable or not yet marked, which the next run re-embeds
with the same ids: nothing lost, nothing doubled.
"""

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index.article_db import ArticleDB
from index.chunking import chunk_text
from index.embedding import Embedder
from index.language import detect_language
from index.models import Article, DocumentFailure, Passage, SourceDocument
from index.settings import IndexSettings
from index.store import VectorStore

log = logging.getLogger(__name__)


@dataclass
class IndexReport:
    """What one indexing run did, for the summary line and the admin's progress message."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    passages: int = 0
    failures: list[DocumentFailure] = field(default_factory=list)
    new_articles: list[Article] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicate, {self.failed} failed; {self.passages} passages embedded"
        )


@dataclass(frozen=True)
class Progress:
    """Sent after each document so a front can draw a bar: documents done, passages so far."""

    documents: int
    passages: int
    current: str
    total: int | None = None  # documents expected, when known


ProgressCallback = Callable[[Progress], None]


def article_id_for(key: str) -> str:
    """Stable id from the document's location: the same file or URL is the same article."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def normalize_text(text: str) -> str:
    """Whitespace that does not change meaning must not change the content hash."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class Indexer:
    """Turns documents into searchable passages for one embedding model."""

    def __init__(
        self, db: ArticleDB, store: VectorStore, embedder: Embedder, settings: IndexSettings
    ) -> None:
        self.db = db
        self.store = store
        self.embedder = embedder
        self.settings = settings
        db.register_space(store.name, embedder.identity)

    def index(
        self,
        documents: Iterable[SourceDocument | DocumentFailure],
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        report = IndexReport()
        for done, item in enumerate(documents, start=1):
            if isinstance(item, DocumentFailure):
                report.failures.append(item)
                log.warning("skipped %s", item.reason)
            else:
                self._index_one(item, report)
            if progress:
                progress(Progress(done, report.passages, getattr(item, "source", item.key)))
        return report

    def _index_one(self, item: SourceDocument, report: IndexReport) -> None:
        article = self._article(item)
        existing = self.db.get(article.id)
        if existing and existing.content_hash == article.content_hash:
            if self.db.is_embedded(self.store.name, existing):
                report.unchanged += 1
                return
            report.passages += self.embed(existing)  # saved before a crash: finish the job
            report.changed += 1
            return
        twin = self.db.find_by_hash(article.content_hash)
        if twin and twin.id != article.id:
            report.duplicates += 1
            log.info("%s repeats %s; stored once", item.source, twin.source)
            return
        self.db.save(article)
        report.passages += self.embed(article)
        if existing:
            report.changed += 1
        else:
            report.new += 1
            report.new_articles.append(article)

    def embed(self, article: Article) -> int:
        """(Re)write the article's passages in the store and mark it embedded; returns count."""
        passages = self.passages_of(article)
        vectors = self.embedder.embed_passages(
            [p.text for p in passages], [article.lang] * len(passages)
        )
        self.store.delete_article(article.id)
        self.store.upsert(passages, vectors, article.lang)
        self.db.mark_embedded(self.store.name, article, len(passages))
        return len(passages)

    def passages_of(self, article: Article) -> list[Passage]:
        """Deterministic passages of an article for this model's tokenizer."""
        texts = chunk_text(
            article.text,
            article.lang,
            self.embedder.count_tokens,
            self.embedder.passage_token_budget,
            self.settings.chunk_overlap_sentences,
        )
        return [
            Passage(id=f"{article.id}:{seq}", article_id=article.id, seq=seq, text=text)
            for seq, text in enumerate(texts)
        ]

    def embed_missing(self, progress: ProgressCallback | None = None) -> IndexReport:
        """Embed every stored article this vector space lacks (after a crash or a new model)."""
        missing = self.db.unembedded(self.store.name)
        report = IndexReport(unchanged=self.db.count() - len(missing))
        for done, article in enumerate(missing, start=1):
            report.passages += self.embed(article)
            report.changed += 1
            if progress:
                progress(Progress(done, report.passages, article.source, total=len(missing)))
        return report

    def reembed_all(self, progress: ProgressCallback | None = None) -> IndexReport:
        """Embed every stored article again, in place, with stable ids (no duplicates)."""
        report = IndexReport()
        for done, article in enumerate(self.db.all_articles(), start=1):
            report.passages += self.embed(article)
            report.changed += 1
            if progress:
                progress(Progress(done, report.passages, article.source))
        return report

    def _article(self, item: SourceDocument) -> Article:
        doc = item.document
        text = normalize_text(doc.text)
        return Article(
            id=article_id_for(item.key),
            source=item.source,
            url=doc.url,
            title=doc.title,
            published=doc.published,
            lang=detect_language(text),
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            text=text,
            outlet=doc.outlet,
            source_id=item.source_id,
        )
