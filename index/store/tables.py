"""The store's tables, in SQLAlchemy Core: articles, and which articles each vector space holds.

The schema each store's migrations build (`index/store/migrations/`, run on open); a test
checks that the migrated database and these definitions agree, on SQLite and PostgreSQL.
Every package declares its own tables on the one `metadata` of the records database:
`index/sources/tables.py`, `index/alerts/tables.py`.
"""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, MetaData, Table, Text

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", Text, primary_key=True),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("published", Text),
    Column("lang", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("outlet", Text),
    Column("source_id", Integer),
    Column("indexed_at", Text, nullable=False),
    Index("articles_hash", "content_hash"),
    Index("articles_source", "source_id"),
)

vector_spaces = Table(
    "vector_spaces",
    metadata,
    Column("collection", Text, primary_key=True),
    Column("model", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="live"),
    Column("used_at", Text),
    CheckConstraint("state IN ('live', 'staging')", name="vector_spaces_state"),
)

embedded = Table(
    "embedded",
    metadata,
    Column("collection", Text, primary_key=True),
    Column(
        "article_id",
        Text,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("content_hash", Text, nullable=False),
    Column("passages", Integer, nullable=False),
    Index("embedded_article", "article_id"),
)

__all__ = ["articles", "embedded", "metadata", "vector_spaces"]
