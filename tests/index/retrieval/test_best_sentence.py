"""The bold sentence: closest to the question, never a caption; sentence vectors cached."""

from index.embedding.query_encoder import QueryEncoder
from index.retrieval.best_sentence import SentenceScorer, best_sentences
from tests.fakes import HashingEmbedder

QUESTION = "Why was the Budapest summit dropped?"


def test_a_caption_is_not_the_best_sentence_even_when_closest():
    embedder = HashingEmbedder()
    text = (
        "Hungary waited for news. The Budapest summit was dropped, Trump and Putin pictured. "
        "(Photo: Getty) Officials said the summit in Budapest was dropped."
    )
    [best] = best_sentences(embedder, embedder.embed_queries([QUESTION])[0], [(text, "en")])
    assert best == "Officials said the summit in Budapest was dropped."


def test_sentence_vectors_are_computed_once_across_questions():
    embedder = HashingEmbedder()
    scorer = SentenceScorer(embedder, QueryEncoder(embedder))
    sentences = ["The Budapest summit was dropped.", "Gold rose again."]

    first = scorer.scores(QUESTION, sentences, ["en", "en"])
    other = scorer.scores("Did gold rise?", [*sentences, "Rates stayed."], ["en"] * 3)

    assert first[0] > first[1] and other[1] > other[0]
    assert embedder.calls == [2, 1]  # the second question embedded only the new sentence


def test_the_scorer_picks_as_answers_do_from_the_sentences_it_keeps():
    """Inline results take their sentences from the scorer that answers' pages fill."""
    embedder = HashingEmbedder()
    scorer = SentenceScorer(embedder, QueryEncoder(embedder))
    text = (
        "Hungary waited for news. The Budapest summit was dropped, Trump and Putin pictured. "
        "(Photo: Getty) Officials said the summit in Budapest was dropped."
    )
    passages = [(text, "en"), ("Gold rose again. Rates stayed.", "en")]
    picked = scorer.best(QUESTION, passages)
    calls = list(embedder.calls)
    assert scorer.best(QUESTION, passages) == picked
    assert embedder.calls == calls  # the second time, from the kept vectors
    query = embedder.embed_queries([QUESTION])[0]
    assert picked == best_sentences(embedder, query, passages)
    assert scorer.best(QUESTION, []) == []
