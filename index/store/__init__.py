"""Store: the records of truth and the vectors built from them.

`article_db` (SQLite) holds articles, passages, sources, subscriptions and the alert outbox: it
is the record of truth. `vectors` is the Chroma collection (embedded or a server), rebuildable
from it; `indexer` writes documents into both; `consistency` compares and repairs them;
`writer_lock` keeps one writer process per data directory. `feedback` keeps readers'
votes on answers in a file of its own.
`backups` writes and restores copies of the records; `disk` turns file-system refusals
(full, read-only, wrong kind of path) into one error; `vector_census` counts the stored
passages without Chroma (for `stats` and `restore`).
"""
