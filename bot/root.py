"""The composition root: the one place where newsbot's services are built from the settings.

The CLI and the Telegram bot ask it for what they need and nothing more:

- `catalog()`: sources, subscriptions, the outbox and counts; SQLite only, milliseconds.
- `vectors()`: the vector store the last writer used, without the model (`check --dry-run`).
- `core()`: the search core (the model, the store, indexing, asking); seconds to load.

Each is built once, on first use, and closed with the root. Heavy modules are imported only
when the service that needs them is asked for, so `newsbot sources list` never loads a model.
"""

from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from index.catalog import Catalog

if TYPE_CHECKING:
    from index.embedding.embedder import Embedder
    from index.news_index import NewsIndex
    from index.store.vectors import VectorStore


class Root:
    """Builds each service on first use; `close()` (or `with`) closes what it built."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._catalog: Catalog | None = None
        self._core: NewsIndex | None = None

    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.open(self.settings)
        return self._catalog

    def core(
        self,
        *,
        writer: bool = False,
        recover_store: bool = False,
        embedder: "Embedder | None" = None,
        client: Any = None,
    ) -> "NewsIndex":
        """The search core over this root's catalog; `writer` takes the data dir's lock."""
        if self._core is None:
            from index.news_index import NewsIndex

            self._core = NewsIndex.open(
                self.settings,
                writer=writer,
                recover_store=recover_store,
                embedder=embedder,
                client=client,
                catalog=self.catalog(),
            )
        return self._core

    def vectors(self) -> "VectorStore | None":
        """The collection the last writer used, opened without the model; None before any."""
        from index.store.vectors import open_store

        current = self.catalog().db.current_space()
        if current is None:
            return None
        collection, model = current
        return open_store(self.settings.storage, model, name=collection)

    def close(self) -> None:
        if self._core is not None:
            self._core.close()
            self._core = None
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def __enter__(self) -> "Root":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
