"""The composition root: each part built once, and a second request for the core served by the
same core or refused, never silently served by another."""

import pytest

from bot.root import Root
from bot.settings import Settings
from index.errors import WriterLockedError
from tests.fakes import HashingEmbedder


def test_each_part_is_built_once_and_closed_with_the_root(settings: Settings):
    embedder = HashingEmbedder()
    with Root(settings) as root:
        news = root.core(embedder=embedder)
        assert root.core(embedder=embedder) is news
        assert root.catalog() is news.catalog and root.catalog() is root.catalog()
        assert root.feedback() is root.feedback()
        assert root.answer_writer() is None  # NEWSBOT_LLM_URL unset: passages only
        assert news.indexer is None  # asked without the lock: read-only
    assert root.core(embedder=embedder) is not news  # closed, then asked again: built anew
    root.close()


def test_a_core_asked_for_differently_is_refused_not_ignored(settings: Settings):
    embedder = HashingEmbedder()
    with Root(settings) as root:
        reader = root.core(embedder=embedder)
        with pytest.raises(RuntimeError, match="already open"):
            root.core(lock=True, embedder=embedder)  # a reader cannot write
        with pytest.raises(RuntimeError, match="already open"):
            root.core(embedder=HashingEmbedder())  # another model
        with pytest.raises(RuntimeError, match="already open"):
            root.core(embedder=embedder, recover_store=True)
        assert root.core(embedder=embedder) is reader


def test_a_locked_core_serves_readers_and_holds_the_lock_until_closed(settings: Settings):
    embedder = HashingEmbedder()
    with Root(settings) as root:
        writer = root.core(lock=True, embedder=embedder)
        assert writer.indexer is not None
        assert root.core(embedder=embedder) is writer
        with Root(settings) as other, pytest.raises(WriterLockedError):
            other.core(lock=True, embedder=embedder)
    with Root(settings) as after:  # released with the first root
        assert after.core(lock=True, embedder=embedder).indexer is not None
