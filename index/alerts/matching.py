"""Match newly stored articles against subscriptions and queue one alert per story.

Only genuinely new articles come here: they wait in the `unmatched` table from the moment they
are saved (see index/alerts/outbox.py). The indexer asks `prepare` for a batch it has just
embedded, and writes the alerts in the transaction that marks the batch embedded; what a crash
or a failure left unmatched is matched by `match_pending` from the stored vectors. A changed,
re-embedded or rebuilt article never alerts again. A topic is embedded as a query and compared
with every passage of the article; the best passage's score decides, against a threshold
measured with `bench/alert_threshold.py` (the model's profile holds it). Topic-less
subscriptions take every new article. Articles matched in one batch are grouped into stories
(`index/retrieval/story_groups.py`: their most alike passages): one alert per story. A story
the subscriber was alerted to in the last `STORY_HOURS` (a translation or a republication
arriving later, from a feed or a reindex) is no new alert: the newcomer joins the earlier one
as one more source ("also in"), shown when that alert is still to be sent.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Connection

from index.alerts.outbox import Match, Outbox
from index.alerts.subscriptions import Subscription, Subscriptions
from index.embedding.embedder import Embedder
from index.embedding.query_encoder import QueryEncoder
from index.passages.sentences import split_sentences
from index.retrieval.best_sentence import best_sentences
from index.retrieval.story_groups import (
    ArticlePassages,
    StoryRule,
    article_passages,
    group_stories,
)
from index.store.indexer import EmbeddedArticle
from index.store.vectors import StoredPassage, VectorStore

log = logging.getLogger(__name__)

Passages = list[tuple[StoredPassage, np.ndarray]]

STORY_HOURS = 72  # how long a story alerted to takes in its later sources instead of alerting


class AlertMatcher:
    """Turns a batch of new articles into queued alerts."""

    def __init__(
        self,
        subscriptions: Subscriptions,
        outbox: Outbox,
        store: VectorStore,
        embedder: Embedder,
        queries: QueryEncoder,
        min_score: float,
        story_min_similarity: float,
    ) -> None:
        self.subscriptions = subscriptions
        self.outbox = outbox
        self.store = store
        self.embedder = embedder
        self.queries = queries
        self.min_score = min_score
        self.story_min_similarity = story_min_similarity
        self.story_rule = StoryRule(
            story_min_similarity, embedder.profile.story_same_language_margin
        )

    def prepare(self, batch: Sequence[EmbeddedArticle]) -> Callable[[Connection], None] | None:
        """The alerts of the articles of `batch` still waiting for theirs, as a function that
        writes them inside the transaction marking the batch embedded; None if none wait."""
        waiting = self.outbox.unmatched([e.article.id for e in batch])
        if not waiting:
            return None
        passages: dict[str, Passages] = {
            e.article.id: [
                (StoredPassage(p, e.article.lang, 0.0), v)
                for p, v in zip(e.passages, e.vectors, strict=True)
            ]
            for e in batch
            if e.article.id in waiting and e.passages
        }
        matches = self._matches(passages)

        def write(conn: Connection) -> None:
            queued = self.outbox.record(conn, matches, waiting)
            log.info("%d new articles: %d alerts queued", len(waiting), queued)

        return write

    def match_pending(self, batch_size: int = 64) -> int:
        """Match what is embedded but still unmatched (a crash, a failure, a rebuild came
        between), from the stored vectors; returns how many articles were matched."""
        pending = self.outbox.unmatched_embedded(self.store.name)
        for start in range(0, len(pending), batch_size):
            ids = pending[start : start + batch_size]
            matches = self._matches(self.store.passages_of(ids))
            with self.outbox.db.connect() as conn:
                queued = self.outbox.record(conn, matches, ids)
            log.info("%d articles left unmatched: %d alerts queued", len(ids), queued)
        return len(pending)

    def _matches(self, passages: dict[str, Passages]) -> list[Match]:
        subscribers = self.subscriptions.active()
        if not passages or not subscribers:
            return []
        articles = article_passages(passages)
        since = datetime.now(UTC) - timedelta(hours=STORY_HOURS)
        alerted = self.outbox.alerted(
            [s.id for s in subscribers], since.isoformat(timespec="seconds")
        )
        wanted = sorted({a for ids in alerted.values() for a in ids} - set(passages))
        earlier = article_passages(self.store.passages_of(wanted)) if wanted else {}
        matches: list[Match] = []
        for subscription in subscribers:
            told = {a: earlier[a] for a in alerted.get(subscription.id, []) if a in earlier}
            matches.extend(self._for_subscription(subscription, passages, articles, told))
        return matches

    def _for_subscription(
        self,
        subscription: Subscription,
        passages: dict[str, Passages],
        articles: dict[str, ArticlePassages],
        told: Mapping[str, ArticlePassages],
    ) -> list[Match]:
        """The subscriber's matches among the batch: one alert per new story (its other
        articles merged into it), and a story it was `told` of (earlier alerts' articles,
        newest first) joined to that earlier alert instead."""
        topic = self.queries.encode(subscription.topic) if subscription.topic else None
        scored: dict[str, tuple[float, StoredPassage]] = {}
        for article_id, pairs in passages.items():
            if topic is None:
                scored[article_id] = (1.0, pairs[0][0])
                continue
            scores = np.stack([v for _, v in pairs]) @ topic
            best = int(np.argmax(scores))
            if float(scores[best]) >= self.min_score:
                scored[article_id] = (float(scores[best]), pairs[best][0])
        if not scored:
            return []
        order = sorted(scored, key=lambda aid: -scored[aid][0])
        stories: list[list[str]] = []
        matches: list[Match] = []
        for story in group_stories(articles, order, self.story_rule):
            leader = articles[story[0]]
            same = self.story_rule.same_story
            earlier = next((a for a, told_of in told.items() if same(told_of, leader)), None)
            if earlier is None:
                stories.append(story)
                continue
            for article_id in story:
                score, passage = scored[article_id]
                text = passage.passage.text
                matches.append(
                    Match(subscription.id, article_id, score, text, "", (), True, earlier)
                )
        lead_ids = [story[0] for story in stories]
        sentences = self._sentences(topic, [scored[aid][1] for aid in lead_ids])
        for story, sentence in zip(stories, sentences, strict=True):
            lead, *siblings = story
            score, passage = scored[lead]
            matches.append(
                Match(subscription.id, lead, score, passage.passage.text, sentence, tuple(siblings))
            )
            for sibling in siblings:
                sib_score, sib_passage = scored[sibling]
                text = sib_passage.passage.text
                matches.append(Match(subscription.id, sibling, sib_score, text, "", (), True))
        return matches

    def _sentences(self, topic: np.ndarray | None, passages: list[StoredPassage]) -> list[str]:
        if topic is None:  # nothing to match: the opening sentence leads
            return [(split_sentences(p.passage.text, p.lang) or [""])[0] for p in passages]
        return best_sentences(self.embedder, topic, [(p.passage.text, p.lang) for p in passages])
