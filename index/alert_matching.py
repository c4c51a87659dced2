"""Match newly indexed articles against subscriptions and queue one alert per story.

Only genuinely new articles come here (see NewsIndex.index_documents): a changed, re-embedded
or rebuilt article never alerts again. A topic is embedded as a query and compared with every
passage of the article; the best passage's score decides, against a threshold measured with
`bench/alert_threshold.py` (the model's profile holds it). Topic-less subscriptions take every
new article.
"""

import logging
from collections.abc import Sequence

import numpy as np

from index.best_sentence import best_sentences
from index.embedding import Embedder
from index.models import Article
from index.query_encoder import QueryEncoder
from index.sentences import split_sentences
from index.store import StoredPassage, VectorStore
from index.story_groups import article_vectors, group_stories
from index.subscriptions import Match, Subscription, Subscriptions

log = logging.getLogger(__name__)

Passages = list[tuple[StoredPassage, np.ndarray]]


class AlertMatcher:
    """Turns a batch of new articles into queued alerts."""

    def __init__(
        self,
        subscriptions: Subscriptions,
        store: VectorStore,
        embedder: Embedder,
        queries: QueryEncoder,
        min_score: float,
        story_min_similarity: float,
    ) -> None:
        self.subscriptions = subscriptions
        self.store = store
        self.embedder = embedder
        self.queries = queries
        self.min_score = min_score
        self.story_min_similarity = story_min_similarity

    def match(self, articles: Sequence[Article]) -> int:
        """Queue alerts for `articles`; returns how many new alerts will be sent."""
        subscribers = self.subscriptions.active()
        if not articles or not subscribers:
            return 0
        passages = self.store.passages_of([a.id for a in articles])
        vectors = article_vectors(passages)
        matches: list[Match] = []
        for subscription in subscribers:
            matches.extend(self._for_subscription(subscription, passages, vectors))
        queued = self.subscriptions.queue(matches)
        log.info("%d new articles: %d alerts queued", len(articles), queued)
        return queued

    def _for_subscription(
        self,
        subscription: Subscription,
        passages: dict[str, Passages],
        vectors: dict[str, np.ndarray],
    ) -> list[Match]:
        topic = self.queries.encode(subscription.topic) if subscription.topic else None
        scored: dict[str, tuple[float, StoredPassage]] = {}
        for article_id, article_passages in passages.items():
            if topic is None:
                scored[article_id] = (1.0, article_passages[0][0])
                continue
            scores = np.stack([v for _, v in article_passages]) @ topic
            best = int(np.argmax(scores))
            if float(scores[best]) >= self.min_score:
                scored[article_id] = (float(scores[best]), article_passages[best][0])
        if not scored:
            return []
        order = sorted(scored, key=lambda aid: -scored[aid][0])
        stories = group_stories(vectors, order, self.story_min_similarity)
        lead_ids = [story[0] for story in stories]
        sentences = self._sentences(topic, [scored[aid][1] for aid in lead_ids])
        matches = []
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
