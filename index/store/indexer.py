"""The write path: documents -> articles (SQLite) -> passages -> embeddings (Chroma).

Each article is saved as soon as it is read, in a short transaction, so a crash keeps what
was fetched. Its passages are embedded with the rest of its batch
(`NEWSBOT_INDEX_BATCH_SIZE` articles): one embedder call for the passages of all of
them, one Chroma upsert, and one SQLite transaction that marks them embedded and writes their
alerts. Order matters for crash safety: an article is marked embedded only after its passages
are stored, with stable ids. A crash anywhere leaves articles either fully searchable or not
yet marked, which the next run re-embeds with the same ids: nothing lost, nothing doubled. A
new article waits for its alerts from the transaction that saves it (index/alerts/subscriptions.py).
"""

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from sqlalchemy import Connection

from index.embedding.embedder import Embedder
from index.models import Article, DocumentFailure, Passage, SourceDocument
from index.passages.chunking import Chunks, chunk_article
from index.passages.language import detect_language
from index.settings import IndexingSettings
from index.store.article_db import ArticleDB
from index.store.language_means import IndexMeans
from index.store.vectors import VectorStore

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
    repeats: int = 0  # passages identical to an earlier one of their article, stored once
    cut_short: int = 0  # articles that reached the bound on passages
    unread_chars: int = 0  # characters of those articles past the bound, not indexed
    max_passages: int | None = None  # the bound, when an article reached it

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        line = (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicate, {self.failed} failed; {self.passages} passages embedded"
        )
        if self.cut_short:
            line += (
                f"; {self.cut_short} article(s) cut at {self.max_passages} passages "
                f"(NEWSBOT_MAX_PASSAGES_PER_ARTICLE), {self.unread_chars:,} characters not indexed"
            )
        if self.repeats:
            line += f"; {self.repeats} repeated passages stored once"
        return line

    def count(self, article: Article, chunks: Chunks, bound: int) -> None:
        """Add what chunking left out of `article` to the report, and log it."""
        self.repeats += chunks.repeats
        if chunks.cut_short:
            self.cut_short += 1
            self.unread_chars += chunks.unread_chars
            self.max_passages = bound
        if chunks.cut_short or chunks.repeats:
            log.warning(
                "%s (%s): %d passages kept, %d repeated ones dropped%s",
                article.title[:80] or article.source,
                article.url or article.id,
                len(chunks.passages),
                chunks.repeats,
                f"; cut at the bound of {bound} passages, {chunks.unread_chars:,} characters "
                "not indexed (NEWSBOT_MAX_PASSAGES_PER_ARTICLE)"
                if chunks.cut_short
                else "",
            )


@dataclass(frozen=True)
class Progress:
    """Sent after each document so a front can draw a bar: documents done, passages so far."""

    documents: int
    passages: int
    current: str
    total: int | None = None  # documents expected, when known


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class EmbeddedArticle:
    """An article whose passages were just stored, with their vectors (row i: passage i)."""

    article: Article
    passages: list[Passage]
    vectors: np.ndarray


class AlertHook(Protocol):
    """What the indexer asks of alert matching (index/alerts/matching.py) for each batch."""

    def prepare(self, batch: Sequence[EmbeddedArticle]) -> Callable[[Connection], None] | None:
        """A writer of the batch's alerts, run in the transaction that marks it embedded."""
        ...


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
        self,
        db: ArticleDB,
        store: VectorStore,
        embedder: Embedder,
        settings: IndexingSettings,
        alerts: AlertHook | None = None,
        means: IndexMeans | None = None,
    ) -> None:
        self.db = db
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.alerts = alerts  # None: a staging collection, whose vectors alert nobody
        self.means = means  # None: a model that is not centred
        self.batch_size = settings.batch_size
        db.register_space(store.name, embedder.identity, staging=store.is_staging)
        if means is not None:
            means.finish()  # a re-centring a crash interrupted, before anything is written

    def index(
        self,
        documents: Iterable[SourceDocument | DocumentFailure],
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Each article is saved as soon as it is read (a crash keeps what was fetched); its
        passages are embedded and stored with the rest of its batch."""
        report = IndexReport()
        batch: dict[str, Article] = {}
        for done, item in enumerate(documents, start=1):
            if isinstance(item, DocumentFailure):
                report.failures.append(item)
                log.warning("skipped %s", item.reason)
            else:
                self._take(item, batch, report)
                if len(batch) >= self.batch_size:
                    report.passages += self._embed_batch(list(batch.values()), report)
                    batch.clear()
            if progress:
                progress(Progress(done, report.passages, getattr(item, "source", item.key)))
        if batch:
            report.passages += self._embed_batch(list(batch.values()), report)
        return report

    def _take(self, item: SourceDocument, batch: dict[str, Article], report: IndexReport) -> None:
        """Save the document's article if new or changed and add it to `batch` to embed."""
        article = self._article(item)
        existing = batch.get(article.id) or self.db.get(article.id)
        if existing and existing.content_hash == article.content_hash:
            if article.id in batch or self.db.is_embedded(self.store.name, existing):
                report.unchanged += 1
                return
            batch[article.id] = existing  # saved before a crash: finish the job
            report.changed += 1
            return
        twin = self.db.find_by_hash(article.content_hash)
        if twin and twin.id != article.id:
            report.duplicates += 1
            log.info("%s repeats %s; stored once", item.source, twin.source)
            return
        self.db.save_many([article], new_ids=[] if existing else [article.id])
        batch[article.id] = article
        if existing:
            report.changed += 1
        else:
            report.new += 1
            report.new_articles.append(article)

    def embed_many(
        self,
        articles: Sequence[Article],
        progress: ProgressCallback | None = None,
        report: IndexReport | None = None,
    ) -> IndexReport:
        """(Re)embed stored articles, a batch at a time."""
        report = report or IndexReport()
        for start in range(0, len(articles), self.batch_size):
            chunk = articles[start : start + self.batch_size]
            report.passages += self._embed_batch(chunk, report)
            report.changed += len(chunk)
            if progress:
                done = start + len(chunk)
                progress(Progress(done, report.passages, chunk[-1].source, total=len(articles)))
        return report

    def _embed_batch(self, articles: Sequence[Article], report: IndexReport) -> int:
        """Embed the passages of `articles` in one call, replace theirs in the store in one
        upsert, then mark them embedded and write their alerts in one transaction."""
        chunked = [(article, self.chunk(article, report)) for article in articles]
        passages = [p for _, ps in chunked for p in ps]
        langs = [article.lang for article, ps in chunked for _ in ps]
        texts = [p.text for p in passages]
        vectors = self.embedder.embed_passages(texts, langs) if passages else None
        self.store.delete_articles([article.id for article in articles])
        if vectors is not None:
            self.store.upsert(passages, vectors, langs)
            if self.means is not None:
                vectors = self.means.after_write(vectors, langs)
        embedded, row = [], 0
        for article, ps in chunked:
            rows = vectors[row : row + len(ps)] if vectors is not None else np.zeros((0, 0))
            embedded.append(EmbeddedArticle(article, ps, rows))
            row += len(ps)
        write_alerts = self._alerts_of(embedded)
        self.db.mark_embedded_many(
            self.store.name, [(a, len(ps)) for a, ps in chunked], also=write_alerts
        )
        return len(passages)

    def _alerts_of(self, embedded: list[EmbeddedArticle]) -> Callable[[Connection], None] | None:
        if self.alerts is None:
            return None
        try:
            return self.alerts.prepare(embedded)
        except Exception:  # the articles are indexed; they stay unmatched, retried later
            log.exception("matching %d articles to subscriptions failed", len(embedded))
            return None

    def chunk(self, article: Article, report: IndexReport | None = None) -> list[Passage]:
        """Deterministic passages of an article for this model's tokenizer: at most
        `max_passages`, identical ones once; what is left out is added to `report`."""
        chunks = chunk_article(
            article.text,
            article.lang,
            self.embedder.count_tokens,
            self.embedder.passage_token_budget,
            self.settings.overlap_sentences,
            self.settings.max_passages,
        )
        if report is not None:
            report.count(article, chunks, self.settings.max_passages)
        return [
            Passage(id=f"{article.id}:{seq}", article_id=article.id, seq=seq, text=text)
            for seq, text in enumerate(chunks.passages)
        ]

    def embed_missing(self, progress: ProgressCallback | None = None) -> IndexReport:
        """Embed every stored article this vector space lacks (after a crash or a new model)."""
        missing = self.db.unembedded(self.store.name)
        report = IndexReport(unchanged=self.db.count() - len(missing))
        return self.embed_many(missing, progress, report)

    def reembed_all(self, progress: ProgressCallback | None = None) -> IndexReport:
        """Embed every stored article again, in place, with stable ids (no duplicates)."""
        return self.embed_many(list(self.db.all_articles()), progress)

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
