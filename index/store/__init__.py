"""Store: the records of truth and the vectors built from them.

`article_db` holds articles and which articles each vector space holds: with the sources,
subscriptions and the alert outbox (their packages' tables) it is the record of truth, on
SQLite by default or PostgreSQL (`database`: one SQLAlchemy engine; `tables`: the store's
tables; `schema` + `migrations/`: the Alembic histories run on open; `transfer`: copying
records between databases for `newsbot db migrate`). `vectors` is the Chroma collection
(embedded or a server), rebuildable from them; `indexer` writes documents into both;
`consistency` compares and repairs them; `writer_lock` keeps one writer process per data
directory (behind the `ExclusiveLock` seam). `feedback` keeps readers' votes on answers in a
store of its own. `backups` writes and restores copies of the SQLite records; `disk` turns
file-system refusals (full, read-only, wrong kind of path) into one error; `vector_census`
counts the stored passages without Chroma (for `stats` and `restore`).
"""
